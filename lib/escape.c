/* The escaping of untrusted bytes for people, for TSV and for JSON, under the rules in escape.h; see relayctl-status(8). */
#include <string.h>

#include "escape.h"
#include "fmt.h"

/* Where escaped text goes: a writer, a buffer (cut at its size), or nowhere. */
struct dest {
	struct out *o;
	char *buf;
	size_t size, len;	/* len: what the whole text takes */
};

static void
put(struct dest *o, const void *p, size_t n)
{
	if (o->o != NULL)
		out_put(o->o, p, n);
	else if (o->buf != NULL && o->len < o->size)
		memcpy(o->buf + o->len, p,
		    n < o->size - o->len ? n : o->size - o->len);
	o->len += n;
}

static void
put_hex_byte(struct dest *o, unsigned char c)
{
	char x[4] = { '\\', 'x', fmt_hex[c >> 4], fmt_hex[c & 15] };

	put(o, x, sizeof(x));
}

static void
put_u16(struct dest *o, unsigned long c)
{
	char u[6] = { '\\', 'u', fmt_hex[c >> 12 & 15], fmt_hex[c >> 8 & 15],
	    fmt_hex[c >> 4 & 15], fmt_hex[c & 15] };

	put(o, u, sizeof(u));
}

/* Printable ASCII that every rule passes on as it is. */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
}

static size_t
plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n && plain(s[i]))
		i++;
	return i;
}

/*
 * The length of one well-formed UTF-8 sequence at p and its code point,
 * or 0: overlong forms, surrogates and values past U+10FFFF are not text.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n, unsigned long *cp)
{
	unsigned long c, min;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Control characters and the controls that reorder text on the screen. */
static int
is_control(unsigned long c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x061c ||
	    c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

/*
 * ESC_HUMAN and ESC_TSV: the same but that a terminal's line gets no
 * UTF-8 (every byte past ASCII is one column there) and no "\t" names.
 */
static void
text(struct dest *o, const unsigned char *p, size_t n, int tsv)
{
	unsigned long c = 0;
	size_t len, i;

	while (n > 0) {
		if ((len = plain_run(p, n)) > 0 || *p == '"') {
			len = len ? len : 1;
			put(o, p, len);
		} else if (*p == '\\') {
			len = 1;
			put(o, "\\\\", 2);
		} else if (!tsv || (len = utf8_seq(p, n, &c)) == 0 ||
		    is_control(c)) {
			len = tsv && len ? len : 1;
			for (i = 0; i < len; i++) {
				if (tsv && p[i] == '\t')
					put(o, "\\t", 2);
				else if (tsv && p[i] == '\n')
					put(o, "\\n", 2);
				else if (tsv && p[i] == '\r')
					put(o, "\\r", 2);
				else
					put_hex_byte(o, p[i]);
			}
		} else
			put(o, p, len);
		p += len;
		n -= len;
	}
}

static void
json(struct dest *o, const unsigned char *p, size_t n)
{
	char esc[2] = { '\\', 0 };
	unsigned long c;
	size_t len;

	put(o, "\"", 1);
	while (n > 0) {
		if ((len = plain_run(p, n)) > 0) {
			put(o, p, len);
			p += len;
			n -= len;
			continue;
		}
		if ((len = utf8_seq(p, n, &c)) == 0) {
			len = 1;
			c = 0xfffd;
		}
		esc[1] = c == '"' || c == '\\' ? (char)c : c == '\n' ? 'n' :
		    c == '\t' ? 't' : c == '\r' ? 'r' : 0;
		if (esc[1] != 0)
			put(o, esc, 2);
		else if (c < 0x10000)
			put_u16(o, c);
		else {
			put_u16(o, 0xd800 + ((c - 0x10000) >> 10));
			put_u16(o, 0xdc00 + ((c - 0x10000) & 0x3ff));
		}
		p += len;
		n -= len;
	}
	put(o, "\"", 1);
}

static void
escape(struct dest *o, enum esc_rule rule, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (rule == ESC_JSON)
		json(o, p, n);
	else
		text(o, p, n, rule == ESC_TSV);
}

/*
 * Writes s to out by the rule, and returns how many bytes that takes,
 * which under ESC_HUMAN is its width on a terminal; out NULL only
 * measures.  A write error stays in out for out_flush().
 */
size_t
esc_put(struct out *out, enum esc_rule rule, const char *s)
{
	struct dest o = { out, NULL, 0, 0 };

	escape(&o, rule, s, strlen(s));
	return o.len;
}

/* len bytes at s, for a log line. */
const char *
visible_mem(const char *s, size_t n, char *buf, size_t size)
{
	struct dest o = { NULL, buf, size > 0 ? size - 1 : 0, 0 };

	escape(&o, ESC_HUMAN, s, n > 64 ? 64 : n);
	if (n > 64)
		put(&o, "...", 3);
	if (size > 0)
		buf[o.len < o.size ? o.len : o.size] = '\0';
	return buf;
}

/* Text from the network, the environment or a record, for a log line. */
const char *
visible(const char *s, char *buf, size_t size)
{
	if (s == NULL)
		s = "(unset)";
	return visible_mem(s, strnlen(s, 65), buf, size);
}
