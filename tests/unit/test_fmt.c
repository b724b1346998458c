/* Unit tests for lib/fmt.c: the same text as the C library's snprintf for every format relayctl uses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/fmt.h"
#include "tests/unit/capture.h"

/* Formats with both and compares text and length; a macro keeps -Wformat. */
#define SAME(...) do {							\
	char a[256], b[256];						\
	int na = fmt_snprintf(a, sizeof(a), __VA_ARGS__);		\
	int nb = snprintf(b, sizeof(b), __VA_ARGS__);			\
	assert_string_equal(a, b);					\
	assert_int_equal(na, nb);					\
} while (0)

/* Every conversion relayctl's formats use, at its limits. */
static void
test_conversions(void **state)
{
	(void)state;
	SAME("plain text");
	SAME("%s|%s", "a", "");
	SAME("%.3s|%.45s|%.0s|%.200s", "abcdef", "short", "gone", "x");
	SAME("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	SAME("%ld %ld %ld", 0L, LONG_MAX, LONG_MIN);
	SAME("%u %lu %zu", UINT_MAX, ULONG_MAX, (size_t)12345);
	SAME("<%d>%.31s[%ld]: %s%s", 22, "relay-ctrl-allow", 1234L,
	    "warning: ", "text");
	SAME("%s[%ld]: %s%s\n", "relayctl-check", (long)getpid(), "info: ",
	    "x");
}

/* The one decimal writer, with leading zeros where asked. */
static void
test_decimal(void **state)
{
	char buf[32];

	(void)state;
	*fmt_decimal(buf, 0, 1) = '\0';
	assert_string_equal(buf, "0");
	*fmt_decimal(buf, 7, 2) = '\0';
	assert_string_equal(buf, "07");
	*fmt_decimal(buf, 2024, 4) = '\0';
	assert_string_equal(buf, "2024");
	*fmt_decimal(buf, 18446744073709551615ULL, 1) = '\0';
	assert_string_equal(buf, "18446744073709551615");
}

static void
test_truncation(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "0123456789"),
	    10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(fmt_snprintf(buf, 1, "%d", 12345), 5);
	assert_string_equal(buf, "");
	assert_int_equal(fmt_snprintf(NULL, 0, "%s", "abc"), 3);
}

static void
test_null_string(void **state)
{
	char buf[16];
	const char *volatile none = NULL;	/* the compiler may not see it */

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "%s", none);
	assert_string_equal(buf, "(null)");
}

static void
test_stream(void **state)
{
	struct out o;
	char *text;

	(void)state;
	capture_start(&o);
	fmt_out(&o, "%lu allowed, %lu stale\n", 3UL, 1UL);
	text = capture_text(&o);
	assert_string_equal(text, "3 allowed, 1 stale\n");
	free(text);
	capture_to(&o, open("/dev/full", O_WRONLY));
	fmt_out(&o, "%s", "x");
	assert_int_equal(out_flush(&o), -1);
	assert_int_equal(errno, ENOSPC);
	/* the error stays, and nothing more is written */
	fmt_out(&o, "%s", "y");
	assert_int_equal(o.len, 0);
	assert_int_equal(out_flush(&o), -1);
	close(o.fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
