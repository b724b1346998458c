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
	assert_string_equal(config_get(CF_DIR), "/from/env");
	unsetenv("RELAY_CTRL_DIR");
	assert_string_equal(config_get(CF_DIR), "/from/file");
	/* empty in the environment is set, and wins */
	setenv("RELAY_CTRL_DIR", "", 1);
	assert_string_equal(config_get(CF_DIR), "");
	unsetenv("RELAY_CTRL_DIR");
}

/* A read interrupted by a signal is retried, not taken for an empty file. */
static void
test_read_eintr(void **state)
{
	(void)state;
	put("RELAY_CTRL_REMOTES", "value\n", 6);
	wrap_reset();
	wrap_fail(W_READ, 0, 1, EINTR);
	assert_string_equal(config_get(CF_REMOTES), "value");
	assert_int_equal(wrap_calls(W_READ), 2);
	wrap_reset();
}

static void
test_file_rules(void **state)
{
	(void)state;
	put("RELAY_CTRL_REMOTES", "first line  \t\nsecond\n", 21);
	put("RELAY_CTRL_LISTEN", "", 0);
	put("RELAY_CTRL_PORT", "\n", 1);
	put("RELAY_CTRL_LEGACY_FROM", "nul\0after\n", 10);
	put("RELAY_CTRL_KEYFILE", "no newline", 10);
	put("RELAY_CTRL_TRIES", "x \0 \t\n", 6);
	assert_string_equal(config_get(CF_REMOTES), "first line");
	assert_null(config_get(CF_LISTEN));	/* empty file: unset */
	assert_string_equal(config_get(CF_PORT), "");
	/* as envdir */
	assert_string_equal(config_get(CF_LEGACY_FROM), "nul\nafter");
	/* blanks are cut before a NUL becomes a newline, as envdir does */
	assert_string_equal(config_get(CF_TRIES), "x \n");
	assert_string_equal(config_get(CF_KEYFILE), "no newline");
	assert_null(config_get(CF_TIMEOUT));
	/* each value stays where it was read */
	assert_string_equal(config_get(CF_REMOTES), "first line");
}

static void
test_file_hostile(void **state)
{
	char path[128], big[CONFIG_VALUE_MAX * 3];

	(void)state;
	snprintf(path, sizeof(path), "%s/RELAY_CTRL_LISTEN", confdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/RELAY_CTRL_PORT", confdir);
	mkfifo(path, 0644);
	snprintf(path, sizeof(path), "%s/RELAY_CTRL_KEYFILE", confdir);
	assert_int_equal(symlink("A", path), 0);
	put("A", "through link\n", 13);
	memset(big, 'x', sizeof(big));
	put("RELAY_CTRL_REMOTES", big, sizeof(big));
	put("RELAY_CTRL_LEGACY_FROM", big, sizeof(big));
	assert_null(config_get(CF_LISTEN));
	assert_null(config_get(CF_PORT));	/* and did not block */
	/* as envdir */
	assert_string_equal(config_get(CF_KEYFILE), "through link");
	assert_int_equal(strlen(config_get(CF_REMOTES)), CONFIG_VALUE_MAX);
	/* two of the longest values, each whole */
	assert_int_equal(strlen(config_get(CF_LEGACY_FROM)), CONFIG_VALUE_MAX);
	assert_int_equal(strlen(config_get(CF_REMOTES)), CONFIG_VALUE_MAX);
}

static void
test_no_config_dir(void **state)
{
	(void)state;
	setenv("RELAY_CTRL_CONFIG", "/nonexistent/relay-ctrl", 1);
	config_reset();
	assert_null(config_get(CF_DIR));
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
	put("RELAY_CTRL_PORT", "1\n", 2);
	wrap_reset();
	assert_string_equal(config_get(CF_PORT), "1");
	assert_string_equal(config_get(CF_PORT), "1");
	assert_null(config_get(CF_TRIES));
	assert_null(config_get(CF_TRIES));
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
	assert_null(config_get(CF_EXPIRY));
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	unsetenv("RELAY_CTRL_DIR");
	setenv("RELAY_CTRL_DIR_FD", "7", 1);
	config_reset();
	assert_null(config_get(CF_EXPIRY));
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	unsetenv("RELAY_CTRL_DIR_FD");
	config_reset();
	assert_string_equal(config_get(CF_EXPIRY), "100");
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
	char **saved = environ;

	(void)state;
	environ = env;
	config_snapshot();
	assert_string_equal(config_env(CF_EXPIRY), "1");
	assert_string_equal(config_get(CF_EXPIRY), "1");
	assert_string_equal(config_env(CF_TCP), "192.0.2.7");
	assert_ptr_equal(config_entry(CF_TCP), env[4]);
	assert_ptr_equal(config_entry(CF_USER), env[10]);
	assert_null(config_entry(CF_DOMAIN));
	assert_string_equal(config_env(CF_DIR_FD), "5");
	assert_null(config_env(CF_DIR));
	/* both entries of a name set twice go */
	config_unset(CF_EXPIRY);
	assert_null(config_env(CF_EXPIRY));
	assert_null(getenv("RELAY_CTRL_EXPIRY"));
	assert_string_equal(environ[1], "TCPLOCALIP=192.0.2.1");
	config_unset(CF_DIR_FD);
	assert_null(getenv("RELAY_CTRL_DIR_FD"));
	assert_string_equal(getenv("RELAY_CTRL_DIRX"), "1");
	config_unset(CF_LOG);		/* not set: nothing */
	/* the snapshot stays until config_reset */
	environ = saved;
	setenv("RELAY_CTRL_LOG_IPS", "1", 1);
	assert_null(config_env(CF_LOG_IPS));
	config_reset();
	assert_string_equal(config_env(CF_LOG_IPS), "1");
	unsetenv("RELAY_CTRL_LOG_IPS");
}

/*
 * Every setting is found by the one pass under its own name and no other:
 * the letter switches of entry_slot cover each, and value "k" for each
 * name comes back under that setting alone.  Without a snapshot, the same
 * from the environment, and config_unset takes every entry of a name.
 */
static void
test_every_setting(void **state)
{
	char entries[CF_SETTINGS][64], *env[2 * CF_SETTINGS + 1];
	char **saved = environ;
	int k, j;

	(void)state;
	for (k = 0; k < CF_SETTINGS; k++) {
		assert_int_equal(strlen(config_name(k)), config_name_len(k));
		snprintf(entries[k], sizeof(entries[k]), "%s=%d",
		    config_name(k), k);
		env[k] = entries[k];
		env[CF_SETTINGS + k] = entries[k];	/* each twice */
	}
	env[2 * CF_SETTINGS] = NULL;
	environ = env;
	config_snapshot();
	for (k = 0; k < CF_SETTINGS; k++) {
		assert_non_null(config_env(k));
		assert_int_equal(atoi(config_env(k)), k);
		assert_ptr_equal(config_entry(k), entries[k]);
	}
	config_reset();
	for (k = 0; k < CF_SETTINGS; k++)
		assert_int_equal(atoi(config_env(k)), k);
	for (k = 0; k < CF_SETTINGS; k++) {
		config_unset(k);
		assert_null(config_env(k));
		for (j = k + 1; j < CF_SETTINGS; j++)
			assert_non_null(config_env(j));
	}
	assert_null(environ[0]);
	environ = saved;
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
		cmocka_unit_test_setup_teardown(test_every_setting, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
