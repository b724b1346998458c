/* Unit tests for lib/spool.c: record format, freshness, safe reading and atomic writing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/config.h"
#include "lib/msg.h"
#include "lib/spool.h"
#include "tests/unit/wrap.h"

static char dirpath[64];
static int dir;

static int
setup(void **state)
{
	(void)state;
	wrap_reset();
	strcpy(dirpath, "/tmp/relayctl-unit.XXXXXX");
	if (mkdtemp(dirpath) == NULL)
		return -1;
	dir = open(dirpath, O_RDONLY | O_DIRECTORY);
	return dir < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	wrap_reset();
	close(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dirpath);
	return system(cmd);
}

/* How many entries the spool holds, "." and ".." not counted. */
static int
entries(void)
{
	return ut_entries(dirpath, 0);
}

static void
put(const char *name, const char *content, size_t len)
{
	ut_put(dir, name, content, len, 0);
}

/* --- record format ------------------------------------------------------ */

struct rejects {
	int n;
	char last[300];
};

static void
collect(const char *entry, size_t len, const char *why, void *ctx)
{
	struct rejects *r = ctx;

	(void)why;
	r->n++;
	snprintf(r->last, sizeof(r->last), "%.*s", (int)len, entry);
}

static void
test_encode(void **state)
{
	struct record r = { "alice", "example.com" };
	char buf[RECORD_FILE_MAX];
	size_t n;

	(void)state;
	n = record_encode(&r, buf, sizeof(buf));
	assert_int_equal(n, 30);
	assert_memory_equal(buf, "USER=alice\0DOMAIN=example.com\0", 30);
	r.domain[0] = '\0';
	n = record_encode(&r, buf, sizeof(buf));
	assert_int_equal(n, 11);
	r.user[0] = '\0';
	assert_int_equal(record_encode(&r, buf, sizeof(buf)), 0);
}

static void
test_decode_relay_ctrl_32(void **state)
{
	static const char file[] = "USER=bob\0DOMAIN=example.org\0";
	struct rejects rj = { 0, "" };
	struct record r;

	(void)state;
	record_decode(file, sizeof(file) - 1, &r, collect, &rj);
	assert_string_equal(r.user, "bob");
	assert_string_equal(r.domain, "example.org");
	assert_int_equal(rj.n, 0);
}

static void
test_decode_allowlist(void **state)
{
	static const char file[] = "LD_PRELOAD=/tmp/x.so\0PATH=/tmp\0"
	    "RELAYCLIENT=\0QMAILQUEUE=/bin/sh\0=x\0USERX=1\0USER=eve\0";
	struct rejects rj = { 0, "" };
	struct record r;

	(void)state;
	record_decode(file, sizeof(file) - 1, &r, collect, &rj);
	assert_string_equal(r.user, "eve");
	assert_string_equal(r.domain, "");
	assert_int_equal(rj.n, 6);
}

static void
test_decode_bad_values(void **state)
{
	char file[600];
	struct rejects rj = { 0, "" };
	struct record r;
	size_t n;

	(void)state;
	/* a 256-byte USER, a DOMAIN with a newline, a repeated USER */
	memcpy(file, "USER=", 5);
	memset(file + 5, 'a', 256);
	n = 5 + 256;
	file[n++] = '\0';
	memcpy(file + n, "DOMAIN=a\nb\0USER=x\0USER=y\0", 25);
	n += 25;
	record_decode(file, n, &r, collect, &rj);
	assert_string_equal(r.user, "x");
	assert_string_equal(r.domain, "");
	assert_int_equal(rj.n, 3);
	assert_string_equal(rj.last, "USER=y");
}

static void
test_decode_255_and_unterminated(void **state)
{
	char file[300];
	struct rejects rj = { 0, "" };
	struct record r;

	(void)state;
	memcpy(file, "USER=", 5);
	memset(file + 5, 'b', 255);
	file[260] = '\0';
	memcpy(file + 261, "DOMAIN=torn", 11);
	record_decode(file, 272, &r, collect, &rj);
	assert_int_equal(strlen(r.user), 255);
	assert_string_equal(r.domain, "");
	assert_int_equal(rj.n, 1);
	assert_string_equal(rj.last, "DOMAIN=torn");
	/* no NUL at all */
	rj.n = 0;
	record_decode("USER=x", 6, &r, collect, &rj);
	assert_string_equal(r.user, "");
	assert_int_equal(rj.n, 1);
	/* empty file: a record with no values */
	rj.n = 0;
	record_decode("", 0, &r, collect, &rj);
	assert_int_equal(rj.n, 0);
}

static void
test_value_ok(void **state)
{
	char v[300];

	(void)state;
	assert_true(record_value_ok("alice", 5));
	assert_true(record_value_ok("", 0));
	assert_true(record_value_ok("\xc3\xa9t\xc3\xa9", 5));
	assert_false(record_value_ok("a\tb", 3));
	assert_false(record_value_ok("a\nb", 3));
	assert_false(record_value_ok("a\x7f", 2));
	memset(v, 'x', sizeof(v));
	assert_true(record_value_ok(v, 255));
	assert_false(record_value_ok(v, 256));
}

/* --- freshness ------------------------------------------------------------ */

static void
test_fresh_boundaries(void **state)
{
	time_t now = 1000000;

	(void)state;
	assert_true(spool_fresh(now, now, 900, 60));
	assert_true(spool_fresh(now - 899, now, 900, 60));
	assert_false(spool_fresh(now - 900, now, 900, 60));
	assert_false(spool_fresh(now - 901, now, 900, 60));
	assert_true(spool_fresh(now + 60, now, 900, 60));
	assert_false(spool_fresh(now + 61, now, 900, 60));
	assert_false(spool_fresh(now + 86400 * 365, now, 900, 60));
	assert_false(spool_fresh(0, now, 900, 60));
}

/* --- the one lookup -------------------------------------------------------- */

/* Looks name up against a clock at NOW, 900 s expiry, 60 s skew. */
#define NOW 1700000000
static enum found
look(const char *name, enum look want, struct lookup *l)
{
	struct freshness f = { NOW, 900, 60 };

	spool_lookup(dir, name, &f, want, l, NULL, NULL);
	return l->found;
}

static void
put_at(const char *name, const char *content, size_t len, time_t t)
{
	ut_put(dir, name, content, len, t);
}

static void
test_lookup_states(void **state)
{
	struct lookup l;

	(void)state;
	put_at("192.0.2.1", "USER=a\0DOMAIN=d\0", 16, NOW - 10);
	put_at("192.0.2.2", "USER=b\0", 7, NOW - 900);
	put_at("192.0.2.3", "USER=c\0", 7, NOW + 61);
	put_at("192.0.2.4", "USER=e\0", 7, NOW + 60);
	assert_int_equal(look("192.0.2.1", LOOK_FRESH, &l), REC_FRESH);
	assert_string_equal(l.rec.user, "a");
	assert_string_equal(l.rec.domain, "d");
	assert_int_equal(l.mtime.tv_sec, NOW - 10);
	assert_int_equal(look("192.0.2.2", LOOK_FRESH, &l), REC_STALE);
	assert_string_equal(l.rec.user, "");	/* not read */
	assert_int_equal(look("192.0.2.2", LOOK_ANY, &l), REC_STALE);
	assert_string_equal(l.rec.user, "b");
	assert_int_equal(look("192.0.2.3", LOOK_ANY, &l), REC_FUTURE);
	assert_int_equal(look("192.0.2.4", LOOK_FRESH, &l), REC_FRESH);
	assert_int_equal(look("192.0.2.9", LOOK_ANY, &l), REC_ABSENT);
	/* policy needs only the time: nothing is opened */
	wrap_reset();
	assert_int_equal(look("192.0.2.1", LOOK_TIME, &l), REC_FRESH);
	assert_string_equal(l.rec.user, "");
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	assert_int_equal(wrap_calls(W_FSTATAT), 1);
}

/* The clock and the settings are read only once a regular file is found. */
static void
test_lookup_reads_freshness_late(void **state)
{
	struct freshness f = { 0, -1, -1 };
	struct lookup l;

	(void)state;
	setenv("RELAY_CTRL_EXPIRY", "300", 1);
	spool_lookup(dir, "192.0.2.1", &f, LOOK_FRESH, &l, NULL, NULL);
	assert_int_equal(l.found, REC_ABSENT);
	assert_int_equal(f.expiry, -1);
	put("192.0.2.1", "", 0);
	spool_lookup(dir, "192.0.2.1", &f, LOOK_FRESH, &l, NULL, NULL);
	assert_int_equal(l.found, REC_FRESH);
	assert_int_equal(f.expiry, 300);
	unsetenv("RELAY_CTRL_EXPIRY");
}

/* A link, directory, FIFO or socket is named, and never opened. */
static void
test_lookup_never_opens_foreign(void **state)
{
	struct sockaddr_un sun;
	struct lookup l;
	int s;

	(void)state;
	put_at("target", "USER=a\0", 7, NOW);
	assert_int_equal(symlinkat("target", dir, "192.0.2.1"), 0);
	assert_int_equal(mkdirat(dir, "192.0.2.2", 0755), 0);
	assert_int_equal(mkfifoat(dir, "192.0.2.3", 0644), 0);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/192.0.2.4", dirpath);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	wrap_reset();
	assert_int_equal(look("192.0.2.1", LOOK_ANY, &l), REC_FOREIGN);
	assert_true(S_ISLNK(l.mode));
	assert_int_equal(look("192.0.2.2", LOOK_ANY, &l), REC_FOREIGN);
	assert_true(S_ISDIR(l.mode));
	assert_int_equal(look("192.0.2.3", LOOK_ANY, &l), REC_FOREIGN);
	assert_true(S_ISFIFO(l.mode));
	assert_int_equal(look("192.0.2.4", LOOK_ANY, &l), REC_FOREIGN);
	assert_true(S_ISSOCK(l.mode));
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	close(s);
}

/* Replaced between the look and the open: the file opened is looked at again. */
static void
swap_in_fifo(void)
{
	unlinkat(dir, "192.0.2.7", 0);
	mkfifoat(dir, "192.0.2.7", 0644);
}

static void
swap_in_record(void)
{
	put_at("new", "USER=new\0", 9, NOW);
	renameat(dir, "new", dir, "192.0.2.7");
}

static void
test_lookup_replaced_meanwhile(void **state)
{
	struct lookup l;

	(void)state;
	put_at("192.0.2.7", "USER=old\0", 9, NOW);
	wrap_hook(W_FSTATAT, 1, swap_in_record);
	assert_int_equal(look("192.0.2.7", LOOK_ANY, &l), REC_FRESH);
	assert_string_equal(l.rec.user, "new");
	assert_int_equal(wrap_calls(W_FSTATAT), 2);
	wrap_reset();
	wrap_hook(W_FSTATAT, 1, swap_in_fifo);
	assert_int_equal(look("192.0.2.7", LOOK_ANY, &l), REC_FOREIGN);
	assert_true(S_ISFIFO(l.mode));
	/* the FIFO was opened, without blocking, by the race only: never read */
	assert_int_equal(wrap_calls(W_READ), 0);
}

static void
test_lookup_errors(void **state)
{
	char big[70000];
	struct lookup l;

	(void)state;
	memset(big, 'A', sizeof(big));
	put_at("192.0.2.9", big, sizeof(big), NOW);
	assert_int_equal(look("192.0.2.9", LOOK_ANY, &l), REC_FRESH);
	assert_true(l.oversize);
	assert_string_equal(l.rec.user, "");
	wrap_fail(W_READ, 0, 1, EIO);
	assert_int_equal(look("192.0.2.9", LOOK_ANY, &l), REC_UNREADABLE);
	assert_int_equal(l.err, EIO);
	wrap_fail(W_FSTATAT, 0, 1, EACCES);
	assert_int_equal(look("192.0.2.9", LOOK_ANY, &l), REC_UNREADABLE);
	assert_int_equal(l.err, EACCES);
	wrap_fail(W_OPENAT, 0, 1, EMFILE);
	assert_int_equal(look("192.0.2.9", LOOK_ANY, &l), REC_UNREADABLE);
	assert_int_equal(l.err, EMFILE);
}

/* --- writing ------------------------------------------------------------------ */

static const struct timespec when = { 1700000000, 0 };

static void
test_write_atomic_mode_time(void **state)
{
	const char *step = NULL;
	struct stat st;
	mode_t old = umask(077);

	(void)state;
	assert_int_equal(spool_write(dir, "2001:db8::7", "USER=a\0", 7, &when,
	    &step), 0);
	umask(old);
	assert_int_equal(fstatat(dir, "2001:db8::7", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_mtime, when.tv_sec);
	assert_int_equal(st.st_size, 7);
	assert_int_equal(entries(), 1);
}

static void
test_write_replaces_and_refreshes(void **state)
{
	struct timespec later = { when.tv_sec + 100, 0 };
	const char *step = NULL;
	struct stat a, b;

	(void)state;
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &when,
	    &step), 0);
	assert_int_equal(fstatat(dir, "192.0.2.7", &a, 0), 0);
	/* same content: the time changes in place, no new inode */
	wrap_reset();
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &later,
	    &step), 0);
	assert_int_equal(fstatat(dir, "192.0.2.7", &b, 0), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(b.st_mtime, later.tv_sec);
	assert_int_equal(wrap_calls(W_RENAMEAT), 0);
	/* other content: a new file renamed over the old one */
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=bb\0", 8, &when,
	    &step), 0);
	assert_int_equal(fstatat(dir, "192.0.2.7", &b, 0), 0);
	assert_int_equal(b.st_size, 8);
	assert_int_equal(b.st_mtime, when.tv_sec);
	assert_int_equal(wrap_calls(W_RENAMEAT), 1);
	assert_int_equal(entries(), 1);
}

/* A read interrupted by a signal is retried: the refresh stays in place. */
static void
test_refresh_read_eintr(void **state)
{
	struct timespec later = { when.tv_sec + 100, 0 };
	const char *step = NULL;
	struct stat a, b;

	(void)state;
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &when,
	    &step), 0);
	assert_int_equal(fstatat(dir, "192.0.2.7", &a, 0), 0);
	wrap_reset();
	wrap_fail(W_READ, 0, 1, EINTR);
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &later,
	    &step), 0);
	assert_int_equal(wrap_calls(W_READ), 2);
	assert_int_equal(wrap_calls(W_RENAMEAT), 0);
	assert_int_equal(fstatat(dir, "192.0.2.7", &b, 0), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(b.st_mtime, later.tv_sec);
}

/* The lookup retries an interrupted read too. */
static void
test_read_eintr(void **state)
{
	struct lookup l;

	(void)state;
	put_at("192.0.2.7", "USER=a\0", 7, NOW);
	wrap_fail(W_READ, 0, 1, EINTR);
	assert_int_equal(look("192.0.2.7", LOOK_ANY, &l), REC_FRESH);
	assert_string_equal(l.rec.user, "a");
}

/* A record that is a symlink is replaced, never written through. */
static void
test_write_over_symlink(void **state)
{
	const char *step = NULL;
	struct stat st;

	(void)state;
	put("victim", "keep", 4);
	assert_int_equal(symlinkat("victim", dir, "192.0.2.7"), 0);
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &when,
	    &step), 0);
	assert_int_equal(fstatat(dir, "victim", &st, 0), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(fstatat(dir, "192.0.2.7", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void
write_fails(enum wrap_fn fn, int skip, int err, const char *want_step)
{
	const char *step = NULL;

	wrap_reset();
	wrap_fail(fn, skip, 1, err);
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &when,
	    &step), -1);
	assert_int_equal(errno, err);
	assert_string_equal(step, want_step);
	assert_int_equal(entries(), 0);
	wrap_reset();
}

static void
test_write_faults_leave_nothing(void **state)
{
	(void)state;
	/* openat #1 is the spool's lock; no old record: #2 is the temporary file's */
	write_fails(W_OPENAT, 1, EACCES, "create a temporary file for");
	write_fails(W_OPENAT, 1, EROFS, "create a temporary file for");
	write_fails(W_OPENAT, 1, EMFILE, "create a temporary file for");
	write_fails(W_WRITE, 0, ENOSPC, "write");
	write_fails(W_WRITE, 0, EDQUOT, "write");
	write_fails(W_FCHMOD, 0, EPERM, "set the mode of");
	write_fails(W_FUTIMENS, 0, EPERM, "set the time of");
	write_fails(W_CLOSE, 0, EIO, "close");
	write_fails(W_RENAMEAT, 0, ENOSPC, "rename");
}

static void
test_write_short_and_eintr(void **state)
{
	const char *step = NULL;
	struct lookup l;

	(void)state;
	wrap_short_write(3);
	wrap_fail(W_WRITE, 1, 1, EINTR);
	assert_int_equal(spool_write(dir, "192.0.2.7",
	    "USER=alice\0DOMAIN=x\0", 20, &when, &step), 0);
	wrap_reset();
	assert_int_equal(look("192.0.2.7", LOOK_ANY, &l), REC_FRESH);
	assert_string_equal(l.rec.user, "alice");
	assert_string_equal(l.rec.domain, "x");
	assert_int_equal(entries(), 1);
}

/* A failed write keeps the old record whole. */
static void
test_write_failure_keeps_old_record(void **state)
{
	const char *step = NULL;
	struct lookup l;

	(void)state;
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &when,
	    &step), 0);
	wrap_fail(W_WRITE, 0, 1, ENOSPC);
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=bbb\0", 9, &when,
	    &step), -1);
	wrap_reset();
	assert_int_equal(look("192.0.2.7", LOOK_ANY, &l), REC_FRESH);
	assert_string_equal(l.rec.user, "a");
	assert_int_equal(entries(), 1);
}

/* A temporary file left by a dead process with our pid is replaced. */
static void
test_write_stale_tmp_of_our_pid(void **state)
{
	const char *step = NULL;
	char tmp[TMP_NAME_SIZE];
	size_t n = spool_tmp_prefix(tmp, sizeof(tmp), TMP_ALLOW);

	(void)state;
	snprintf(tmp + n, sizeof(tmp) - n, "192.0.2.7");
	put(tmp, "junk", 4);
	assert_int_equal(spool_write(dir, "192.0.2.7", "USER=a\0", 7, &when,
	    &step), 0);
	assert_int_equal(entries(), 1);
}

/* --- opening -------------------------------------------------------------------- */

static void
test_open_env_fd_and_fallback(void **state)
{
	char what[256], num[16];
	int fd, file;

	(void)state;
	unsetenv("RELAY_CTRL_DIR");
	setenv("RELAY_CTRL_CONFIG", "/nonexistent", 1);
	unsetenv("RELAY_CTRL_DIR_FD");
	/* a snapshot taken before would still name /etc/relay-ctrl, which
	 * install.sh fills on this host */
	config_reset();
	errno = 0;
	assert_int_equal(spool_open(what, sizeof(what)), -1);
	assert_int_equal(errno, 0);
	snprintf(num, sizeof(num), "%d", dir);
	setenv("RELAY_CTRL_DIR_FD", num, 1);
	assert_int_equal(spool_env_fd(), dir);
	assert_int_equal(spool_open(what, sizeof(what)), dir);
	/* not a directory (a file, stdin, closed, junk): RELAY_CTRL_DIR */
	file = open("/dev/null", O_RDONLY);
	snprintf(num, sizeof(num), "%d", file);
	setenv("RELAY_CTRL_DIR_FD", num, 1);
	assert_int_equal(spool_env_fd(), -1);
	setenv("RELAY_CTRL_DIR", dirpath, 1);
	fd = spool_open(what, sizeof(what));
	assert_true(fd >= 0 && fd != file);
	close(fd);
	close(file);
	setenv("RELAY_CTRL_DIR_FD", "999", 1);
	assert_int_equal(spool_env_fd(), -1);
	setenv("RELAY_CTRL_DIR_FD", "0", 1);
	assert_int_equal(spool_env_fd(), -1);
	setenv("RELAY_CTRL_DIR_FD", "-1", 1);
	assert_int_equal(spool_env_fd(), -1);
	setenv("RELAY_CTRL_DIR_FD", "99999999999999999999", 1);
	assert_int_equal(spool_env_fd(), -1);
	setenv("RELAY_CTRL_DIR_FD", "", 1);
	assert_int_equal(spool_env_fd(), -1);
	spool_close(-1);
	assert_null(getenv("RELAY_CTRL_DIR_FD"));
	unsetenv("RELAY_CTRL_DIR");
	unsetenv("RELAY_CTRL_CONFIG");
}

/* The admin applets' way in: by path, with a message saying what next. */
static void
test_open_admin(void **state)
{
	const char *path;
	int fd;

	(void)state;
	msg_force_sink(SINK_NONE);
	unsetenv("RELAY_CTRL_DIR");
	setenv("RELAY_CTRL_CONFIG", "/nonexistent", 1);
	config_reset();
	assert_int_equal(spool_open_admin(&path, "nothing is shown"), -1);
	assert_string_equal(path, "(unset)");
	setenv("RELAY_CTRL_DIR", "/nonexistent/spool", 1);
	assert_int_equal(spool_open_admin(&path, "nothing is shown"), -1);
	assert_string_equal(path, "/nonexistent/spool");
	/* its name is shown as every message shows untrusted text */
	setenv("RELAY_CTRL_DIR", "/nonexistent/a\nb", 1);
	assert_int_equal(spool_open_admin(&path, "nothing is shown"), -1);
	assert_string_equal(path, "/nonexistent/a\\x0ab");
	setenv("RELAY_CTRL_DIR", dirpath, 1);
	fd = spool_open_admin(&path, "nothing is shown");
	assert_true(fd >= 0);
	close(fd);
	unsetenv("RELAY_CTRL_DIR");
	unsetenv("RELAY_CTRL_CONFIG");
	config_reset();
	msg_force_sink(SINK_AUTO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode_relay_ctrl_32),
		cmocka_unit_test(test_decode_allowlist),
		cmocka_unit_test(test_decode_bad_values),
		cmocka_unit_test(test_decode_255_and_unterminated),
		cmocka_unit_test(test_value_ok),
		cmocka_unit_test(test_fresh_boundaries),
		cmocka_unit_test_setup_teardown(test_lookup_states, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lookup_reads_freshness_late,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_never_opens_foreign,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_replaced_meanwhile,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic_mode_time,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_write_replaces_and_refreshes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_read_eintr, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_read_eintr, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_over_symlink, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_faults_leave_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_short_and_eintr,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_write_failure_keeps_old_record, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_write_stale_tmp_of_our_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_env_fd_and_fallback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_admin, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
