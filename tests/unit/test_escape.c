/* Unit tests for lib/escape.c: the rule for people (log lines and listings), for TSV and for JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/escape.h"
#include "tests/unit/capture.h"
#include "tests/unit/wrap.h"

typedef void printer(struct out *, const char *);

/* What f printed for s, in a static buffer. */
static const char *
printed(printer *f, const char *s)
{
	static char *buf;
	struct out o;

	free(buf);
	capture_start(&o);
	f(&o, s);
	buf = capture_text(&o);
	assert_int_equal(o.err, 0);
	return buf;
}

/* The value a --tsv field stands for: the exact bytes back. */
static char *
tsv_unescape(const char *s, char *out)
{
	char *o = out;
	unsigned int x;

	while (*s) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 't':
			*o++ = '\t';
			s++;
			break;
		case 'n':
			*o++ = '\n';
			s++;
			break;
		case 'r':
			*o++ = '\r';
			s++;
			break;
		case '\\':
			*o++ = '\\';
			s++;
			break;
		case 'x':
			assert_int_equal(sscanf(s + 1, "%2x", &x), 1);
			*o++ = (char)x;
			s += 3;
			break;
		default:
			fail_msg("unknown escape \\%c", *s);
		}
	}
	*o = '\0';
	return out;
}

static void
assert_no_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			fail_msg("byte 0x%02x printed", (unsigned char)*s);
}

static void
human(struct out *f, const char *s)
{
	esc_put(f, ESC_HUMAN, s);
}

static void
tsv(struct out *f, const char *s)
{
	esc_put(f, ESC_TSV, s);
}

static void
json(struct out *f, const char *s)
{
	esc_put(f, ESC_JSON, s);
}

/* --- escaping ------------------------------------------------------------ */

static void
test_json_escapes(void **state)
{
	(void)state;
	assert_string_equal(printed(json, "alice"), "\"alice\"");
	assert_string_equal(printed(json, "a\tb"), "\"a\\tb\"");
	assert_string_equal(printed(json, "a\nb\rc"),
	    "\"a\\nb\\rc\"");
	assert_string_equal(printed(json, "say \"hi\""),
	    "\"say \\\"hi\\\"\"");
	assert_string_equal(printed(json, "a\\b"), "\"a\\\\b\"");
	assert_string_equal(printed(json, "\x01\x1b[2J\x7f"),
	    "\"\\u0001\\u001b[2J\\u007f\"");
	assert_string_equal(printed(json, ""), "\"\"");
}

static void
test_json_utf8(void **state)
{
	(void)state;
	/* text: escaped as code points, so the output is plain ASCII */
	assert_string_equal(printed(json, "j\xc3\xbcrgen"),
	    "\"j\\u00fcrgen\"");
	assert_string_equal(printed(json, "\xe2\x82\xac"),
	    "\"\\u20ac\"");
	assert_string_equal(printed(json, "\xf0\x9f\x98\x80"),
	    "\"\\ud83d\\ude00\"");
	assert_string_equal(printed(json, "\xc2\x9b"),
	    "\"\\u009b\"");
	/* not UTF-8: each bad byte is U+FFFD, and the text after it survives */
	assert_string_equal(printed(json, "a\xff" "b"),
	    "\"a\\ufffdb\"");
	assert_string_equal(printed(json, "\xc0\x80"),
	    "\"\\ufffd\\ufffd\"");
	assert_string_equal(printed(json, "\xed\xa0\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(printed(json, "\xf4\x90\x80\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(printed(json, "\xe2\x82"),
	    "\"\\ufffd\\ufffd\"");
}

static void
test_json_all_bytes(void **state)
{
	char v[256];
	const char *out;

	(void)state;
	ut_all_bytes(v);
	out = printed(json, v);
	assert_no_control(out);
	/* only an escaped quote may stand inside */
	assert_int_equal(out[0], '"');
	assert_int_equal(out[strlen(out) - 1], '"');
	assert_non_null(strstr(out, "\\u0001"));
	assert_non_null(strstr(out, "\\\"#"));
	assert_non_null(strstr(out, "\\\\]"));
}

static void
test_tsv_escapes(void **state)
{
	(void)state;
	assert_string_equal(printed(tsv, "alice"), "alice");
	assert_string_equal(printed(tsv, "a\tb\nc\rd\\e"),
	    "a\\tb\\nc\\rd\\\\e");
	assert_string_equal(printed(tsv, "say \"hi\""), "say \"hi\"");
	assert_string_equal(printed(tsv, "\x01\x7f"), "\\x01\\x7f");
	/* UTF-8 text passes, C1 controls and other bytes do not */
	assert_string_equal(printed(tsv, "j\xc3\xbcrgen"), "j\xc3\xbcrgen");
	assert_string_equal(printed(tsv, "\xc2\x9b"), "\\xc2\\x9b");
	assert_string_equal(printed(tsv, "a\xff" "b"), "a\\xffb");
}

/* Whatever a value holds, the field unescapes to exactly those bytes. */
static void
test_tsv_round_trip(void **state)
{
	char v[256], back[1100];
	const char *out;
	int i, j;

	(void)state;
	ut_all_bytes(v);
	out = printed(tsv, v);
	assert_null(strchr(out, '\t'));
	assert_null(strchr(out, '\n'));
	assert_string_equal(tsv_unescape(out, back), v);
	srand(7);
	for (i = 0; i < 2000; i++) {
		for (j = 0; j < 40; j++)
			v[j] = (char)(1 + rand() % 255);
		v[40] = '\0';
		out = printed(tsv, v);
		assert_null(strchr(out, '\t'));
		assert_null(strchr(out, '\n'));
		assert_string_equal(tsv_unescape(out, back), v);
	}
}

static void
test_human_escapes(void **state)
{
	char v[256];
	const char *out;

	(void)state;
	assert_string_equal(printed(human, "alice"), "alice");
	assert_string_equal(printed(human, "a\tb\n"), "a\\x09b\\x0a");
	assert_string_equal(printed(human, "a\\b \"q\""), "a\\\\b \"q\"");
	assert_string_equal(printed(human, "j\xc3\xbcrgen"),
	    "j\\xc3\\xbcrgen");
	ut_all_bytes(v);
	out = printed(human, v);
	assert_no_control(out);
	/* one byte shown, one column: the width is what was printed */
	assert_int_equal(esc_put(NULL, ESC_HUMAN, v), strlen(out));
	assert_int_equal(esc_put(NULL, ESC_HUMAN, "a\tb\\"), strlen("a\\x09b\\\\"));
}

static void
test_visible(void **state)
{
	char buf[VISIBLE_SIZE], longer[200];

	(void)state;
	assert_string_equal(visible("192.0.2.7", buf, sizeof(buf)), "192.0.2.7");
	assert_string_equal(visible("a\nb\tc\\d", buf, sizeof(buf)),
	    "a\\x0ab\\x09c\\\\d");
	assert_string_equal(visible("\xff\x7f", buf, sizeof(buf)), "\\xff\\x7f");
	assert_string_equal(visible(NULL, buf, sizeof(buf)), "(unset)");
	memset(longer, '\n', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	visible(longer, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 64 * 4 + 3);
	assert_string_equal(buf + 64 * 4, "...");
}


/* U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C reorder a line. */
static const char *const bidi[] = {
	"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",
	"\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
	"\xe2\x81\xa9", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c",
};

static void
test_bidi_escaped_everywhere(void **state)
{
	char v[16], back[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		snprintf(v, sizeof(v), "a%sb", bidi[i]);
		assert_no_control(printed(tsv, v));
		assert_no_control(printed(human, v));
		assert_no_control(printed(json, v));
		assert_string_equal(tsv_unescape(printed(tsv, v), back), v);
	}
	assert_string_equal(printed(tsv, "a\xe2\x80\xae" "b"),
	    "a\\xe2\\x80\\xae" "b");
	assert_string_equal(printed(json, "\xe2\x80\xae"), "\"\\u202e\"");
	assert_string_equal(printed(human, "\xd8\x9c"), "\\xd8\\x9c");
	/* its neighbours are text, and pass */
	assert_string_equal(printed(tsv, "\xe2\x80\xa9"), "\xe2\x80\xa9");
	assert_string_equal(printed(tsv, "\xe2\x81\xaa"), "\xe2\x81\xaa");
}

/* A log line and a listing escape by the same rule. */
static void
test_log_and_listing_agree(void **state)
{
	char v[256], buf[VISIBLE_SIZE];

	(void)state;
	ut_all_bytes(v);
	v[64] = '\0';
	assert_string_equal(visible(v, buf, sizeof(buf)), printed(human, v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_json_all_bytes),
		cmocka_unit_test(test_tsv_escapes),
		cmocka_unit_test(test_tsv_round_trip),
		cmocka_unit_test(test_human_escapes),
		cmocka_unit_test(test_bidi_escaped_everywhere),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_log_and_listing_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
