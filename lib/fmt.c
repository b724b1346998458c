/* printf's formatting for what relayctl prints, without musl's printf and its floating point code; see relayctl(8). */
/*
 * What relayctl's formats use, and no more: %s with a precision (%.45s),
 * %d and %u with the lengths l and z.  The compiler checks every format
 * through the attribute in fmt.h; a conversion outside this set is shown
 * as written, and tests/unit/test_fmt.c compares every one that is used
 * with the C library's.  It pays for itself: linking musl's printf
 * instead makes the binary 67,312 bytes rather than 59,120, and every
 * SMTP connection maps it.
 */
#include <stdarg.h>
#include <string.h>

#include "fmt.h"

const char fmt_hex[] = "0123456789abcdef";

/* Where formatted bytes go: a buffer (cut at its size) or a writer. */
struct sink {
	char *buf;
	size_t size;
	struct out *o;
	size_t len;		/* what the whole text takes */
};

static void
put(struct sink *s, const char *p, size_t n)
{
	size_t room;

	if (s->o != NULL)
		out_put(s->o, p, n);
	else if (s->len < s->size) {
		room = s->size - s->len;
		memcpy(s->buf + s->len, p, n < room ? n : room);
	}
	s->len += n;
}

#define DIGITS_SIZE 24	/* 2^64 in decimal and a sign */

/* The one decimal writer: u at p, at least min digits; returns the end. */
char *
fmt_decimal(char *p, unsigned long long u, int min)
{
	char tmp[DIGITS_SIZE];
	int n = 0;

	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0 || n < min);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static void
number(struct sink *s, long long d, unsigned long long u, int sign)
{
	char buf[DIGITS_SIZE], *p = buf;

	if (sign && d < 0) {
		*p++ = '-';
		u = 0ULL - (unsigned long long)d;
	} else if (sign)
		u = (unsigned long long)d;
	p = fmt_decimal(p, u, 1);
	put(s, buf, (size_t)(p - buf));
}

static int
core(struct sink *s, const char *fmt, va_list ap)
{
	const char *str, *pct;
	int prec, lng, size_t_len;
	char c;

	while (*fmt != '\0') {
		if ((pct = strchr(fmt, '%')) == NULL)
			pct = fmt + strlen(fmt);
		put(s, fmt, (size_t)(pct - fmt));
		if (*pct == '\0')
			break;
		fmt = pct + 1;
		prec = -1;
		if (*fmt == '.')
			for (prec = 0, fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		lng = *fmt == 'l' ? (fmt++, 1) : 0;
		size_t_len = *fmt == 'z' ? (fmt++, 1) : 0;
		switch (c = *fmt++) {
		case 's':
			if ((str = va_arg(ap, const char *)) == NULL)
				str = "(null)";
			put(s, str, prec >= 0 ? strnlen(str, (size_t)prec) :
			    strlen(str));
			break;
		case 'd':
			number(s, size_t_len ? (long long)va_arg(ap, size_t) :
			    lng ? va_arg(ap, long) : va_arg(ap, int), 0, 1);
			break;
		case 'u':
			number(s, 0, size_t_len ? va_arg(ap, size_t) :
			    lng ? va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned int), 0);
			break;
		default:	/* not one of ours: shown as written */
			put(s, pct, (size_t)(fmt - pct));
			if (c == '\0')
				return (int)s->len;
			break;
		}
	}
	return (int)s->len;
}

/* As vsnprintf: the length of the whole text; buf holds what fits, and a NUL. */
int
fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size > 0 ? size - 1 : 0, NULL, 0 };
	int n = core(&s, fmt, ap);

	if (size > 0)
		buf[s.len < size - 1 ? s.len : size - 1] = '\0';
	return n;
}

int
fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* As fprintf: a write error stays in o for out_flush(). */
void
fmt_out(struct out *o, const char *fmt, ...)
{
	struct sink s = { NULL, 0, o, 0 };
	va_list ap;

	va_start(ap, fmt);
	core(&s, fmt, ap);
	va_end(ap);
}
