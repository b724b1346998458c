/* One buffered writer for what the admin applets print on standard output, which keeps its first write error; see relayctl(8). */
#ifndef RELAYCTL_OUT_H
#define RELAYCTL_OUT_H

#include <stddef.h>

#define OUT_SIZE 4096

/*
 * After the first write error everything else is dropped, and out_flush()
 * reports it: "status piped into a full disk must not exit 0".  To a
 * terminal each line goes out when it ends, as with stdio.
 */
struct out {
	int fd;
	int err;		/* the first write error, or 0 */
	int tty;		/* 0 unknown, 1 a terminal, 2 not */
	size_t len, size;
	char *buf;		/* size bytes, not in the binary's data */
};

extern struct out out_stdout;	/* fd 1 */

void out_put(struct out *o, const void *p, size_t n);
void out_str(struct out *o, const char *s);
void out_char(struct out *o, char c);
int out_flush(struct out *o);

#endif
