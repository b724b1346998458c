/* The one fault harness of the unit tests: each wrapped call goes to libc unless a fault is armed (see Makefile WRAPS), and the fault tests' spool fixture. */
#ifndef RELAYCTL_WRAP_H
#define RELAYCTL_WRAP_H

#include <setjmp.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

enum wrap_fn {
	W_OPEN, W_OPENAT, W_READ, W_WRITE, W_CLOSE, W_FSTAT, W_FSTATAT,
	W_FUTIMENS, W_FCHMOD, W_RENAMEAT, W_UNLINKAT, W_LINKAT,
	W_CLOCK_GETTIME, W_TIME, W_SETENV, W_EXECVP, W_FLOCK,
	W_SYSCALL, W_NFN
};

/* After `skip` calls that go through, the next `times` calls fail with err. */
void wrap_fail(enum wrap_fn fn, int skip, int times, int err);
/* Runs hook once, right after call number `after` (1 = the first) to fn returns. */
void wrap_hook(enum wrap_fn fn, int after, void (*hook)(void));
/* write() moves at most max bytes a call (0: no limit). */
void wrap_short_write(size_t max);
/* Calls made to fn since the last wrap_reset(). */
int wrap_calls(enum wrap_fn fn);
/* When non-zero, time() and clock_gettime(CLOCK_REALTIME) return this. */
extern time_t wrap_now;
void wrap_reset(void);

/*
 * execvp() is caught while wrap_exec_armed: its argv and the environment it
 * would pass are copied into wrap_exec_argv and wrap_exec_env, control
 * returns to the CATCH_EXEC that ran the applet, and the environment
 * pointer is put back (an applet may have pointed it into its own frame);
 * `caught` (an int lvalue) is then 1, else 0.
 */
#define WRAP_ARGV_MAX 16
#define WRAP_ENV_MAX 256
extern char **environ;
extern jmp_buf wrap_exec_jmp;
extern int wrap_exec_armed;
extern char **wrap_saved_environ;
extern char *wrap_exec_argv[WRAP_ARGV_MAX];
extern char *wrap_exec_env[WRAP_ENV_MAX];
/* NAME's value in the environment the caught exec would have passed. */
const char *wrap_exec_getenv(const char *name);
#define CATCH_EXEC(expr, caught) do {					\
	wrap_saved_environ = environ;					\
	if (setjmp(wrap_exec_jmp) == 0) {				\
		wrap_exec_armed = 1;					\
		(void)(expr);						\
		wrap_exec_armed = 0;					\
		(caught) = 0;						\
	} else {							\
		environ = wrap_saved_environ;				\
		(caught) = 1;						\
	}								\
} while (0)

/*
 * The fault tests' fixture: fault_setup makes a spool (fault_spool) and a
 * config directory of its own, the environment of a login from
 * FAULT_CLIENT, and sends fd 2 to a file that fault_stderr() reads back.
 */
#define FAULT_CLIENT "192.0.2.7"
extern char fault_spool[128];
int fault_setup(void **state);
int fault_teardown(void **state);
void fault_disarm(void);
const char *fault_stderr(void);
int fault_temps(void);
ssize_t fault_record(const char *name, char *buf, size_t size);
void fault_put(const char *name, const char *content, size_t len,
    time_t mtime);

/* Helpers every unit test may use. */
void ut_put(int dir, const char *name, const char *content, size_t len,
    time_t mtime);
int ut_entries(const char *path, int dots);
void ut_all_bytes(char v[256]);

#endif
