/* Which name relay-ctrl-allow records: USER, else Courier 5's AUTHENTICATED, and an authlib chain's empty AUTHENTICATED still writes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/wrap.h"
#include "applets/allow.c"

static char *next_argv[] = { "relay-ctrl-allow", "next-program", NULL };

/* Runs allow to its exec; returns the record's length (-1: none). */
static ssize_t
run_allow(char *buf, size_t size)
{
	int caught;

	unsetenv("DOMAIN");
	msg_init("relay-ctrl-allow", "");
	CATCH_EXEC(allow_main(2, next_argv), caught);
	assert_int_equal(caught, 1);
	assert_string_equal(wrap_exec_argv[0], "next-program");
	return fault_record(FAULT_CLIENT, buf, size);
}

#define assert_record(want) do { \
	char buf_[64]; \
	assert_int_equal(run_allow(buf_, sizeof(buf_)), \
	    (ssize_t)sizeof(want) - 1); \
	assert_memory_equal(buf_, want, sizeof(want) - 1); \
} while (0)

static void
user_wins(void **state)
{
	(void)state;
	setenv("USER", "alice", 1);
	setenv("AUTHENTICATED", "carol", 1);
	assert_record("USER=alice\0");
	assert_string_equal(fault_stderr(), "");
}

static void
authenticated_alone(void **state)
{
	(void)state;
	unsetenv("USER");
	setenv("AUTHENTICATED", "carol@example.com", 1);
	assert_record("USER=carol@example.com\0");
	assert_string_equal(fault_stderr(), "");
}

/* An empty USER is no name: AUTHENTICATED is used. */
static void
user_empty(void **state)
{
	(void)state;
	setenv("USER", "", 1);
	setenv("AUTHENTICATED", "carol", 1);
	assert_record("USER=carol\0");
}

/* Courier 5 with the authlib variables set: still a login. */
static void
courier5_with_authuser(void **state)
{
	(void)state;
	unsetenv("USER");
	setenv("AUTHUSER", "/usr/lib/courier/courier/imaplogin", 1);
	setenv("AUTHARGV0", "imaplogin", 1);
	setenv("AUTHENTICATED", "carol", 1);
	assert_record("USER=carol\0");
}

static void
authenticated_bad_value(void **state)
{
	(void)state;
	unsetenv("USER");
	setenv("AUTHENTICATED", "carol\tx", 1);
	assert_record("");
	assert_non_null(strstr(fault_stderr(),
	    "warning: AUTHENTICATED for " FAULT_CLIENT " is longer than 255 bytes"
	    " or holds a control character"));
}

static void
neither(void **state)
{
	(void)state;
	unsetenv("USER");
	assert_record("");
	assert_string_equal(fault_stderr(), "");
}

/* In an authlib chain an empty AUTHENTICATED means not logged in. */
static void
chain_not_authenticated(void **state)
{
	char buf[64];

	(void)state;
	unsetenv("USER");
	setenv("AUTHUSER", "/usr/lib/courier/authlib/authdaemon", 1);
	setenv("AUTHARGV0", "imapd", 1);
	setenv("AUTHENTICATED", "", 1);
	assert_int_equal(run_allow(buf, sizeof(buf)), -1);
	assert_int_equal(fault_temps(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(user_wins, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(authenticated_alone,
		    fault_setup, fault_teardown),
		cmocka_unit_test_setup_teardown(user_empty, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(courier5_with_authuser,
		    fault_setup, fault_teardown),
		cmocka_unit_test_setup_teardown(authenticated_bad_value,
		    fault_setup, fault_teardown),
		cmocka_unit_test_setup_teardown(neither, fault_setup,
		    fault_teardown),
		cmocka_unit_test_setup_teardown(chain_not_authenticated,
		    fault_setup, fault_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
