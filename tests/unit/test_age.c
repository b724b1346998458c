/* Unit tests for applets/age.c: what counts as stale, and the races with a concurrent login. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../applets/age.c"
#include "tests/unit/wrap.h"

static char dirpath[64];
static struct age a;

static int
setup(void **state)
{
	(void)state;
	wrap_reset();
	strcpy(dirpath, "/tmp/relayctl-age.XXXXXX");
	if (mkdtemp(dirpath) == NULL)
		return -1;
	memset(&a, 0, sizeof(a));
	a.dir = open(dirpath, O_RDONLY | O_DIRECTORY);
	a.now = time(NULL);
	a.expiry = 900;
	a.skew = 60;
	msg_force_sink(SINK_NONE);
	return a.dir < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	wrap_reset();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dirpath);
	return system(cmd);
}

static void
record(const char *name, const char *content, time_t mtime)
{
	struct timespec t[2] = { { mtime, 0 }, { mtime, 0 } };
	int fd = openat(a.dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)),
	    (ssize_t)strlen(content));
	assert_int_equal(futimens(fd, t), 0);
	close(fd);
}

/* sweep() hands a.dir to fdopendir and closes it: look by path. */
static int
exists(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dirpath, name);
	return lstat(path, &st) == 0;
}

static void
assert_content(const char *name, const char *want)
{
	char path[128], buf[64] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dirpath, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) >= 0);
	close(fd);
	assert_string_equal(buf, want);
}

static int
entries(void)
{
	struct dirent *d;
	DIR *dp = opendir(dirpath);
	int n = 0;

	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			n++;
		else if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			n += 1000;	/* a temporary file left behind */
	closedir(dp);
	return n;
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(addr_is_name("192.0.2.7"));
	assert_true(addr_is_name("2001:db8::7"));
	assert_false(addr_is_name("2001:DB8::7"));	/* not canonical */
	assert_false(addr_is_name("::ffff:192.0.2.7"));
	assert_false(addr_is_name("notes"));
	assert_false(addr_is_name("."));
	/* KIND PID.HOST.ADDRESS, and KIND PID.ADDRESS from before HOST */
	assert_true(spool_tmp_name_ok(".allow.12.mail-1.192.0.2.7"));
	assert_true(spool_tmp_name_ok(".age.12.mail-1.2001:db8::7"));
	assert_true(spool_tmp_name_ok(".allow.12.123.192.0.2.7"));
	assert_true(spool_tmp_name_ok(".allow.12.192.0.2.7"));
	assert_true(spool_tmp_name_ok(".age.12.192.0.2.7"));
	assert_true(spool_tmp_name_ok(".age.12.2001:db8::7"));
	assert_false(spool_tmp_name_ok(".profile"));
	assert_false(spool_tmp_name_ok("allow.1"));
	assert_false(spool_tmp_name_ok(".allow.junk"));
	assert_false(spool_tmp_name_ok(".age.x"));
	assert_false(spool_tmp_name_ok(".allow.1.not-an-address"));
	assert_false(spool_tmp_name_ok(".allow.1.host.not-an-address"));
	assert_false(spool_tmp_name_ok(".allow.1"));
	assert_false(spool_tmp_name_ok(".allow.1."));
	assert_false(spool_tmp_name_ok(".allow..192.0.2.7"));
	assert_false(spool_tmp_name_ok(".allow.x1.192.0.2.7"));
	assert_false(spool_tmp_name_ok(".allow.-1.192.0.2.7"));
	assert_false(spool_tmp_name_ok(".allow.1.h_x.192.0.2.7"));
	assert_false(spool_tmp_name_ok(".allow.1..192.0.2.7"));
	assert_false(spool_tmp_name_ok(".allow.1.h.2001:DB8::7"));
	assert_false(spool_tmp_name_ok(".allow.1.h.192.0.2.7.x"));
	assert_false(spool_tmp_name_ok(".allow.1.a.b.192.0.2.7"));
	assert_false(spool_tmp_name_ok(".other.1.h.192.0.2.7"));
	assert_false(spool_tmp_name_ok(".allow.1.h.192.0.2.7/x"));
	assert_true(spool_tmp_name_ok(".allow.1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.192.0.2.7"));	/* 64 */
	assert_false(spool_tmp_name_ok(".allow.1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.192.0.2.7"));	/* 65 */
}

/* What allow and age write is what age takes for its own. */
static void
test_tmp_prefix(void **state)
{
	char name[TMP_NAME_SIZE], pid[24];
	size_t n;
	const char *p;

	(void)state;
	n = spool_tmp_prefix(name, sizeof(name), TMP_AGE);
	assert_int_equal(n, strlen(name));
	snprintf(pid, sizeof(pid), TMP_AGE "%ld.", (long)getpid());
	assert_int_equal(strncmp(name, pid, strlen(pid)), 0);
	assert_int_equal(name[n - 1], '.');
	for (p = name + strlen(pid); p < name + n - 1; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
		    *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-');
	snprintf(name + n, sizeof(name) - n, "192.0.2.7");
	assert_true(spool_tmp_name_ok(name));
	snprintf(name + n, sizeof(name) - n, "ffff:ffff:ffff:ffff:ffff:ffff:"
	    "ffff:ffff");
	assert_true(spool_tmp_name_ok(name));
	n = spool_tmp_prefix(name, sizeof(name), TMP_ALLOW);
	snprintf(name + n, sizeof(name) - n, "2001:db8::7");
	assert_true(spool_tmp_name_ok(name));
}

static void
test_options(void **state)
{
	char *ok1[] = { "age", "-v", "-n", NULL };
	char *ok2[] = { "age", "-vn", NULL };
	char *ok3[] = { "age", "--", NULL };
	char *bad1[] = { "age", "-x", NULL };
	char *bad2[] = { "age", "-", NULL };
	char *bad3[] = { "age", "file", NULL };
	char *bad4[] = { "age", "--", "file", NULL };
	struct age o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(parse_options(ok1, &o), 0);
	assert_true(o.verbose && o.dry_run);
	memset(&o, 0, sizeof(o));
	assert_int_equal(parse_options(ok2, &o), 0);
	assert_true(o.verbose && o.dry_run);
	assert_int_equal(parse_options(ok3, &o), 0);
	assert_int_equal(parse_options(bad1, &o), -1);
	assert_int_equal(parse_options(bad2, &o), -1);
	assert_int_equal(parse_options(bad3, &o), -1);
	assert_int_equal(parse_options(bad4, &o), -1);
}

static void
test_sweep(void **state)
{
	(void)state;
	record("192.0.2.1", "USER=a", a.now - 10);
	record("192.0.2.2", "USER=b", a.now - 900);
	record("192.0.2.3", "USER=c", a.now + 3600);
	record(".allow.9.192.0.2.4", "x", a.now - 901);
	record("readme", "x", a.now - 9000);
	assert_int_equal(sweep(&a), 0);
	assert_true(exists("192.0.2.1"));
	assert_false(exists("192.0.2.2"));
	assert_false(exists("192.0.2.3"));
	assert_false(exists(".allow.9.192.0.2.4"));
	assert_true(exists("readme"));
	assert_int_equal(a.records, 2);
	assert_int_equal(a.temps, 1);
	assert_int_equal(a.failed, 0);
}

/* Constant cost: one fstatat per fresh record, four calls per stale one. */
static void
test_system_calls(void **state)
{
	(void)state;
	record("192.0.2.1", "", a.now);
	record("192.0.2.2", "", a.now);
	record("192.0.2.3", "", a.now - 1000);
	assert_int_equal(sweep(&a), 0);
	assert_int_equal(wrap_calls(W_FSTATAT), 3 + 1);
	assert_int_equal(wrap_calls(W_RENAMEAT), 1);
	assert_int_equal(wrap_calls(W_UNLINKAT), 1);
	assert_int_equal(wrap_calls(W_LINKAT), 0);
}

/* Another process logs in from 192.0.2.2 between age's look and its removal. */
static void
login_touch(void)
{
	struct timespec t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };

	assert_int_equal(utimensat(a.dir, "192.0.2.2", t, 0), 0);
}

static void
login_rewrite(void)
{
	record(".allow.77.192.0.2.2", "USER=new", a.now);
	assert_int_equal(renameat(a.dir, ".allow.77.192.0.2.2", a.dir,
	    "192.0.2.2"), 0);
}

static void
test_refresh_after_look(void **state)
{
	(void)state;
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_FSTATAT, 1, login_touch);
	assert_int_equal(sweep(&a), 0);
	assert_true(exists("192.0.2.2"));
	assert_int_equal(a.records, 0);
	assert_int_equal(entries(), 1);
}

static void
test_rewrite_after_set_aside(void **state)
{
	(void)state;
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_RENAMEAT, 1, login_rewrite);
	assert_int_equal(sweep(&a), 0);
	assert_content("192.0.2.2", "USER=new");
	assert_int_equal(entries(), 1);
}

/* Refreshed after being set aside and found fresh: put back, not lost. */
static void
aside_touch(void)
{
	struct timespec t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	char aside[TMP_NAME_SIZE];
	size_t n = spool_tmp_prefix(aside, sizeof(aside), TMP_AGE);

	snprintf(aside + n, sizeof(aside) - n, "192.0.2.2");
	assert_int_equal(utimensat(a.dir, aside, t, 0), 0);
}

static void
test_refresh_in_place_while_aside(void **state)
{
	(void)state;
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_RENAMEAT, 1, aside_touch);
	assert_int_equal(sweep(&a), 0);
	assert_true(exists("192.0.2.2"));
	assert_int_equal(entries(), 1);
}

/* A newer record written while one is set aside is never clobbered. */
static void
aside_touch_and_rewrite(void)
{
	aside_touch();
	login_rewrite();
}

static void
test_put_back_never_clobbers(void **state)
{
	(void)state;
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_RENAMEAT, 1, aside_touch_and_rewrite);
	assert_int_equal(sweep(&a), 0);
	assert_content("192.0.2.2", "USER=new");
	assert_int_equal(entries(), 1);
}

static void
test_dry_run_removes_nothing(void **state)
{
	(void)state;
	a.dry_run = 1;
	record("192.0.2.2", "", a.now - 1000);
	assert_int_equal(sweep(&a), 0);
	assert_true(exists("192.0.2.2"));
	assert_int_equal(a.records, 1);
}

static void
test_unlink_failure_is_reported(void **state)
{
	(void)state;
	record(".allow.1.192.0.2.2", "", a.now - 1000);
	wrap_fail(W_UNLINKAT, 0, 1, EACCES);
	assert_int_equal(sweep(&a), 0);
	assert_int_equal(a.failed, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tmp_prefix),
		cmocka_unit_test(test_options),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_system_calls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refresh_after_look, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_after_set_aside,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_refresh_in_place_while_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_back_never_clobbers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_removes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlink_failure_is_reported,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
