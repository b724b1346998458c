/* The shared secret: opened as root by chdir, passed down as RELAY_CTRL_KEY_FD, never an environment value; see relay-ctrl-udp(8). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "key.h"

/* A descriptor number s names, if it is an open regular file above 2. */
int
key_fd_of(const char *s)
{
	struct stat st;
	long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v <= 2 || v > INT_MAX || fstat((int)v, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return -1;
	return (int)v;
}

/* The descriptor chdir passed down, if it is one. */
int
key_env_fd(void)
{
	return key_fd_of(config_env(CF_KEY_FD));
}

/*
 * Never blocks on a FIFO someone put in the secret's place.  Not
 * close-on-exec: chdir passes it down.
 */
int
key_open(const char *path)
{
	return openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
}

/*
 * The file's bytes, one trailing newline cut.  pread from offset 0: the
 * descriptor is shared by every process that inherited it, and a read
 * would move their common offset.  NULL, or why the file is refused.
 */
const char *
key_read(int fd, struct key *k)
{
	unsigned char buf[KEY_MAX + 2];	/* the most, its newline, one more */
	struct stat st;
	ssize_t n;

	k->len = 0;
	if (fstat(fd, &st) != 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "it is not a regular file";
	if (st.st_mode & 077)
		return "its group or others may read or write it (chmod 600)";
	do
		n = pread(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return strerror(errno);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > KEY_MAX) {
		memset(buf, 0, sizeof(buf));
		return "it is longer than 1024 bytes";
	}
	if (n < KEY_MIN) {
		memset(buf, 0, sizeof(buf));
		return "it holds fewer than 16 bytes";
	}
	memcpy(k->bytes, buf, (size_t)n);
	k->len = (size_t)n;
	memset(buf, 0, sizeof(buf));
	return NULL;
}

/*
 * udp, once it has read the secret: the descriptor closed, the variable
 * gone.  Before an exec, spool_close does this for the other applets.
 */
void
key_close(void)
{
	int fd;

	if (config_env(CF_KEY_FD) == NULL)
		return;
	if ((fd = key_env_fd()) >= 0)
		close(fd);
	config_unset(CF_KEY_FD);
}

void
key_forget(struct key *k)
{
	volatile unsigned char *p = k->bytes;
	size_t i;

	for (i = 0; i < sizeof(k->bytes); i++)
		p[i] = 0;
	k->len = 0;
}
