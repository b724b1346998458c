/* Unit tests for applets/revoke.c: what is removed, what is left, and which failures change the exit code. */
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

#include "../../applets/revoke.c"
#include "tests/unit/wrap.h"

static char dirpath[64];
static struct revoke rv;

static int
setup(void **state)
{
	(void)state;
	wrap_reset();
	msg_force_sink(SINK_NONE);
	strcpy(dirpath, "/tmp/relayctl-revoke.XXXXXX");
	if (mkdtemp(dirpath) == NULL)
		return -1;
	memset(&rv, 0, sizeof(rv));
	rv.dir = open(dirpath, O_RDONLY | O_DIRECTORY);
	rv.dirname = dirpath;
	return rv.dir < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	wrap_reset();
	close(rv.dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dirpath);
	return system(cmd);
}

static void
touch(const char *name)
{
	int fd = openat(rv.dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	close(fd);
}

static int
exists(const char *name)
{
	struct stat st;

	return fstatat(rv.dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void
test_options(void **state)
{
	char *a[] = { "revoke", "-v", "192.0.2.7", NULL };
	char *b[] = { "revoke", "--", "192.0.2.7", NULL };
	char *c[] = { "revoke", "-x", "192.0.2.7", NULL };
	char *d[] = { "revoke", NULL };

	(void)state;
	memset(&rv, 0, sizeof(rv));
	assert_int_equal(parse_options(a, &rv), 2);
	assert_true(rv.verbose);
	assert_int_equal(parse_options(b, &rv), 2);
	assert_int_equal(parse_options(c, &rv), -1);
	/* no address: revoke_main makes this a usage error */
	assert_int_equal(parse_options(d, &rv), 1);
}

static void
test_removes_by_canonical_name(void **state)
{
	(void)state;
	touch("192.0.2.7");
	touch("2001:db8::7");
	touch("192.0.2.8");
	revoke_one(&rv, "::ffff:192.0.2.7");
	revoke_one(&rv, "2001:DB8:0::7");
	assert_false(exists("192.0.2.7"));
	assert_false(exists("2001:db8::7"));
	assert_true(exists("192.0.2.8"));
	assert_int_equal(finish(&rv), 0);
}

static void
test_absent_is_no_error(void **state)
{
	(void)state;
	revoke_one(&rv, "192.0.2.7");
	assert_int_equal(finish(&rv), 0);
}

/* A bad argument names no file: nothing outside the spool can go. */
static void
test_bad_address(void **state)
{
	(void)state;
	touch("x");
	revoke_one(&rv, "../x");
	revoke_one(&rv, "x");
	revoke_one(&rv, "");
	assert_true(exists("x"));
	assert_int_equal(wrap_calls(W_UNLINKAT), 0);
	assert_int_equal(finish(&rv), EXIT_USAGE);
}

static void
test_symlink_removed_not_followed(void **state)
{
	char target[128];
	struct stat st;

	(void)state;
	snprintf(target, sizeof(target), "%s/target", dirpath);
	touch("target");
	assert_int_equal(symlinkat(target, rv.dir, "192.0.2.7"), 0);
	assert_int_equal(mkfifoat(rv.dir, "192.0.2.8", 0644), 0);
	revoke_one(&rv, "192.0.2.7");
	revoke_one(&rv, "192.0.2.8");
	assert_false(exists("192.0.2.7"));
	assert_false(exists("192.0.2.8"));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(finish(&rv), 0);
}

/* A directory never relays, and emptying it is not revoke's business. */
static void
test_directory_left_alone(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(rv.dir, "192.0.2.7", 0755), 0);
	revoke_one(&rv, "192.0.2.7");
	assert_true(exists("192.0.2.7"));
	assert_int_equal(finish(&rv), 0);
}

/* A record that could not be removed may still relay: 111, even over 100. */
static void
test_unlink_failure(void **state)
{
	(void)state;
	touch("192.0.2.7");
	touch("192.0.2.8");
	wrap_fail(W_UNLINKAT, 0, 1, EROFS);
	revoke_one(&rv, "192.0.2.7");
	revoke_one(&rv, "192.0.2.8");
	revoke_one(&rv, "bogus");
	assert_true(exists("192.0.2.7"));
	assert_false(exists("192.0.2.8"));
	assert_int_equal(finish(&rv), EXIT_TEMP);
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test_setup_teardown(test_removes_by_canonical_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_is_no_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_address, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_symlink_removed_not_followed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_left_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unlink_failure, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
