/* Reading a directory by getdents64, for age, status and send; see relayctl(8). */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dir.h"

/* From the start of what fd has not yet read; the descriptor stays the caller's. */
void
dir_start(struct dir *d, int fd)
{
	d->fd = fd;
	d->n = d->off = 0;
}

/* The next entry; NULL with errno 0 at the end, or with errno set on an error. */
const struct dirent *
dir_next(struct dir *d)
{
	const struct dirent *e;

	while (d->off >= d->n) {
		d->off = 0;
		d->n = syscall(SYS_getdents64, d->fd, d->buf, sizeof(d->buf));
		if (d->n < 0 && errno == EINTR)
			continue;
		if (d->n <= 0) {
			if (d->n == 0)
				errno = 0;
			d->n = 0;
			return NULL;
		}
	}
	e = (const struct dirent *)(d->buf + d->off);
	d->off += e->d_reclen;
	return e;
}
