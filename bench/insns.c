/* Counts the user-mode instructions a static program executes from its execve to the next execve, by single-stepping it; see bench/run.sh. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * With ASLR off and a static binary there is no loader and no random
 * layout, so the count is the same on every run.  A trap comes after each
 * instruction, and after each iteration of a REP string instruction: that
 * is the work a memcpy really does, so it is counted too.
 */
static int
is_exec_stop(int status)
{
	return WIFSTOPPED(status) &&
	    status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8));
}

static void
child(char **argv)
{
	if (personality(ADDR_NO_RANDOMIZE) < 0)
		perror("insns: personality");
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		perror("insns: PTRACE_TRACEME");
		_exit(111);
	}
	kill(getpid(), SIGSTOP);
	execv(argv[0], argv);
	perror("insns: execv");
	_exit(127);
}

static void
wait_for(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR) {
			perror("insns: waitpid");
			exit(111);
		}
	if (WIFEXITED(*status) || WIFSIGNALED(*status)) {
		fprintf(stderr, "insns: the program ended before an execve\n");
		exit(111);
	}
}

/* With -t, each instruction's address, for attributing the count to symbols with nm. */
static void
trace_pc(FILE *f, pid_t pid)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0)
		fprintf(f, "%llx\n", (unsigned long long)regs.rip);
}

int
main(int argc, char **argv)
{
	unsigned long count = 0;
	FILE *trace = NULL;
	int status, sig;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		if ((trace = fopen(argv[2], "we")) == NULL) {
			perror(argv[2]);
			return 111;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: insns [-t TRACEFILE] PROGRAM [ARGS...]\n");
		return 100;
	}
	if ((pid = fork()) == 0)
		child(argv + 1);
	wait_for(pid, &status);
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
	    (void *)PTRACE_O_TRACEEXEC) < 0) {
		perror("insns: PTRACE_SETOPTIONS");
		return 111;
	}
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	wait_for(pid, &status);
	if (!is_exec_stop(status)) {
		fprintf(stderr, "insns: no execve of %s\n", argv[1]);
		return 111;
	}
	sig = 0;
	for (;;) {
		if (trace != NULL)
			trace_pc(trace, pid);
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL,
		    (void *)(long)sig) < 0) {
			perror("insns: PTRACE_SINGLESTEP");
			return 111;
		}
		wait_for(pid, &status);
		count++;
		if (is_exec_stop(status))
			break;
		sig = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);
	}
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	if (trace != NULL && fclose(trace) != 0)
		perror("insns: trace");
	printf("%lu\n", count);
	return fflush(stdout) == 0 ? 0 : 111;
}
