/* Unit tests for lib/config.c: the environment first, then the config directory; numbers or the default. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/config.h"
#include "lib/spool.h"
#include "lib/msg.h"
#include "tests/unit/wrap.h"

extern char **environ;

static char confdir[64];

static void
put(const char *name, const char *content, size_t len)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", confdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(confdir, "/tmp/relayctl-conf.XXXXXX");
	if (mkdtemp(confdir) == NULL)
		return -1;
	setenv("RELAY_CTRL_CONFIG", confdir, 1);
	unsetenv("RELAY_CTRL_EXPIRY");
	unsetenv("RELAY_CTRL_DIR");
	config_reset();
	msg_force_sink(SINK_NONE);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	config_reset();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", confdir);
	unsetenv("RELAY_CTRL_CONFIG");
	return system(cmd);
}

static long
expiry(void)
{
	long e, skew;

	spool_freshness(&e, &skew);
	return e;
}

static void
test_parse_number(void **state)
{
	static const char *bad[] = {
		"", "-5", "+5", "15m", "1.5", " 5", "5 ", "0x10", "1e3",
		"2147483648", "99999999999999999999999", "5\n", NULL
	};
	long v;
	int i;

	(void)state;
	assert_int_equal(parse_number("900", &v), 0);
	assert_int_equal(v, 900);
	assert_int_equal(parse_number("1", &v), 0);
	assert_int_equal(parse_number("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_number("007", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_number("2147483647", &v), 0);
	for (i = 0; bad[i]; i++)
		if (parse_number(bad[i], &v) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(parse_number(NULL, &v), -1);
}

static void
test_env_wins(void **state)
{
	(void)state;
	put("RELAY_CTRL_DIR", "/from/file\n", 11);
	setenv("RELAY_CTRL_DIR", "/from/env", 1);
	assert_string_equal(config_get("RELAY_CTRL_DIR"), "/from/env");
	unsetenv("RELAY_CTRL_DIR");
	assert_string_equal(config_get("RELAY_CTRL_DIR"), "/from/file");
	/* empty in the environment is set, and wins */
	setenv("RELAY_CTRL_DIR", "", 1);
	assert_string_equal(config_get("RELAY_CTRL_DIR"), "");
	unsetenv("RELAY_CTRL_DIR");
}

/* A read interrupted by a signal is retried, not taken for an empty file. */
static void
test_read_eintr(void **state)
{
	(void)state;
	put("A", "value\n", 6);
	wrap_reset();
	wrap_fail(W_READ, 0, 1, EINTR);
	assert_string_equal(config_get("A"), "value");
	assert_int_equal(wrap_calls(W_READ), 2);
	wrap_reset();
}

static void
test_file_rules(void **state)
{
	(void)state;
	put("A", "first line  \t\nsecond\n", 21);
	put("B", "", 0);
	put("C", "\n", 1);
	put("D", "nul\0after\n", 10);
	put("E", "no newline", 10);
	put("F", "x \0 \t\n", 6);
	assert_string_equal(config_get("A"), "first line");
	assert_null(config_get("B"));		/* empty file: unset */
	assert_string_equal(config_get("C"), "");
	assert_string_equal(config_get("D"), "nul\nafter");	/* as envdir */
	/* blanks are cut before a NUL becomes a newline, as envdir does */
	assert_string_equal(config_get("F"), "x \n");
	assert_string_equal(config_get("E"), "no newline");
	assert_null(config_get("MISSING"));
}

static void
test_file_hostile(void **state)
{
	char path[128], big[CONFIG_VALUE_MAX * 3];

	(void)state;
	snprintf(path, sizeof(path), "%s/DIR", confdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/FIFO", confdir);
	mkfifo(path, 0644);
	snprintf(path, sizeof(path), "%s/LINK", confdir);
	assert_int_equal(symlink("A", path), 0);
	put("A", "through link\n", 13);
	memset(big, 'x', sizeof(big));
	put("HUGE", big, sizeof(big));
	assert_null(config_get("DIR"));
	assert_null(config_get("FIFO"));	/* and did not block */
	assert_string_equal(config_get("LINK"), "through link");	/* as envdir */
	assert_int_equal(strlen(config_get("HUGE")), CONFIG_VALUE_MAX);
}

static void
test_no_config_dir(void **state)
{
	(void)state;
	setenv("RELAY_CTRL_CONFIG", "/nonexistent/relay-ctrl", 1);
	config_reset();
	assert_null(config_get("RELAY_CTRL_DIR"));
	assert_int_equal(expiry(), 900);
}

static void
test_seconds_default_on_garbage(void **state)
{
	(void)state;
	setenv("RELAY_CTRL_EXPIRY", "15m", 1);
	assert_int_equal(expiry(), 900);
	setenv("RELAY_CTRL_EXPIRY", "0", 1);
	assert_int_equal(expiry(), 900);
	setenv("RELAY_CTRL_EXPIRY", "-5", 1);
	assert_int_equal(expiry(), 900);
	setenv("RELAY_CTRL_EXPIRY", "99999999999999999999", 1);
	assert_int_equal(expiry(), 900);
	setenv("RELAY_CTRL_EXPIRY", "300", 1);
	assert_int_equal(expiry(), 300);
	unsetenv("RELAY_CTRL_EXPIRY");
	put("RELAY_CTRL_EXPIRY", "120\n", 4);
	assert_int_equal(expiry(), 120);
}

/* A clock skew of 0 is a choice (no future dates at all), an expiry of 0 is not. */
static void
test_freshness(void **state)
{
	long expiry, skew;

	(void)state;
	setenv("RELAY_CTRL_EXPIRY", "0", 1);
	setenv("RELAY_CTRL_CLOCK_SKEW", "0", 1);
	spool_freshness(&expiry, &skew);
	assert_int_equal(expiry, EXPIRY_DEFAULT);
	assert_int_equal(skew, 0);
	setenv("RELAY_CTRL_EXPIRY", "60", 1);
	setenv("RELAY_CTRL_CLOCK_SKEW", "-1", 1);
	spool_freshness(&expiry, &skew);
	assert_int_equal(expiry, 60);
	assert_int_equal(skew, CLOCK_SKEW_DEFAULT);
	unsetenv("RELAY_CTRL_EXPIRY");
	unsetenv("RELAY_CTRL_CLOCK_SKEW");
	spool_freshness(&expiry, &skew);
	assert_int_equal(expiry, EXPIRY_DEFAULT);
	assert_int_equal(skew, CLOCK_SKEW_DEFAULT);
}

/* Each name is looked up in the directory once a process: check is hot. */
static void
test_cached(void **state)
{
	(void)state;
	put("X", "1\n", 2);
	wrap_reset();
	assert_string_equal(config_get("X"), "1");
	assert_string_equal(config_get("X"), "1");
	assert_null(config_get("Y"));
	assert_null(config_get("Y"));
	/* the directory once, then each name once */
	assert_int_equal(wrap_calls(W_OPENAT), 3);
	assert_int_equal(wrap_calls(W_OPEN), 0);
}

/* SPEC §3: where envdir or chdir ran, the environment is all there is. */
static void
test_dir_not_read_when_spool_in_env(void **state)
{
	(void)state;
	put("RELAY_CTRL_EXPIRY", "100\n", 4);
	setenv("RELAY_CTRL_DIR", "/var/spool/relay-ctrl", 1);
	wrap_reset();
	assert_null(config_get("RELAY_CTRL_EXPIRY"));
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	unsetenv("RELAY_CTRL_DIR");
	setenv("RELAY_CTRL_DIR_FD", "7", 1);
	config_reset();
	assert_null(config_get("RELAY_CTRL_EXPIRY"));
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	unsetenv("RELAY_CTRL_DIR_FD");
	config_reset();
	assert_string_equal(config_get("RELAY_CTRL_EXPIRY"), "100");
	assert_int_equal(wrap_calls(W_OPENAT), 2);
}

/* One pass over the environment; config_reset lets a change be seen. */
static void
test_snapshot(void **state)
{
	char *env[] = {
		"PATH=/bin", "RELAY_CTRL_EXPIRY=1", "TCPLOCALIP=192.0.2.1",
		"RELAY_CTRL_EXPIRY=2", "TCPREMOTEIP=192.0.2.7", "TZ=UTC",
		"RELAY_CTRL_DIR_FD=5", "R", "RELAY_CTRL_", "RELAY_CTRL_DIRX=1",
		"USER=alice", NULL
	};
	char **saved = environ, key[] = "TCPREMOTEIP";

	(void)state;
	environ = env;
	config_snapshot();
	assert_string_equal(config_env("RELAY_CTRL_EXPIRY"), "1");
	assert_string_equal(config_get("RELAY_CTRL_EXPIRY"), "1");
	assert_string_equal(config_env(key), "192.0.2.7");	/* not a literal */
	assert_ptr_equal(config_entry("TCPREMOTEIP"), env[4]);
	assert_ptr_equal(config_entry("USER"), env[10]);
	assert_null(config_entry("DOMAIN"));
	assert_string_equal(config_env("RELAY_CTRL_DIR_FD"), "5");
	assert_null(config_env("RELAY_CTRL_DIR"));
	assert_string_equal(config_env("TZ"), "UTC");	/* not kept: getenv */
	/* both entries of a name set twice go */
	config_unset("RELAY_CTRL_EXPIRY");
	assert_null(config_env("RELAY_CTRL_EXPIRY"));
	assert_null(getenv("RELAY_CTRL_EXPIRY"));
	assert_string_equal(environ[1], "TCPLOCALIP=192.0.2.1");
	config_unset("RELAY_CTRL_DIR_FD");
	assert_null(getenv("RELAY_CTRL_DIR_FD"));
	assert_string_equal(getenv("RELAY_CTRL_DIRX"), "1");
	config_unset("RELAY_CTRL_LOG");		/* not set: nothing */
	/* the snapshot stays until config_reset */
	environ = saved;
	setenv("RELAY_CTRL_LOG_IPS", "1", 1);
	assert_null(config_env("RELAY_CTRL_LOG_IPS"));
	config_reset();
	assert_string_equal(config_env("RELAY_CTRL_LOG_IPS"), "1");
	unsetenv("RELAY_CTRL_LOG_IPS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_number),
		cmocka_unit_test_setup_teardown(test_env_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_eintr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_hostile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_config_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seconds_default_on_garbage,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_freshness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dir_not_read_when_spool_in_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
