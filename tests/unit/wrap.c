/* Fault injection for unit tests through ld --wrap: real calls unless a test arms a fault. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

int
__wrap_execvp(const char *file, char *const argv[])
{
	if (fails(W_EXECVP))
		return -1;
	if (!wrap_exec_armed)
		return __real_execvp(file, argv);
	keep(wrap_exec_argv, WRAP_ARGV_MAX, argv);
	keep(wrap_exec_env, WRAP_ENV_MAX, environ);
	wrap_exec_armed = 0;
	longjmp(wrap_exec_jmp, 1);
}

int
__wrap_flock(int fd, int op)
{
	return fails(W_FLOCK) ? -1 : __real_flock(fd, op);
}

/* The calls relayctl makes: at most five integer or pointer arguments. */
long
__wrap_syscall(long n, ...)
{
	long x[5];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < 5; i++)
		x[i] = va_arg(ap, long);
	va_end(ap);
	if (fails(W_SYSCALL))
		return -1;
	return __real_syscall(n, x[0], x[1], x[2], x[3], x[4]);
}
