/* Unit tests for applets/age.c: what counts as stale, and the races with a concurrent login. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	ut_put(a.dir, name, content, strlen(content), mtime);
}

/* sweep() closes a.dir: look by path. */
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

/* A temporary file left behind counts 1000. */
static int
entries(void)
{
	return ut_entries(dirpath, 1);
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

/* Locked: a look a record and an unlink a stale one, as relay-ctrl 3.2. */
static void
test_system_calls(void **state)
{
	(void)state;
	record("192.0.2.1", "", a.now);
	record("192.0.2.2", "", a.now);
	record("192.0.2.3", "", a.now - 1000);
	assert_int_equal(sweep(&a), 0);
	assert_true(a.locked);
	assert_int_equal(wrap_calls(W_FSTATAT), 3);
	assert_int_equal(wrap_calls(W_RENAMEAT), 0);
	assert_int_equal(wrap_calls(W_UNLINKAT), 1);
	assert_int_equal(wrap_calls(W_LINKAT), 0);
	assert_false(exists("192.0.2.3"));
	assert_int_equal(a.records, 1);
}

/* Without the lock: one fstatat per fresh record, four calls per stale one. */
static void
no_lock(void)
{
	wrap_fail(W_FLOCK, 0, 1, ENOLCK);
}

static void
test_system_calls_unlocked(void **state)
{
	(void)state;
	no_lock();
	record("192.0.2.1", "", a.now);
	record("192.0.2.2", "", a.now);
	record("192.0.2.3", "", a.now - 1000);
	assert_int_equal(sweep(&a), 0);
	assert_false(a.locked);
	assert_int_equal(wrap_calls(W_FSTATAT), 3 + 1);
	assert_int_equal(wrap_calls(W_RENAMEAT), 1);
	assert_int_equal(wrap_calls(W_UNLINKAT), 1);
	assert_int_equal(wrap_calls(W_LINKAT), 0);
	assert_false(exists("192.0.2.3"));
}

/* A spool its writers may not read: they cannot lock it, so age does not. */
static void
test_unreadable_spool_is_swept_unlocked(void **state)
{
	(void)state;
	record("192.0.2.3", "", a.now - 1000);
	assert_int_equal(fchmod(a.dir, 0733), 0);
	assert_int_equal(sweep(&a), 0);
	assert_false(a.locked);
	assert_int_equal(wrap_calls(W_RENAMEAT), 1);
	assert_false(exists("192.0.2.3"));
	assert_int_equal(chmod(dirpath, 0700), 0);
}

/* A login holds the shared lock: age waits for it, then sets records aside. */
static void
test_busy_spool_is_swept_unlocked(void **state)
{
	int lock;

	(void)state;
	lock = spool_lock_shared(a.dir);
	assert_true(lock >= 0);
	record("192.0.2.3", "", a.now - 1000);
	assert_int_equal(sweep(&a), 0);
	assert_false(a.locked);
	assert_int_equal(wrap_calls(W_RENAMEAT), 1);
	assert_false(exists("192.0.2.3"));
	close(lock);
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
	no_lock();
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
	no_lock();
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
	no_lock();
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
	no_lock();
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_RENAMEAT, 1, aside_touch_and_rewrite);
	assert_int_equal(sweep(&a), 0);
	assert_content("192.0.2.2", "USER=new");
	assert_int_equal(entries(), 1);
}

/* link(2) fails: the record survives, by a rename that replaces nothing. */
static void
put_back_despite(int err)
{
	setup(NULL);
	no_lock();
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_RENAMEAT, 1, aside_touch);
	wrap_fail(W_LINKAT, 0, 1, err);
	assert_int_equal(sweep(&a), 0);
	assert_true(exists("192.0.2.2"));
	assert_content("192.0.2.2", "USER=old");
	assert_int_equal(entries(), 1);
	assert_int_equal(a.records, 0);
	assert_int_equal(a.failed, 0);
	teardown(NULL);
}

static void
test_put_back_when_link_fails(void **state)
{
	(void)state;
	put_back_despite(EPERM);	/* fs.protected_hardlinks */
	put_back_despite(ENOSPC);
	put_back_despite(EDQUOT);
	put_back_despite(EIO);
	put_back_despite(EMLINK);
}

/* Neither link nor rename: it stays set aside, not removed, and age says so. */
static void
kept_aside(int err)
{
	char aside[TMP_NAME_SIZE];
	size_t n;

	setup(NULL);
	no_lock();
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_RENAMEAT, 1, aside_touch);
	wrap_fail(W_LINKAT, 0, 1, err);
	wrap_fail(W_SYSCALL, 1, 1, err);	/* after getdents64: renameat2 */
	assert_int_equal(sweep(&a), 0);
	n = spool_tmp_prefix(aside, sizeof(aside), TMP_AGE);
	snprintf(aside + n, sizeof(aside) - n, "192.0.2.2");
	assert_true(exists(aside));
	assert_content(aside, "USER=old");
	assert_int_equal(a.records, 0);
	assert_int_equal(a.failed, 1);
	teardown(NULL);
}

static void
test_kept_aside_when_nothing_works(void **state)
{
	(void)state;
	kept_aside(EPERM);
	kept_aside(ENOSPC);
	kept_aside(EDQUOT);
	kept_aside(EIO);
}

/* A newer record is there when the rename back is tried: it stays. */
static void
test_put_back_rename_never_clobbers(void **state)
{
	(void)state;
	no_lock();
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_RENAMEAT, 1, aside_touch_and_rewrite);
	wrap_fail(W_LINKAT, 0, 1, EPERM);
	assert_int_equal(sweep(&a), 0);
	assert_content("192.0.2.2", "USER=new");
	assert_int_equal(entries(), 1);
}

/*
 * The locked sweep: a login between age's look and its unlink sees the
 * lock held, writes anyway, and writes again once age lets go (here
 * spool_restore, what its detached process runs).
 */
static void
login_while_locked(void)
{
	assert_int_equal(spool_lock_shared(a.dir), SPOOL_AGE_BUSY);
	login_rewrite();
}

static void
test_login_while_locked_is_restored(void **state)
{
	struct timespec t = { a.now, 0 };
	int dir;

	(void)state;
	record("192.0.2.2", "USER=old", a.now - 1000);
	wrap_hook(W_FSTATAT, 1, login_while_locked);
	assert_int_equal(sweep(&a), 0);
	assert_true(a.locked);
	dir = open(dirpath, O_RDONLY | O_DIRECTORY);
	assert_int_equal(spool_restore(dir, "192.0.2.2", "USER=new", 8, &t), 0);
	assert_content("192.0.2.2", "USER=new");
	assert_int_equal(entries(), 1);
	/* and never over a record that is there */
	assert_int_equal(spool_restore(dir, "192.0.2.2", "USER=xyz", 8, &t), 0);
	assert_content("192.0.2.2", "USER=new");
	assert_int_equal(entries(), 1);
	close(dir);
}

/*
 * The whole path: spool_write under age's lock returns at once, and its
 * detached process writes the record again once age lets go.
 */
static void
test_write_during_age_comes_back(void **state)
{
	struct timespec t, t0, t1, nap = { 0, 10000000 };
	const char *step;
	int age_lock, i;

	(void)state;
	age_lock = open(dirpath, O_RDONLY | O_DIRECTORY);
	assert_int_equal(flock(age_lock, LOCK_EX), 0);
	clock_gettime(CLOCK_REALTIME, &t);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(spool_write(a.dir, "192.0.2.2", "USER=new\0", 9, &t,
	    &step), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000000000L +
	    (t1.tv_nsec - t0.tv_nsec) < 500000000L);
	assert_true(exists("192.0.2.2"));
	assert_int_equal(unlinkat(a.dir, "192.0.2.2", 0), 0);	/* as age */
	nap.tv_nsec = 100000000;
	nanosleep(&nap, NULL);
	assert_false(exists("192.0.2.2"));	/* it waits for the lock */
	close(age_lock);
	nap.tv_nsec = 10000000;
	for (i = 0; i < 300 && !exists("192.0.2.2"); i++)
		nanosleep(&nap, NULL);
	assert_true(exists("192.0.2.2"));
	assert_int_equal(entries(), 1);
}

/* More names than one read of the directory holds (32 KiB): all are seen. */
static void
test_sweep_many(void **state)
{
	char name[32];
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "10.0.%d.%d", i / 256, i % 256);
		record(name, "", i % 2 ? a.now : a.now - 1000);
	}
	assert_int_equal(sweep(&a), 0);
	assert_int_equal(a.records, 1500);
	assert_int_equal(entries(), 1500);
	assert_true(wrap_calls(W_SYSCALL) >= 3);	/* getdents64 */
}

static void
test_unreadable_directory(void **state)
{
	(void)state;
	record("192.0.2.3", "", a.now - 1000);
	wrap_fail(W_SYSCALL, 0, 1, EIO);
	assert_int_equal(sweep(&a), -1);
	assert_int_equal(errno, EIO);
	assert_true(exists("192.0.2.3"));
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
		cmocka_unit_test_setup_teardown(test_system_calls_unlocked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_busy_spool_is_swept_unlocked, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unreadable_spool_is_swept_unlocked, setup, teardown),
		cmocka_unit_test(test_put_back_when_link_fails),
		cmocka_unit_test(test_kept_aside_when_nothing_works),
		cmocka_unit_test_setup_teardown(
		    test_put_back_rename_never_clobbers, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_login_while_locked_is_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_write_during_age_comes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_after_look, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_after_set_aside,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_refresh_in_place_while_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_back_never_clobbers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_directory,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_removes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlink_failure_is_reported,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
