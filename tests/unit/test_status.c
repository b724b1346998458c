/* Unit tests for applets/status.c: columns, times, sorting, and read and write failures. */
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

#include "../../applets/status.c"
#include "tests/unit/capture.h"
#include "tests/unit/wrap.h"

#define NOW 1714564800		/* 2024-05-01T12:00:00Z */

static char dirpath[64];
static struct status st;
static struct out out;

/* --- helpers ------------------------------------------------------------- */

static int
setup(void **state)
{
	(void)state;
	wrap_reset();
	msg_force_sink(SINK_NONE);
	strcpy(dirpath, "/tmp/relayctl-status.XXXXXX");
	if (mkdtemp(dirpath) == NULL)
		return -1;
	memset(&st, 0, sizeof(st));
	st.dir = open(dirpath, O_RDONLY | O_DIRECTORY);
	st.dirname = dirpath;
	st.now = NOW;
	st.expiry = 900;
	st.skew = 60;
	widths_init(&st.w);
	return st.dir < 0 ? -1 : 0;
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
record(const char *name, const char *content, size_t len, time_t mtime)
{
	ut_put(st.dir, name, content, len, mtime);
}

static void
reset_counts(void)
{
	st.allowed = st.stale = st.missing = st.rows = 0;
}

/* Runs list_spool or list_addresses into a temporary file. */
static char *
listing(char **args, int nargs, int *rc)
{
	capture_start(&out);
	st.out = &out;
	if (nargs > 0)
		*rc = list_addresses(&st, args, nargs);
	else
		*rc = list_spool(&st);
	if (*rc == 0)
		*rc = finish(&st, nargs > 0);
	return capture_text(&out);
}

/* --- times --------------------------------------------------------------- */

static void
test_durations(void **state)
{
	static const struct {
		long long s;
		const char *want;
	} cases[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m00s" }, { 605, "10m05s" },
		{ 3599, "59m59s" }, { 3600, "1h00m" }, { 86399, "23h59m" },
		{ 86400, "1d00h" }, { 90000, "1d01h" }, { -5, "-5s" },
		{ -61, "-1m01s" },
	};
	char buf[DURATION_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_duration(cases[i].s, buf);
		assert_string_equal(buf, cases[i].want);
	}
	fmt_duration(LLONG_MIN, buf);
	assert_true(strlen(buf) < DURATION_SIZE);
	fmt_duration(LLONG_MAX, buf);
	assert_true(strlen(buf) < DURATION_SIZE);
}

static void
test_iso8601(void **state)
{
	char buf[ISO8601_SIZE];

	(void)state;
	fmt_iso8601(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	fmt_iso8601(NOW, buf);
	assert_string_equal(buf, "2024-05-01T12:00:00Z");
	fmt_iso8601(NOW + 86400 * 366 + 3 * 3600 + 4 * 60 + 5, buf);
	assert_string_equal(buf, "2025-05-02T15:04:05Z");
	/* a year of more than four digits is no ISO 8601 we print */
	fmt_iso8601((time_t)1 << 40, buf);
	assert_string_equal(buf, "");
	fmt_iso8601(LLONG_MAX, buf);
	assert_string_equal(buf, "");
	fmt_iso8601(LLONG_MIN, buf);
	assert_string_equal(buf, "");
	fmt_iso8601(-62167219200LL - 1, buf);	/* a second before year 0 */
	assert_string_equal(buf, "");
	fmt_iso8601(-62167219200LL, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
	fmt_iso8601(253402300799LL, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	fmt_iso8601(253402300800LL, buf);
	assert_string_equal(buf, "");
}

/* The calendar is the C library's, leap days and years before 1970 too. */
static void
test_iso8601_like_gmtime(void **state)
{
	char buf[ISO8601_SIZE], want[64];
	struct tm tm;
	long long t;

	(void)state;
	for (t = -62167219200LL; t < 253402300800LL; t += 86400LL * 97 + 3917) {
		assert_non_null(gmtime_r(&(time_t){ (time_t)t }, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		fmt_iso8601((time_t)t, buf);
		assert_string_equal(buf, want);
	}
	assert_int_equal(span(NOW, LLONG_MIN), LLONG_MAX);
	assert_int_equal(span(LLONG_MIN, NOW), LLONG_MIN);
}

/* --- rows ---------------------------------------------------------------- */

/* Where DOMAIN starts on each line of a human table. */
static void
assert_aligned(const char *table, size_t lines)
{
	const char *p = table, *nl, *d;
	long col = -1;
	size_t n = 0;

	for (; *p && (nl = strchr(p, '\n')) != NULL && n < lines; p = nl + 1) {
		/* the last column starts after the last run of two blanks */
		for (d = nl; d > p + 1 && !(d[-1] == ' ' && d[-2] == ' '); d--)
			;
		if (col < 0)
			col = d - p;
		assert_int_equal(d - p, col);
		n++;
	}
	assert_int_equal(n, lines);
}

static void
test_human_columns(void **state)
{
	char v[256], *buf;
	struct row r[4] = {
		{ "192.0.2.7", REC_FRESH, NOW - 125, "alice", "example.com" },
		{ "2001:db8::7", REC_STALE, NOW - 4000, "", "" },
		{ "10.0.0.1", REC_ABSENT, 0, "", "" },
		{ "10.0.0.2", REC_FRESH, NOW - 3, v, "d\tom" },
	};
	size_t i;

	(void)state;
	ut_all_bytes(v);
	memset(&st, 0, sizeof(st));
	st.now = NOW;
	st.expiry = 900;
	widths_init(&st.w);
	for (i = 0; i < 4; i++)
		widths_add(&st.w, &st, &r[i]);
	capture_start(&out);
	put_human_header(&out, &st.w);
	for (i = 0; i < 4; i++)
		put_human_row(&out, &st, &r[i], &st.w);
	buf = capture_text(&out);
	assert_aligned(buf, 5);
	assert_non_null(strstr(buf, "192.0.2.7    2m05s  12m55s     alice"));
	assert_non_null(strstr(buf, "2001:db8::7  1h06m  stale "));
	assert_non_null(strstr(buf, "10.0.0.1     -      no record "));
	assert_non_null(strstr(buf, "d\\x09om\n"));
	for (i = 0; buf[i]; i++)
		if (buf[i] != '\n')
			assert_true(buf[i] >= 0x20 && buf[i] < 0x7f);
	free(buf);
}

static void
test_json_rows(void **state)
{
	char *buf;
	struct row fresh = { "192.0.2.7", REC_FRESH, NOW - 125, "a\"l\tice",
		"example.com" };
	struct row stale = { "2001:db8::7", REC_STALE, NOW - 4000, "", "" };
	struct row none = { "10.0.0.1", REC_ABSENT, 0, "", "" };

	(void)state;
	memset(&st, 0, sizeof(st));
	st.now = NOW;
	st.expiry = 900;
	st.format = FMT_JSON;
	capture_start(&out);
	st.out = &out;
	put_header(&st, 3);
	put_row(&st, &fresh);
	put_row(&st, &stale);
	put_row(&st, &none);
	put_footer(&st, 1);
	buf = capture_text(&out);
	assert_string_equal(buf, "[\n"
	    "{\"address\":\"192.0.2.7\",\"login_time\":\"2024-05-01T11:57:55Z\","
	    "\"age_s\":125,\"expires_in_s\":775,\"user\":\"a\\\"l\\tice\","
	    "\"domain\":\"example.com\",\"fresh\":true},\n"
	    "{\"address\":\"2001:db8::7\",\"login_time\":\"2024-05-01T10:53:20Z\","
	    "\"age_s\":4000,\"expires_in_s\":0,\"user\":\"\",\"domain\":\"\","
	    "\"fresh\":false},\n"
	    "{\"address\":\"10.0.0.1\",\"login_time\":null,\"age_s\":null,"
	    "\"expires_in_s\":null,\"user\":null,\"domain\":null,"
	    "\"fresh\":false}\n]\n");
	free(buf);
	capture_start(&out);
	st.rows = 0;
	put_header(&st, 0);
	put_footer(&st, 0);
	buf = capture_text(&out);
	assert_string_equal(buf, "[]\n");
	free(buf);
}

static void
test_tsv_rows(void **state)
{
	char *buf;
	struct row fresh = { "192.0.2.7", REC_FRESH, NOW - 125, "a\tb\nc",
		"\\" };
	struct row none = { "10.0.0.1", REC_FOREIGN, 0, "", "" };

	(void)state;
	memset(&st, 0, sizeof(st));
	st.now = NOW;
	st.expiry = 900;
	st.format = FMT_TSV;
	capture_start(&out);
	st.out = &out;
	put_header(&st, 2);
	put_row(&st, &fresh);
	put_row(&st, &none);
	put_footer(&st, 0);
	buf = capture_text(&out);
	assert_string_equal(buf,
	    "address\tlogin_time\tage_s\texpires_in_s\tuser\tdomain\tfresh\n"
	    "192.0.2.7\t2024-05-01T11:57:55Z\t125\t775\ta\\tb\\nc\t\\\\\ttrue\n"
	    "10.0.0.1\t\t\t\t\t\tfalse\n");
	free(buf);
}

/* --- options, names, sorting --------------------------------------------- */

static void
test_options(void **state)
{
	char *a[] = { "status", "-a", "--json", "192.0.2.7", NULL };
	char *b[] = { "status", "--tsv", "--", "-a", NULL };
	char *c[] = { "status", "--json", "--tsv", NULL };
	char *d[] = { "status", "-x", NULL };
	char *e[] = { "status", "-aa", NULL };
	char *f[] = { "status", NULL };

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(parse_options(a, &st), 3);
	assert_true(st.all);
	assert_int_equal(st.format, FMT_JSON);
	memset(&st, 0, sizeof(st));
	assert_int_equal(parse_options(b, &st), 3);
	assert_false(st.all);
	assert_int_equal(st.format, FMT_TSV);
	assert_int_equal(parse_options(c, &st), -1);
	assert_int_equal(parse_options(d, &st), -1);
	/* flags bundle, as in every applet */
	memset(&st, 0, sizeof(st));
	assert_int_equal(parse_options(e, &st), 2);
	assert_true(st.all);
	memset(&st, 0, sizeof(st));
	assert_int_equal(parse_options(f, &st), 1);
	assert_int_equal(st.format, FMT_HUMAN);
}

static int
reference_order(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? 1 : -1;
	if (x->nsec != y->nsec)
		return x->nsec < y->nsec ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void
test_sort(void **state)
{
	enum { N = 1000 };
	static struct entry e[N], ref[N];
	static struct entry *v[2 * N];
	size_t n, i;

	(void)state;
	srand(3);
	for (n = 0; n <= N; n = n ? n * 3 + 1 : 1) {
		if (n > N)
			n = N;
		for (i = 0; i < n; i++) {
			e[i].sec = NOW - rand() % 50;
			e[i].nsec = rand() % 3;
			snprintf(e[i].name, sizeof(e[i].name), "10.0.%d.%d",
			    rand() % 4, rand() % 256);
			v[i] = &e[i];
		}
		memcpy(ref, e, n * sizeof(e[0]));
		qsort(ref, n, sizeof(ref[0]), reference_order);
		sort_newest_first(v, v + n, n);
		for (i = 0; i < n; i++) {
			assert_int_equal(v[i]->sec, ref[i].sec);
			assert_int_equal(v[i]->nsec, ref[i].nsec);
			assert_string_equal(v[i]->name, ref[i].name);
		}
		if (n == N)
			break;
	}
}

/* --- the spool ------------------------------------------------------------ */

static void
test_listing(void **state)
{
	char *out;
	int rc;

	(void)state;
	record("192.0.2.7", "USER=alice\0DOMAIN=example.com\0", 30, NOW - 125);
	record("192.0.2.8", "USER=bob\0", 9, NOW - 10);
	record("10.0.0.1", "USER=old\0", 9, NOW - 1000);
	record("10.0.0.2", "", 0, NOW + 3600);
	record(".allow.1.192.0.2.9", "USER=tmp\0", 9, NOW);
	record("notes.txt", "USER=no\0", 8, NOW);
	record("010.0.0.3", "USER=no\0", 8, NOW);
	out = listing(NULL, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "ADDRESS    AGE    LEFT    USER   DOMAIN\n"
	    "192.0.2.8  10s    14m50s  bob    -\n"
	    "192.0.2.7  2m05s  12m55s  alice  example.com\n"
	    "2 allowed, 2 stale\n");
	free(out);
}

static void
test_listing_all(void **state)
{
	char *out;
	int rc;

	(void)state;
	record("192.0.2.7", "USER=alice\0", 11, NOW - 125);
	record("10.0.0.1", "USER=old\0", 9, NOW - 1000);
	record("10.0.0.2", "", 0, NOW + 3600);
	st.all = 1;
	out = listing(NULL, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "ADDRESS    AGE     LEFT    USER   DOMAIN\n"
	    "10.0.0.2   -1h00m  stale   -      -\n"
	    "192.0.2.7  2m05s   12m55s  alice  -\n"
	    "10.0.0.1   16m40s  stale   old    -\n"
	    "1 allowed, 2 stale\n");
	free(out);
}

static void
test_addresses(void **state)
{
	char *args[] = { "::ffff:192.0.2.7", "bogus", "192.0.2.99",
		"10.0.0.1", "10.0.0.5" };
	char *out;
	int rc;

	(void)state;
	record("192.0.2.7", "USER=alice\0", 11, NOW - 125);
	record("10.0.0.1", "USER=old\0", 9, NOW - 1000);
	assert_int_equal(mkdirat(st.dir, "10.0.0.5", 0755), 0);
	out = listing(args, 5, &rc);
	assert_int_equal(rc, EXIT_USAGE);
	assert_string_equal(out,
	    "ADDRESS     AGE     LEFT          USER   DOMAIN\n"
	    "192.0.2.7   2m05s   12m55s        alice  -\n"
	    "192.0.2.99  -       no record     -      -\n"
	    "10.0.0.1    16m40s  stale         old    -\n"
	    "10.0.0.5    -       not a record  -      -\n"
	    "1 allowed, 1 stale, 2 without a record\n");
	free(out);
}

static void
test_address_exit_codes(void **state)
{
	char *yes[] = { "192.0.2.7", "2001:DB8::7" };
	char *no[] = { "192.0.2.7", "10.0.0.1" };
	char *out;
	int rc;

	(void)state;
	record("192.0.2.7", "USER=alice\0", 11, NOW - 125);
	record("2001:db8::7", "", 0, NOW);
	record("10.0.0.1", "USER=old\0", 9, NOW - 1000);
	free(listing(yes, 2, &rc));
	assert_int_equal(rc, 0);
	reset_counts();
	free(listing(no, 2, &rc));
	assert_int_equal(rc, 1);
	reset_counts();
	out = listing(no + 1, 1, &rc);
	assert_int_equal(rc, 1);
	free(out);
}

/* What is kept per record is its two values, never the file. */
static void
test_memory_is_per_record(void **state)
{
	static char big[RECORD_FILE_MAX];
	struct listing ls = { NULL, 0, 0, NULL, NULL, 0, 0 };
	struct dirent d;

	(void)state;
	memcpy(big, "USER=al\0", 8);
	memset(big + 8, 'X', sizeof(big) - 9);	/* junk, not exported */
	record("192.0.2.7", big, sizeof(big), NOW);
	memset(&d, 0, sizeof(d));
	d.d_type = DT_REG;
	strcpy(d.d_name, "192.0.2.7");
	assert_int_equal(scan_one(&st, &d, &ls), 0);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.len, strlen("al") + 1 + 1);
	assert_int_equal(sizeof(struct entry), 64);
	listing_free(&ls);
}

/* A non-regular entry named by readdir as such is never opened. */
static void
test_foreign_never_opened(void **state)
{
	struct listing ls = { NULL, 0, 0, NULL, NULL, 0, 0 };
	struct dirent d;

	(void)state;
	assert_int_equal(mkfifoat(st.dir, "192.0.2.7", 0644), 0);
	memset(&d, 0, sizeof(d));
	d.d_type = DT_FIFO;
	strcpy(d.d_name, "192.0.2.7");
	assert_int_equal(scan_one(&st, &d, &ls), 0);
	assert_int_equal(ls.n, 0);
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	assert_int_equal(st.allowed + st.stale, 0);
	listing_free(&ls);
}

static void
test_read_error_is_111(void **state)
{
	char *out;
	int rc;

	(void)state;
	record("192.0.2.7", "USER=alice\0", 11, NOW - 125);
	record("192.0.2.8", "USER=bob\0", 9, NOW - 10);
	wrap_fail(W_READ, 1, 1, EIO);
	out = listing(NULL, 0, &rc);
	assert_int_equal(rc, EXIT_TEMP);
	assert_non_null(strstr(out, "1 allowed, 0 stale\n"));
	free(out);
}

static void
test_address_read_error_is_111(void **state)
{
	char *args[] = { "192.0.2.7" };
	int rc;

	(void)state;
	record("192.0.2.7", "USER=alice\0", 11, NOW - 125);
	wrap_fail(W_OPENAT, 0, 1, EACCES);
	free(listing(args, 1, &rc));
	assert_int_equal(rc, EXIT_TEMP);
}

static void
test_write_error(void **state)
{
	int i;

	(void)state;
	/* more than one buffer of rows */
	for (i = 0; i < 200; i++) {
		char name[32];

		snprintf(name, sizeof(name), "10.0.%d.%d", i / 100, i % 100);
		record(name, "USER=someone\0", 13, NOW - i);
	}
	wrap_reset();
	capture_to(&out, open("/dev/full", O_WRONLY));
	assert_true(out.fd >= 0);
	st.out = &out;
	assert_int_equal(list_spool(&st), 0);
	assert_int_equal(finish(&st, 0), EXIT_TEMP);
	assert_int_equal(out.err, ENOSPC);
	/* the first error ends the listing: one write, not one a row */
	assert_int_equal(wrap_calls(W_WRITE), 1);
	close(out.fd);
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_iso8601_like_gmtime),
		cmocka_unit_test(test_human_columns),
		cmocka_unit_test(test_json_rows),
		cmocka_unit_test(test_tsv_rows),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_sort),
		cmocka_unit_test_setup_teardown(test_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_all, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_addresses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_address_exit_codes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_memory_is_per_record, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_foreign_never_opened, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_read_error_is_111, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_address_read_error_is_111,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
