/* Unit tests for relayctl.c: which applet runs under which name, and the table itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define main relayctl_main
#include "../../relayctl.c"
#undef main

static const char *called;
static int called_argc;
static char called_argv[2][64];

#define STUB(n)								\
	int n##_main(int argc, char **argv)				\
	{								\
		called = #n;						\
		called_argc = argc;					\
		snprintf(called_argv[0], 64, "%s", argv[0]);		\
		snprintf(called_argv[1], 64, "%s", argc > 1 ? argv[1] : "");\
		warn("ran");						\
		return 42;						\
	}
STUB(age)
STUB(allow)
STUB(check)
STUB(chdir)
STUB(policy)
STUB(revoke)
STUB(send)
STUB(status)
STUB(udp)

#define SAID "/tmp/relayctl-dispatch.said"

/* The name the last message went out under: "NAME" of "NAME[PID]: ...". */
static const char *
said_as(void)
{
	static char buf[128];
	FILE *f = fopen(SAID, "r");

	buf[0] = '\0';
	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "[")] = '\0';
	return buf;
}

static int
run_as(char *argv0, char *arg1, char *arg2)
{
	char *argv[] = { argv0, arg1, arg2, NULL };
	int argc = arg1 ? (arg2 ? 3 : 2) : 1;
	int devnull = open("/dev/null", O_WRONLY), out = dup(1), err = dup(2);
	int said = open(SAID, O_WRONLY | O_CREAT | O_TRUNC, 0600), rc;

	called = NULL;
	dup2(devnull, 1);
	dup2(said, 2);
	close(said);
	rc = relayctl_main(argc, argv);
	fflush(stdout);
	dup2(out, 1);
	dup2(err, 2);
	close(devnull);
	close(out);
	close(err);
	return rc;
}

static void
test_names(void **state)
{
	static const char *names[] = {
		"age", "allow", "check", "chdir", "policy", "revoke", "send",
		"status", "udp"
	};
	char a[64], b[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(a, sizeof(a), "/usr/local/bin/relay-ctrl-%s", names[i]);
		assert_int_equal(run_as(a, "x", NULL), 42);
		assert_string_equal(called, names[i]);
		assert_string_equal(called_argv[0], a);
		assert_string_equal(said_as(), a + strlen("/usr/local/bin/"));
		snprintf(a, sizeof(a), "relayctl-%s", names[i]);
		assert_int_equal(run_as(a, NULL, NULL), 42);
		assert_string_equal(called, names[i]);
		snprintf(b, sizeof(b), "%s", names[i]);
		assert_int_equal(run_as("relayctl", b, "arg"), 42);
		assert_string_equal(called, names[i]);
		assert_int_equal(called_argc, 2);
		assert_string_equal(called_argv[1], "arg");
		snprintf(a, sizeof(a), "relayctl-%s", names[i]);
		assert_string_equal(said_as(), a);
	}
}

static void
test_multiplexer_names(void **state)
{
	(void)state;
	assert_int_equal(run_as("./relayctl.static", "check", "x"), 42);
	assert_string_equal(called, "check");
	assert_int_equal(run_as("relayctl-foo", "age", NULL), 42);
	assert_string_equal(called, "age");
	assert_int_equal(run_as("relayctl", NULL, NULL), 0);
	assert_null(called);
	assert_int_equal(run_as("relayctl", "--help", NULL), 0);
	assert_int_equal(run_as("relayctl", "--list", NULL), 0);
	assert_int_equal(run_as("relayctl", "--version", NULL), 0);
	assert_null(called);
}

static void
test_unknown(void **state)
{
	(void)state;
	assert_int_equal(run_as("relayctl", "bogus", NULL), EXIT_USAGE);
	assert_int_equal(run_as("relay-ctrl-bogus", NULL, NULL), EXIT_USAGE);
	assert_int_equal(run_as("check", "x", NULL), EXIT_USAGE);
	assert_int_equal(run_as("relayctl", "--bogus", NULL), EXIT_USAGE);
	assert_null(called);
}

/* "APPLET --help" prints its usage; the applet itself does not run. */
static void
test_applet_help(void **state)
{
	(void)state;
	assert_int_equal(run_as("relay-ctrl-check", "--help", NULL), 0);
	assert_null(called);
	assert_int_equal(run_as("relayctl", "status", "--help"), 0);
	assert_null(called);
}

static void
test_table_sorted_with_usage(void **state)
{
	size_t i;
	char want1[64], want2[64];

	(void)state;
	for (i = 0; i < NAPPLETS; i++) {
		if (i > 0)
			assert_true(strcmp(applets[i - 1].name,
			    applets[i].name) < 0);
		snprintf(want1, sizeof(want1), "relay-ctrl-%s", applets[i].name);
		snprintf(want2, sizeof(want2), "relayctl %s", applets[i].name);
		assert_true(strncmp(applets[i].usage, want1,
		    strlen(want1)) == 0 || strncmp(applets[i].usage, want2,
		    strlen(want2)) == 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_multiplexer_names),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_applet_help),
		cmocka_unit_test(test_table_sorted_with_usage),
	};
	int rc;

	unsetenv("RELAY_CTRL_LOG");
	msg_force_sink(SINK_STDERR);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(SAID);
	return rc;
}
