/* Fault injection for relay-ctrl-allow: every failing system call is one warning naming the cause, no temporary file, and the next program runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/wrap.h"

#include "applets/allow.c"

#define CONTENT "USER=alice\0DOMAIN=example.com\0"
#define CONTENT_LEN (sizeof(CONTENT) - 1)

static char *next_argv[] = { "relay-ctrl-allow", "next-program", "arg",
	NULL };

/* Runs allow; asserts that it reached the exec of the next program. */
static void
run_allow(void)
{
	int caught;

	CATCH_EXEC(allow_main(3, next_argv), caught);
	fault_disarm();
	assert_int_equal(caught, 1);
	assert_string_equal(wrap_exec_argv[0], "next-program");
	assert_string_equal(wrap_exec_argv[1], "arg");
	assert_null(wrap_exec_argv[2]);
	assert_null(getenv("RELAY_CTRL_DIR_FD"));
}

/* The login went on without relay: one warning naming cause and step. */
static void
assert_failed(const char *step, int err)
{
	const char *out = fault_stderr();
	char buf[64];

	assert_int_equal(fault_temps(), 0);
	assert_int_equal(fault_record(FAULT_CLIENT, buf, sizeof(buf)), -1);
	assert_non_null(strstr(out, "relay-ctrl-allow["));
	assert_non_null(strstr(out, ": warning: "));
	assert_non_null(strstr(out, step));
	assert_non_null(strstr(out, strerror(err)));
	assert_non_null(strstr(out, "continuing without relay"));
	assert_null(strchr(strchr(out, '\n') + 1, '\n'));
}

/* The record is complete, and nothing was said. */
static void
assert_written(void)
{
	char buf[64];

	assert_int_equal(fault_temps(), 0);
	assert_int_equal(fault_record(FAULT_CLIENT, buf, sizeof(buf)),
	    (ssize_t)CONTENT_LEN);
	assert_memory_equal(buf, CONTENT, CONTENT_LEN);
	assert_string_equal(fault_stderr(), "");
}

static void
write_fails(int err)
{
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_WRITE, 0, 1, err);
	run_allow();
	assert_failed("cannot write record for " FAULT_CLIENT, err);
}

static void
enospc(void **state)
{
	(void)state;
	write_fails(ENOSPC);
}

static void
edquot(void **state)
{
	(void)state;
	write_fails(EDQUOT);
}

static void
eio_write(void **state)
{
	(void)state;
	write_fails(EIO);
}

/* Creating the temporary file fails (the record's own open fails first). */
static void
create_fails(int err)
{
	msg_init("relay-ctrl-allow", "");
	/* after the spool's openat and its lock: the look at the record, the create */
	wrap_fail(W_OPENAT, 2, 2, err);
	run_allow();
	assert_failed("cannot create a temporary file for record for " FAULT_CLIENT,
	    err);
}

static void
erofs(void **state)
{
	(void)state;
	create_fails(EROFS);
}

static void
eacces(void **state)
{
	(void)state;
	create_fails(EACCES);
}

static void
emfile_create(void **state)
{
	(void)state;
	create_fails(EMFILE);
}

static void
enospc_create(void **state)
{
	(void)state;
	create_fails(ENOSPC);
}

/* The spool itself cannot be opened. */
static void
emfile_spool(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_OPENAT, 0, 1, EMFILE);	/* the spool: the first openat */
	run_allow();
	assert_failed("cannot open", EMFILE);
}

static void
eacces_spool(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_OPENAT, 0, 1, EACCES);
	run_allow();
	assert_failed("cannot open", EACCES);
}

/* A clock that cannot be read dates no record. */
static void
clock_fails(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_CLOCK_GETTIME, 0, 1, EINVAL);
	run_allow();
	assert_failed("cannot read the clock", EINVAL);
}

/* An interrupted write is retried: the record is whole. */
static void
eintr(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_WRITE, 0, 1, EINTR);
	run_allow();
	assert_written();
}

/* A write that moves one byte at a time still writes the whole record. */
static void
short_writes(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_short_write(1);
	run_allow();
	assert_written();
}

static void
rename_fails(int err)
{
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_RENAMEAT, 0, 1, err);
	run_allow();
	assert_failed("cannot rename record for " FAULT_CLIENT, err);
}

static void
rename_eacces(void **state)
{
	(void)state;
	rename_fails(EACCES);
}

static void
rename_enospc(void **state)
{
	(void)state;
	rename_fails(ENOSPC);
}

static void
rename_erofs(void **state)
{
	(void)state;
	rename_fails(EROFS);
}

static void
futimens_fails(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_FUTIMENS, 0, 1, EPERM);
	run_allow();
	assert_failed("cannot set the time of record for " FAULT_CLIENT, EPERM);
}

static void
fchmod_fails(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_FCHMOD, 0, 1, EPERM);
	run_allow();
	assert_failed("cannot set the mode of record for " FAULT_CLIENT, EPERM);
}

/* NFS reports a full disk or quota at close: the record must not appear. */
static void
close_fails(int err)
{
	msg_init("relay-ctrl-allow", "");
	/* close #1 is the record's own failed open: none; #1 is the temp */
	wrap_fail(W_CLOSE, 0, 1, err);
	run_allow();
	assert_failed("cannot close record for " FAULT_CLIENT, err);
}

static void
close_eio(void **state)
{
	(void)state;
	close_fails(EIO);
}

static void
close_edquot(void **state)
{
	(void)state;
	close_fails(EDQUOT);
}

/*
 * A failed rewrite leaves the older record as it was: readers see the
 * old record or the new one, never a mix and never nothing.
 */
static void
old_record_survives(void **state)
{
	static const char old[] = "USER=bob\0";
	char buf[64];
	time_t then = time(NULL) - 100;
	struct stat st;
	char path[256];

	(void)state;
	msg_init("relay-ctrl-allow", "");
	fault_put(FAULT_CLIENT, old, sizeof(old) - 1, then);
	wrap_fail(W_WRITE, 0, 1, ENOSPC);
	run_allow();
	assert_int_equal(fault_temps(), 0);
	assert_int_equal(fault_record(FAULT_CLIENT, buf, sizeof(buf)),
	    (ssize_t)sizeof(old) - 1);
	assert_memory_equal(buf, old, sizeof(old) - 1);
	snprintf(path, sizeof(path), "%s/%s", fault_spool, FAULT_CLIENT);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mtime, then);
	assert_non_null(strstr(fault_stderr(), strerror(ENOSPC)));
}

/* Reading the old record fails: it is rewritten rather than trusted. */
static void
refresh_read_fails(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	fault_put(FAULT_CLIENT, CONTENT, CONTENT_LEN, time(NULL) - 100);
	wrap_fail(W_READ, 0, 1, EIO);
	run_allow();
	assert_written();
}

/* A repeated login whose refresh cannot set the time rewrites the record. */
static void
refresh_futimens_fails(void **state)
{
	char path[256];
	struct stat st;
	time_t then = time(NULL) - 100;

	(void)state;
	msg_init("relay-ctrl-allow", "");
	fault_put(FAULT_CLIENT, CONTENT, CONTENT_LEN, then);
	wrap_fail(W_FUTIMENS, 0, 1, EPERM);
	run_allow();
	assert_written();
	snprintf(path, sizeof(path), "%s/%s", fault_spool, FAULT_CLIENT);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_mtime > then);
}

/* A failed cleanup still runs the next program; the warning says why. */
static void
unlink_after_failure(void **state)
{
	(void)state;
	msg_init("relay-ctrl-allow", "");
	wrap_fail(W_WRITE, 0, 1, ENOSPC);
	wrap_fail(W_UNLINKAT, 0, 1, EIO);
	run_allow();
	assert_non_null(strstr(fault_stderr(), strerror(ENOSPC)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(enospc, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(edquot, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eio_write, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(erofs, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eacces, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(emfile_create, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(enospc_create, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(emfile_spool, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(clock_fails, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eacces_spool, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(eintr, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(short_writes, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(rename_eacces, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(rename_enospc, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(rename_erofs, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(futimens_fails, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(fchmod_fails, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(close_eio, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(close_edquot, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(old_record_survives,
		    fault_setup, fault_teardown),
		cmocka_unit_test_setup_teardown(refresh_read_fails,
		    fault_setup, fault_teardown),
		cmocka_unit_test_setup_teardown(refresh_futimens_fails,
		    fault_setup, fault_teardown),
		cmocka_unit_test_setup_teardown(unlink_after_failure,
		    fault_setup, fault_teardown),
	};

	return cmocka_run_group_tests_name("fault_allow", tests, NULL, NULL);
}
