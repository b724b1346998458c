/* Fault injection for unit tests through ld --wrap: real calls unless a test arms a fault. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/msg.h"
#include "wrap.h"

int __real_open(const char *, int, ...);
int __real_openat(int, const char *, int, ...);
ssize_t __real_read(int, void *, size_t);
ssize_t __real_write(int, const void *, size_t);
int __real_close(int);
int __real_fstat(int, struct stat *);
int __real_fstatat(int, const char *, struct stat *, int);
int __real_futimens(int, const struct timespec *);
int __real_fchmod(int, mode_t);
int __real_renameat(int, const char *, int, const char *);
int __real_unlinkat(int, const char *, int);
int __real_linkat(int, const char *, int, const char *, int);
int __real_clock_gettime(clockid_t, struct timespec *);
time_t __real_time(time_t *);
int __real_setenv(const char *, const char *, int);
int __real_execvp(const char *, char *const[]);
int __real_execve(const char *, char *const[], char *const[]);
int __real_flock(int, int);
long __real_syscall(long, ...);

static struct fault {
	int skip, times, err, calls;
	int hook_after;
	void (*hook)(void);
} faults[W_NFN];
static size_t short_write;

time_t wrap_now;
jmp_buf wrap_exec_jmp;
int wrap_exec_armed;
char **wrap_saved_environ;
char *wrap_exec_argv[WRAP_ARGV_MAX];
char *wrap_exec_env[WRAP_ENV_MAX];

static void
keep(char **dst, size_t max, char *const *src)
{
	size_t i = 0;

	for (; src != NULL && i < max - 1 && src[i] != NULL; i++) {
		free(dst[i]);
		dst[i] = strdup(src[i]);
	}
	for (; i < max; i++) {
		free(dst[i]);
		dst[i] = NULL;
	}
}

const char *
wrap_exec_getenv(const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < WRAP_ENV_MAX && wrap_exec_env[i] != NULL; i++)
		if (strncmp(wrap_exec_env[i], name, len) == 0 &&
		    wrap_exec_env[i][len] == '=')
			return wrap_exec_env[i] + len + 1;
	return NULL;
}

void
wrap_reset(void)
{
	memset(faults, 0, sizeof(faults));
	short_write = 0;
	wrap_now = 0;
	wrap_exec_armed = 0;
	keep(wrap_exec_argv, WRAP_ARGV_MAX, NULL);
	keep(wrap_exec_env, WRAP_ENV_MAX, NULL);
}

void
wrap_fail(enum wrap_fn fn, int skip, int times, int err)
{
	faults[fn].skip = skip;
	faults[fn].times = times;
	faults[fn].err = err;
}

void
wrap_short_write(size_t max)
{
	short_write = max;
}

void
wrap_hook(enum wrap_fn fn, int after, void (*hook)(void))
{
	faults[fn].hook_after = after;
	faults[fn].hook = hook;
}

/* The hook runs as if another process acted between two of our calls. */
static void
after_call(enum wrap_fn fn)
{
	struct fault *f = &faults[fn];
	void (*hook)(void) = f->hook;

	if (hook != NULL && f->calls == f->hook_after) {
		f->hook = NULL;
		hook();
	}
}

int
wrap_calls(enum wrap_fn fn)
{
	return faults[fn].calls;
}

/* Counts the call; returns 1 (errno set) when this one must fail. */
static int
fails(enum wrap_fn fn)
{
	struct fault *f = &faults[fn];

	f->calls++;
	if (f->times == 0)
		return 0;
	if (f->skip > 0) {
		f->skip--;
		return 0;
	}
	f->times--;
	errno = f->err;
	return 1;
}

int
__wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return fails(W_OPEN) ? -1 : __real_open(path, flags, mode);
}

int
__wrap_openat(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int r;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	r = fails(W_OPENAT) ? -1 : __real_openat(dir, path, flags, mode);
	after_call(W_OPENAT);
	return r;
}

ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	return fails(W_READ) ? -1 : __real_read(fd, buf, len);
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	if (fails(W_WRITE))
		return -1;
	if (short_write && len > short_write)
		len = short_write;
	return __real_write(fd, buf, len);
}

/* A failing close still closes, as on Linux. */
int
__wrap_close(int fd)
{
	int r = __real_close(fd);

	return fails(W_CLOSE) ? -1 : r;
}

int
__wrap_fstat(int fd, struct stat *st)
{
	return fails(W_FSTAT) ? -1 : __real_fstat(fd, st);
}

int
__wrap_fstatat(int dir, const char *path, struct stat *st, int flags)
{
	int r = fails(W_FSTATAT) ? -1 : __real_fstatat(dir, path, st, flags);

	after_call(W_FSTATAT);
	return r;
}

int
__wrap_futimens(int fd, const struct timespec *t)
{
	int r = fails(W_FUTIMENS) ? -1 : __real_futimens(fd, t);

	after_call(W_FUTIMENS);
	return r;
}

int
__wrap_fchmod(int fd, mode_t mode)
{
	return fails(W_FCHMOD) ? -1 : __real_fchmod(fd, mode);
}

int
__wrap_renameat(int od, const char *o, int nd, const char *n)
{
	int r = fails(W_RENAMEAT) ? -1 : __real_renameat(od, o, nd, n);

	after_call(W_RENAMEAT);
	return r;
}

int
__wrap_unlinkat(int dir, const char *path, int flags)
{
	return fails(W_UNLINKAT) ? -1 : __real_unlinkat(dir, path, flags);
}

int
__wrap_linkat(int od, const char *o, int nd, const char *n, int flags)
{
	return fails(W_LINKAT) ? -1 : __real_linkat(od, o, nd, n, flags);
}

int
__wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (fails(W_CLOCK_GETTIME))
		return -1;
	if (wrap_now && clk == CLOCK_REALTIME) {
		ts->tv_sec = wrap_now;
		ts->tv_nsec = 0;
		return 0;
	}
	return __real_clock_gettime(clk, ts);
}

time_t
__wrap_time(time_t *t)
{
	time_t now;

	if (fails(W_TIME))
		return (time_t)-1;
	now = wrap_now ? wrap_now : __real_time(NULL);
	if (t)
		*t = now;
	return now;
}

int
__wrap_setenv(const char *name, const char *value, int overwrite)
{
	return fails(W_SETENV) ? -1 : __real_setenv(name, value, overwrite);
}

/* Armed: what would run is kept, and the test goes on at CATCH_EXEC. */
static void
catch_exec(char *const argv[])
{
	if (!wrap_exec_armed)
		return;
	keep(wrap_exec_argv, WRAP_ARGV_MAX, argv);
	keep(wrap_exec_env, WRAP_ENV_MAX, environ);
	wrap_exec_armed = 0;
	longjmp(wrap_exec_jmp, 1);
}

/* xexec runs a program by path with execve, any other with execvp. */
int
__wrap_execvp(const char *file, char *const argv[])
{
	if (fails(W_EXECVP))
		return -1;
	catch_exec(argv);
	return __real_execvp(file, argv);
}

int
__wrap_execve(const char *file, char *const argv[], char *const envp[])
{
	if (fails(W_EXECVP))
		return -1;
	catch_exec(argv);
	return __real_execve(file, argv, envp);
}

int
__wrap_flock(int fd, int op)
{
	return fails(W_FLOCK) ? -1 : __real_flock(fd, op);
}

/*
 * The calls relayctl makes: at most five integer or pointer arguments, and
 * mmap's six (a sixth read from any other call would be past its frame).
 */
long
__wrap_syscall(long n, ...)
{
	long x[6] = { 0 };
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < (n == SYS_mmap ? 6 : 5); i++)
		x[i] = va_arg(ap, long);
	va_end(ap);
	if (fails(W_SYSCALL))
		return -1;
	return __real_syscall(n, x[0], x[1], x[2], x[3], x[4], x[5]);
}

/*
 * --- the fault tests' fixture (test_fault_*.c) ---------------------------
 * A temporary spool, fd 2 captured in a file, and the questions every fault
 * test asks afterwards (did the next program run, is a temporary file
 * left, what did the warning say).
 */
char fault_spool[128];
static char fault_top[64], fault_err[128];
static int fault_saved_stderr = -1;

int
fault_setup(void **state)
{
	int fd;

	(void)state;
	wrap_reset();
	strcpy(fault_top, "/tmp/relayctl-fault.XXXXXX");
	if (mkdtemp(fault_top) == NULL)
		return -1;
	snprintf(fault_spool, sizeof(fault_spool), "%s/spool", fault_top);
	snprintf(fault_err, sizeof(fault_err), "%s/stderr", fault_top);
	if (mkdir(fault_spool, 0755) != 0)
		return -1;
	/* never the host's /etc/relay-ctrl */
	setenv("RELAY_CTRL_CONFIG", fault_top, 1);
	setenv("RELAY_CTRL_DIR", fault_spool, 1);
	setenv("TCPREMOTEIP", FAULT_CLIENT, 1);
	setenv("USER", "alice", 1);
	setenv("DOMAIN", "example.com", 1);
	unsetenv("PROTO");
	unsetenv("RELAY_CTRL_DIR_FD");
	unsetenv("RELAY_CTRL_EXPIRY");
	unsetenv("RELAY_CTRL_CLOCK_SKEW");
	unsetenv("RELAY_CTRL_LOG_IPS");
	unsetenv("RELAY_CTRL_LOG_ENV");
	unsetenv("RELAYCLIENT");
	unsetenv("AUTHUSER");
	unsetenv("AUTHARGV0");
	unsetenv("AUTHENTICATED");
	config_reset();
	fd = open(fault_err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	fflush(stderr);
	fault_saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
	msg_force_sink(SINK_STDERR);
	return 0;
}

int
fault_teardown(void **state)
{
	char cmd[256];

	(void)state;
	wrap_reset();
	config_reset();
	dup2(fault_saved_stderr, 2);
	close(fault_saved_stderr);
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", fault_top,
	    fault_top);
	return system(cmd);
}

/* Later calls go through: the test looks at the spool with real calls. */
void
fault_disarm(void)
{
	int fn;

	for (fn = 0; fn < W_NFN; fn++)
		wrap_fail((enum wrap_fn)fn, 0, 0, 0);
	wrap_short_write(0);
}

/* What the applet wrote to fd 2 so far (a static buffer). */
const char *
fault_stderr(void)
{
	static char buf[8192];
	ssize_t n;
	int fd = open(fault_err, O_RDONLY);

	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

/* Entries of the spool whose name starts with '.': temporary files. */
int
fault_temps(void)
{
	struct dirent *d;
	DIR *dp = opendir(fault_spool);
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] == '.' && strcmp(d->d_name, ".") != 0 &&
		    strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

/* The record's content, or -1 when there is none. */
ssize_t
fault_record(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fault_spool, name);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

void
fault_put(const char *name, const char *content, size_t len, time_t mtime)
{
	int dir = open(fault_spool, O_RDONLY | O_DIRECTORY);

	ut_put(dir, name, content, len, mtime);
	close(dir);
}

/*
 * --- what every unit test may need -----------------------------------------
 */

/* A file name in dir holding len bytes, dated mtime (0: now); aborts on error. */
void
ut_put(int dir, const char *name, const char *content, size_t len,
    time_t mtime)
{
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (mtime == 0)
		ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	if (fd < 0 || write(fd, content, len) != (ssize_t)len ||
	    futimens(fd, ts) != 0 || close(fd) != 0)
		abort();
}

/* Entries of the directory at path, "." and ".." not counted; dot files
 * (temporary files) count 1000 each when dots is set. */
int
ut_entries(const char *path, int dots)
{
	struct dirent *d;
	DIR *dp = opendir(path);
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			n++;
		else if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			n += dots ? 1000 : 1;
	closedir(dp);
	return n;
}

/* A 255-byte value: every byte from 1 to 255 once. */
void
ut_all_bytes(char v[256])
{
	int i;

	for (i = 0; i < 255; i++)
		v[i] = (char)(i + 1);
	v[255] = '\0';
}

