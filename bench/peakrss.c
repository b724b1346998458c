/* Reports the peak resident memory of a program from its execve to its next execve or its exit, exactly, from the kernel's page tables; see bench/run.sh. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * wait4's ru_maxrss cannot be used: the kernel counts RSS per CPU in
 * batches and folds them in lazily, so a small static program reads 0 KiB.
 * smaps_rollup walks the page tables and is exact.  Memory only shrinks
 * at the calls below, so reading it on entry to each of them, and at the
 * end, gives the exact peak; a seccomp filter stops the program there and
 * nowhere else, so that even a run over 100,000 records is not slowed.
 */
static const int shrinkers[] = {
	SYS_munmap, SYS_brk, SYS_mremap, SYS_madvise, SYS_execve,
	SYS_exit_group, SYS_exit,
};
#define NSHRINK (sizeof(shrinkers) / sizeof(shrinkers[0]))

static void
install_filter(void)
{
	struct sock_filter f[2 + 2 * NSHRINK + 1];
	struct sock_fprog prog;
	size_t i, n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < NSHRINK; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (unsigned)shrinkers[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		    SECCOMP_RET_TRACE);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("peakrss: seccomp");
		_exit(111);
	}
}

/* Its output goes to /dev/null: ours is the one number. */
static void
child(char **argv)
{
	int null = open("/dev/null", O_WRONLY);

	if (null < 0 || dup2(null, 1) < 0) {
		perror("peakrss: /dev/null");
		_exit(111);
	}
	close(null);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		perror("peakrss: PTRACE_TRACEME");
		_exit(111);
	}
	kill(getpid(), SIGSTOP);
	install_filter();
	execv(argv[0], argv);
	perror("peakrss: execv");
	_exit(127);
}

/* The "Rss:" line of /proc/PID/smaps_rollup, in KiB. */
static long
rss_kib(pid_t pid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/smaps_rollup", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nRss:")) == NULL)
		return -1;
	return strtol(p + 5, NULL, 10);
}

static int
event(int status)
{
	return WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP ?
	    status >> 16 : 0;
}

int
main(int argc, char **argv)
{
	struct user_regs_struct regs;
	long peak = 0, r;
	int status, started = 0, sig;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: peakrss PROGRAM [ARGS...]\n");
		return 100;
	}
	if ((pid = fork()) == 0)
		child(argv + 1);
	waitpid(pid, &status, 0);
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(PTRACE_O_TRACEEXEC |
	    PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) < 0) {
		perror("peakrss: PTRACE_SETOPTIONS");
		return 111;
	}
	sig = 0;
	for (;;) {
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
		if (waitpid(pid, &status, 0) < 0 && errno != EINTR) {
			perror("peakrss: waitpid");
			return 111;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			fprintf(stderr, "peakrss: the program ended unseen\n");
			return 111;
		}
		sig = 0;
		if (event(status) == PTRACE_EVENT_EXEC) {
			started = 1;
			continue;
		}
		if (event(status) != PTRACE_EVENT_SECCOMP) {
			sig = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);
			continue;
		}
		if (!started)
			continue;
		if ((r = rss_kib(pid)) > peak)
			peak = r;
		if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0 &&
		    (regs.orig_rax == SYS_execve || regs.orig_rax == SYS_exit ||
		    regs.orig_rax == SYS_exit_group))
			break;
	}
	/* Detached, it would meet the filter with no tracer: ENOSYS forever. */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("%ld\n", peak);
	return fflush(stdout) == 0 && peak > 0 ? 0 : 111;
}
