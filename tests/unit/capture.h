/* What a lib/out.h writer wrote, for the unit tests: the writer goes to a temporary file, which is read back. */
#ifndef RELAYCTL_CAPTURE_H
#define RELAYCTL_CAPTURE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/out.h"

static char capture_buf[OUT_SIZE];

/* o writes to fd, with a buffer of its own. */
static void
capture_to(struct out *o, int fd)
{
	o->fd = fd;
	o->err = o->tty = 0;
	o->len = 0;
	o->size = sizeof(capture_buf);
	o->buf = capture_buf;
}

static void
capture_start(struct out *o)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	capture_to(o, dup(fileno(f)));
	fclose(f);
	assert_true(o->fd >= 0);
}

/* Flushes o and returns what it wrote (free it), NUL-terminated; closes its file. */
static char *
capture_text(struct out *o)
{
	off_t n;
	char *text;

	out_flush(o);
	n = lseek(o->fd, 0, SEEK_END);
	assert_true(n >= 0);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(pread(o->fd, text, (size_t)n, 0), n);
	text[n] = '\0';
	close(o->fd);
	return text;
}

#endif
