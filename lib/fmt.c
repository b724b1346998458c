/* printf's formatting for what relayctl prints, without musl's printf and its floating point code; see relayctl(8). */
/*
 * %s %c %d %i %u %x %%, the flags - and 0, a width, a precision, and the
 * lengths l, ll and z: what relayctl's formats use (the compiler checks
 * each through the format attribute in fmt.h).  musl's printf brought a
 * sixth of the binary along, mapped by every SMTP connection.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

/* Where formatted bytes go: a buffer (cut at its size) or a stream. */
struct sink {
	char *buf;
	size_t size;
	FILE *f;
	size_t len;		/* what the whole text takes */
	int err;
};

static void
put(struct sink *s, const char *p, size_t n)
{
	size_t room;

	if (s->f != NULL) {
		if (n > 0 && fwrite(p, 1, n, s->f) != n)
			s->err = 1;
	} else if (s->len < s->size) {
		room = s->size - s->len;
		memcpy(s->buf + s->len, p, n < room ? n : room);
	}
	s->len += n;
}

static void
pad(struct sink *s, char c, size_t n)
{
	while (n-- > 0)
		put(s, &c, 1);
}

/* One field: its text, padded to width on the left or, with '-', the right. */
static void
field(struct sink *s, const char *p, size_t n, size_t width, int left,
    char fill)
{
	if (!left && width > n)
		pad(s, fill, width - n);
	put(s, p, n);
	if (left && width > n)
		pad(s, ' ', width - n);
}

const char fmt_hex[] = "0123456789abcdef";

#define DIGITS_SIZE 24	/* 2^64 in decimal and a sign */

/* Digits of v in base 10 or 16, sign in front, at the end of buf: their start. */
static size_t
digits(char buf[DIGITS_SIZE], unsigned long long v, unsigned base, int neg)
{
	size_t i = DIGITS_SIZE;

	do
		buf[--i] = fmt_hex[v % base];
	while ((v /= base) != 0);
	if (neg)
		buf[--i] = '-';
	return i;
}

static void
number(struct sink *s, unsigned long long v, unsigned base, int neg,
    size_t width, int left, int zero)
{
	char buf[DIGITS_SIZE];
	size_t i = digits(buf, v, base, neg), n = DIGITS_SIZE - i;

	if (zero && !left && neg && width > n) {
		put(s, "-", 1);
		pad(s, '0', width - n);
		put(s, buf + i + 1, n - 1);
		return;
	}
	field(s, buf + i, n, width, left, zero ? '0' : ' ');
}

static int
core(struct sink *s, const char *fmt, va_list ap)
{
	unsigned long long u;
	long long d;
	const char *str, *pct;
	size_t width, n;
	int left, zero, prec, lng, size_t_len;
	char c;

	while (*fmt != '\0') {
		if ((pct = strchr(fmt, '%')) == NULL)
			pct = fmt + strlen(fmt);
		put(s, fmt, (size_t)(pct - fmt));
		if (*pct == '\0')
			break;
		fmt = pct + 1;
		left = zero = lng = size_t_len = 0;
		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = 1;
			else
				zero = 1;
		}
		width = 0;
		if (*fmt == '*') {
			d = va_arg(ap, int);
			if (d < 0) {
				left = 1;
				d = -d;
			}
			width = (size_t)d;
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (size_t)(*fmt - '0');
		prec = -1;
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l'; fmt++)
			lng++;
		if (*fmt == 'z') {
			size_t_len = 1;
			fmt++;
		}
		switch (c = *fmt++) {
		case 's':
			if ((str = va_arg(ap, const char *)) == NULL)
				str = "(null)";
			n = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
			field(s, str, n, width, left, ' ');
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			field(s, &c, 1, width, left, ' ');
			break;
		case 'd':
		case 'i':
			d = size_t_len ? (long long)va_arg(ap, size_t) :
			    lng > 1 ? va_arg(ap, long long) :
			    lng ? va_arg(ap, long) : va_arg(ap, int);
			u = d < 0 ? 0ULL - (unsigned long long)d :
			    (unsigned long long)d;
			number(s, u, 10, d < 0, width, left, zero);
			break;
		case 'u':
		case 'x':
			u = size_t_len ? va_arg(ap, size_t) :
			    lng > 1 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned int);
			number(s, u, c == 'x' ? 16 : 10, 0, width, left, zero);
			break;
		case '%':
			put(s, "%", 1);
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
	struct sink s = { buf, size > 0 ? size - 1 : 0, NULL, 0, 0 };
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

/* As fprintf: the length written, or -1 when the stream failed. */
int
fmt_fprintf(FILE *f, const char *fmt, ...)
{
	struct sink s = { NULL, 0, f, 0, 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = core(&s, fmt, ap);
	va_end(ap);
	return s.err ? -1 : n;
}
