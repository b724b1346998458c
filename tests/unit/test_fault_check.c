/* Fault injection for relay-ctrl-check: whatever fails, the SMTP daemon runs, without RELAYCLIENT unless the record was read whole, and a warning names the cause. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/wrap.h"

#include "applets/check.c"

/*
 * check only reads: the errors of writing (ENOSPC, EDQUOT, EROFS, short
 * writes, rename, futimens) cannot reach it and are tested on allow; here
 * the spool or the record cannot be opened (EACCES, EMFILE, ENFILE),
 * read or stat'ed (EIO, EINTR).
 */
#define CONTENT "USER=alice\0DOMAIN=example.com\0"
#define CONTENT_LEN (sizeof(CONTENT) - 1)

static char *next_argv[] = { "relay-ctrl-check", "qmail-smtpd", NULL };

static int
fresh_setup(void **state)
{
	if (fault_setup(state) != 0)
		return -1;
	unsetenv("USER");
	unsetenv("DOMAIN");
	fault_put(FAULT_CLIENT, CONTENT, CONTENT_LEN, time(NULL) - 10);
	msg_init("relay-ctrl-check", "");
	return 0;
}

/* Runs check; asserts that it reached the exec of the SMTP daemon. */
static void
run_check(void)
{
	int caught;

	CATCH_EXEC(check_main(2, next_argv), caught);
	fault_disarm();
	assert_int_equal(caught, 1);
	assert_string_equal(wrap_exec_argv[0], "qmail-smtpd");
	assert_null(wrap_exec_argv[1]);
	assert_null(wrap_exec_getenv("RELAY_CTRL_DIR_FD"));
	/* check never writes: the spool holds the record and nothing else */
	assert_int_equal(fault_temps(), 0);
}

static void
assert_no_relay(const char *cause)
{
	const char *out = fault_stderr();

	assert_null(wrap_exec_getenv("RELAYCLIENT"));
	assert_null(wrap_exec_getenv("USER"));
	assert_null(wrap_exec_getenv("DOMAIN"));
	assert_non_null(strstr(out, "relay-ctrl-check["));
	assert_non_null(strstr(out, ": warning: "));
	assert_non_null(strstr(out, cause));
	assert_non_null(strstr(out, "continuing without relay"));
}

static void
assert_relay(void)
{
	assert_non_null(wrap_exec_getenv("RELAYCLIENT"));
	assert_string_equal(wrap_exec_getenv("USER"), "alice");
	assert_string_equal(wrap_exec_getenv("DOMAIN"), "example.com");
}

/* Control: without a fault the record grants relay silently. */
static void
no_fault(void **state)
{
	(void)state;
	run_check();
	assert_relay();
	assert_string_equal(fault_stderr(), "");
}

static void
emfile_spool(void **state)
{
	(void)state;
	wrap_fail(W_OPENAT, 0, 1, EMFILE);	/* the spool: the first openat */
	run_check();
	assert_no_relay(strerror(EMFILE));
}

static void
eacces_spool(void **state)
{
	(void)state;
	wrap_fail(W_OPENAT, 0, 1, EACCES);
	run_check();
	assert_no_relay(strerror(EACCES));
}

static void
openat_fails(int err)
{
	wrap_fail(W_OPENAT, 0, 1, err);
	run_check();
	assert_no_relay(strerror(err));
}

static void
eacces_record(void **state)
{
	(void)state;
	openat_fails(EACCES);
}

static void
emfile_record(void **state)
{
	(void)state;
	openat_fails(EMFILE);
}

static void
enfile_record(void **state)
{
	(void)state;
	openat_fails(ENFILE);
}

static void
eio_read(void **state)
{
	(void)state;
	wrap_fail(W_READ, 0, 1, EIO);
	run_check();
	assert_no_relay(strerror(EIO));
}

static void
eio_fstat(void **state)
{
	(void)state;
	wrap_fail(W_FSTAT, 0, 1, EIO);
	run_check();
	assert_no_relay(strerror(EIO));
}

/* A signal during the read is no reason to refuse relay. */
static void
eintr_read(void **state)
{
	(void)state;
	wrap_fail(W_READ, 0, 1, EINTR);
	run_check();
	assert_relay();
	assert_string_equal(fault_stderr(), "");
}

/* The environment is built without setenv (and malloc), so it cannot fail. */
static void
no_setenv(void **state)
{
	int before = wrap_calls(W_SETENV);

	(void)state;
	run_check();
	assert_relay();
	assert_int_equal(wrap_calls(W_SETENV), before);
}

/*
 * A failing close of a descriptor that was only read changes nothing
 * that was read: the decision stands, the daemon runs.
 */
static void
close_fails(void **state)
{
	(void)state;
	wrap_fail(W_CLOSE, 0, 2, EIO);
	run_check();
	assert_relay();
}

/* A clock that cannot be read makes no record fresh. */
static void
time_fails(void **state)
{
	(void)state;
	wrap_fail(W_SYSCALL, 0, 1, EINVAL);	/* clock_gettime, check's only */
	run_check();
	assert_int_equal(wrap_calls(W_SYSCALL), 1);
	assert_null(wrap_exec_getenv("RELAYCLIENT"));
	assert_non_null(strstr(fault_stderr(), "cannot read the clock"));
}

/* A record being rewritten is either the old or the new one: never torn. */
static void
short_record(void **state)
{
	(void)state;
	fault_put(FAULT_CLIENT, "USER=ali", 8, time(NULL) - 10);
	run_check();
	assert_non_null(wrap_exec_getenv("RELAYCLIENT"));
	assert_null(wrap_exec_getenv("USER"));
	assert_non_null(strstr(fault_stderr(), "does not end in a NUL"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_fault, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(emfile_spool, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eacces_spool, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eacces_record, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(emfile_record, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(enfile_record, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eio_read, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eio_fstat, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eintr_read, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(no_setenv, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(close_fails, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(time_fails, fresh_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(short_record, fresh_setup,
		    fault_teardown),
	};

	return cmocka_run_group_tests_name("fault_check", tests, NULL, NULL);
}
