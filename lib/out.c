/* The buffered writer of standard output, without stdio; see relayctl(8). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cold.h"
#include "msg.h"
#include "out.h"

static char stdout_buf[OUT_SIZE] COLD;
struct out out_stdout = { 1, 0, 0, 0, sizeof(stdout_buf), stdout_buf };

/* 0, or -1 with errno: the first error, which stays. */
int
out_flush(struct out *o)
{
	if (o->err == 0 && o->len > 0 && write_all(o->fd, o->buf, o->len) != 0)
		o->err = errno ? errno : EIO;
	o->len = 0;
	if (o->err == 0)
		return 0;
	errno = o->err;
	return -1;
}

void
out_put(struct out *o, const void *p, size_t n)
{
	size_t room;

	if (o->tty == 0)
		o->tty = isatty(o->fd) ? 1 : 2;
	while (n > 0 && o->err == 0) {
		room = o->size - o->len;
		if (room > n)
			room = n;
		memcpy(o->buf + o->len, p, room);
		o->len += room;
		p = (const char *)p + room;
		n -= room;
		if (o->len == o->size || (o->tty == 1 &&
		    memchr(o->buf + o->len - room, '\n', room) != NULL))
			out_flush(o);
	}
}

void
out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

void
out_char(struct out *o, char c)
{
	out_put(o, &c, 1);
}
