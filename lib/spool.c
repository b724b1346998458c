/* Open the spool, read and write records atomically, judge freshness; see relayctl(8), FILES. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address.h"
#include "config.h"
#include "fmt.h"
#include "key.h"
#include "msg.h"
#include "spool.h"

extern char **environ;

#define OPEN_RECORD (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

static int
fd_from_env(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > INT_MAX ? -1 : (int)v;
}

/* s names an open directory, or -1. */
static int
dir_fd(const char *s)
{
	struct stat st;
	int fd;

	if (s == NULL)
		return -1;
	fd = fd_from_env(s);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return fd;
	return -1;
}

/* The descriptor chdir passed down, if it is one: it may also be stdin. */
int
spool_env_fd(void)
{
	return dir_fd(getenv("RELAY_CTRL_DIR_FD"));
}

/*
 * RELAY_CTRL_DIR_FD first: it was opened by chdir while still root, and is
 * the only way into a 0700 spool.  A value that is not an open directory is
 * left alone and RELAY_CTRL_DIR is tried instead.  Returns a descriptor
 * the caller owns, or -1 with errno (0: no spool is configured, which
 * spool_strerror says).
 */
int
spool_open(char *what, size_t whatsize)
{
	char shown[VISIBLE_SIZE];
	const char *s, *dir;
	int fd;

	s = getenv("RELAY_CTRL_DIR_FD");
	if (s != NULL) {
		fmt_snprintf(what, whatsize, "RELAY_CTRL_DIR_FD=%s",
		    visible(s, shown, sizeof(shown)));
		if ((fd = dir_fd(s)) >= 0)	/* one getenv is enough */
			return fd;
		warn("%s is not an open directory; trying RELAY_CTRL_DIR",
		    what);
	}
	dir = config_get("RELAY_CTRL_DIR");
	if (dir == NULL || *dir == '\0') {
		fmt_snprintf(what, whatsize, "the spool");
		errno = 0;
		return -1;
	}
	/* a value from envdir may hold a newline (its NUL): one log line */
	fmt_snprintf(what, whatsize, "%s (RELAY_CTRL_DIR)",
	    visible(dir, shown, sizeof(shown)));
	/* openat: musl's open() adds an fcntl for O_CLOEXEC on old kernels */
	return openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * For the admin applets (age, status, revoke), which run outside chdir's
 * chain: RELAY_CTRL_DIR itself, by path.  On failure says why and then
 * what happens next (`next`), and returns -1.
 */
int
spool_open_admin(const char **path, const char *next)
{
	char shown[VISIBLE_SIZE];
	const char *conf, *dir = config_get("RELAY_CTRL_DIR");
	int fd;

	*path = dir;
	if (dir == NULL || *dir == '\0') {
		conf = getenv("RELAY_CTRL_CONFIG");
		fatal("RELAY_CTRL_DIR is set neither in the environment nor in "
		    "the config directory %s (RELAY_CTRL_CONFIG); %s",
		    visible(conf != NULL && *conf != '\0' ? conf :
		    CONFIG_DIR_DEFAULT, shown, sizeof(shown)), next);
		return -1;
	}
	fd = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fatal("cannot open spool directory %s (RELAY_CTRL_DIR): "
		    "%s; %s", visible(dir, shown, sizeof(shown)),
		    strerror(errno), next);
	return fd;
}

/*
 * Reads the record called name into buf (at least RECORD_FILE_MAX + 1
 * bytes).  Never follows a symlink (ELOOP), never blocks on a FIFO, never
 * reads what is not a regular file (returns 1).  *len > RECORD_FILE_MAX
 * means the file is larger than any record relayctl writes.
 */
int
spool_read(int dir, const char *name, struct stat *st, char *buf, size_t *len)
{
	ssize_t n;
	int fd, e;

	fd = openat(dir, name, OPEN_RECORD);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return 1;
	}
	do
		n = read(fd, buf, RECORD_FILE_MAX + 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

int
spool_fresh(time_t mtime, time_t now, long expiry, long skew)
{
	return mtime > now - expiry && mtime <= now + skew;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * A repeated login with the same content only needs a new time: no new
 * inode, no journal write.  The name is looked up again afterwards: if age
 * set the record aside meanwhile, the caller rewrites it.  Any doubt (not
 * ours to touch, other content, wrong mode) means "rewrite".  futimens
 * re-dates the inode, not the name: a second link (another address, or a
 * file outside the spool) or a file someone else owns would be re-dated
 * with it, so only a regular file with one link that we own qualifies.
 */
static int
holds(int fd, const char *content, size_t len)
{
	char buf[RECORD_FILE_MAX + 1];
	ssize_t n;

	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	return n >= 0 && (size_t)n == len && memcmp(buf, content, len) == 0;
}

static int
refresh_in_place(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now)
{
	struct timespec times[2] = { *now, *now };
	struct stat st, again;
	int fd, ok = 0;

	fd = openat(dir, name, OPEN_RECORD);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    st.st_uid == geteuid() &&
	    (st.st_mode & 07777) == RECORD_MODE && (size_t)st.st_size == len &&
	    holds(fd, content, len) && futimens(fd, times) == 0 &&
	    fstatat(dir, name, &again, AT_SYMLINK_NOFOLLOW) == 0 &&
	    same_file(&st, &again))
		ok = 1;
	close(fd);
	return ok;
}

static int
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/*
 * KIND PID "." HOST "." into buf (TMP_PREFIX_SIZE bytes); returns its
 * length.  As qmail's maildir names do, the host's name makes the pid
 * unique beyond this host: every byte of it outside [A-Za-z0-9-] is
 * written as '-', so HOST never holds the dot that ends it.
 */
size_t
spool_tmp_prefix(char *buf, size_t size, const char *kind)
{
	char host[TMP_HOST_MAX + 1];
	size_t i;

	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		strcpy(host, "localhost");
	host[TMP_HOST_MAX] = '\0';
	for (i = 0; host[i]; i++)
		if (!host_char(host[i]))
			host[i] = '-';
	return (size_t)fmt_snprintf(buf, size, "%s%ld.%s.", kind,
	    (long)getpid(), host);
}

/*
 * Is name a temporary file of ours: KIND PID "." HOST "." ADDRESS, or the
 * KIND PID "." ADDRESS that relayctl wrote before HOST was added, with a
 * decimal PID and a record's name as ADDRESS?  age removes nothing else
 * that is not a record (relay-ctrl 3.2 writes its records in place, under
 * no temporary name).  An IPv4 name is exactly four numbers and an IPv6
 * name holds no dot, so a HOST is never read as part of an address.
 */
int
spool_tmp_name_ok(const char *name)
{
	const char *p, *host;

	if (strncmp(name, TMP_ALLOW, sizeof(TMP_ALLOW) - 1) == 0)
		p = name + sizeof(TMP_ALLOW) - 1;
	else if (strncmp(name, TMP_AGE, sizeof(TMP_AGE) - 1) == 0)
		p = name + sizeof(TMP_AGE) - 1;
	else
		return 0;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '.')
		return 0;
	if (addr_is_name(p))
		return 1;
	for (host = p; host_char(*p); p++)
		;
	return p > host && p - host <= TMP_HOST_MAX && *p == '.' &&
	    addr_is_name(p + 1);
}

static int
create_tmp(int dir, char *tmp, size_t size, const char *name)
{
	size_t n;
	int fd;

	n = spool_tmp_prefix(tmp, size, TMP_ALLOW);
	fmt_snprintf(tmp + n, size - n, "%.45s", name);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, RECORD_MODE);
	if (fd < 0 && errno == EEXIST) {
		/* left by an earlier process with our pid */
		unlinkat(dir, tmp, 0);
		fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, RECORD_MODE);
	}
	return fd;
}

/*
 * Atomically replaces the record: a temporary file, written, mode fixed
 * whatever the umask, its time set from our clock (not the file server's),
 * closed, renamed over the record.  On failure nothing is left behind,
 * *step names what failed and errno says why.
 */
int
spool_write(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now, const char **step)
{
	struct timespec times[2] = { *now, *now };
	char tmp[TMP_NAME_SIZE];
	int fd, e;

	if (refresh_in_place(dir, name, content, len, now))
		return 0;
	*step = "create a temporary file for";
	fd = create_tmp(dir, tmp, sizeof(tmp), name);
	if (fd < 0)
		return -1;
	if (fchmod(fd, RECORD_MODE) != 0)
		*step = "set the mode of";
	else if (write_all(fd, content, len) != 0)
		*step = "write";
	else if (futimens(fd, times) != 0)
		*step = "set the time of";
	else
		*step = NULL;
	e = errno;
	if (close(fd) != 0 && *step == NULL) {
		*step = "close";
		e = errno;
	}
	if (*step == NULL && renameat(dir, tmp, dir, name) != 0) {
		*step = "rename";
		e = errno;
	}
	if (*step == NULL)
		return 0;
	unlinkat(dir, tmp, 0);
	errno = e;
	return -1;
}

/* What may be exported: at most 255 bytes, no control character. */
int
record_value_ok(const char *v, size_t len)
{
	size_t i;

	if (len > RECORD_VALUE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

size_t
record_encode(const struct record *r, char *buf, size_t size)
{
	size_t n = 0;
	int k;

	if (r->user[0]) {
		k = fmt_snprintf(buf, size, "USER=%s", r->user);
		n = (size_t)k + 1;
	}
	if (r->domain[0] && n < size) {
		k = fmt_snprintf(buf + n, size - n, "DOMAIN=%s", r->domain);
		n += (size_t)k + 1;
	}
	return n <= size ? n : 0;
}

static int
take(const char *entry, size_t len, const char *key, char *dst)
{
	size_t klen = strlen(key);

	if (len < klen || memcmp(entry, key, klen) != 0)
		return 0;
	entry += klen;
	len -= klen;
	if (dst[0] != '\0' || !record_value_ok(entry, len))
		return -1;
	memcpy(dst, entry, len);
	dst[len] = '\0';
	return 1;
}

/*
 * Takes USER and DOMAIN, each once, and nothing else: a record that names
 * LD_PRELOAD or RELAYCLIENT must not reach the SMTP daemon's environment.
 * Bytes after the last NUL are a torn or foreign file and are not read.
 */
void
record_decode(const char *buf, size_t len, struct record *r,
    record_reject_fn *reject, void *ctx)
{
	const char *end = buf + len, *nul;
	size_t elen;
	int got;

	r->user[0] = r->domain[0] = '\0';
	while (buf < end) {
		nul = memchr(buf, '\0', (size_t)(end - buf));
		if (nul == NULL) {
			reject(buf, (size_t)(end - buf),
			    "it does not end in a NUL byte", ctx);
			return;
		}
		elen = (size_t)(nul - buf);
		got = take(buf, elen, "USER=", r->user);
		if (got == 0)
			got = take(buf, elen, "DOMAIN=", r->domain);
		if (got == 0)
			reject(buf, elen, "only USER and DOMAIN are exported",
			    ctx);
		else if (got < 0)
			reject(buf, elen, "the value is repeated, too long or "
			    "holds a control character", ctx);
		buf = nul + 1;
	}
}

/*
 * Before the exec: the next program gets no way into the spool, nor to
 * the secret of send and udp (lib/key.c) unless keep_key.  Both variables
 * go in one pass over the environment, as unsetenv would remove one:
 * check runs this once a connection.
 */
static void
drop_descriptors(int dir, int keep_key)
{
	char **r, **w;
	int fd;

	if (dir >= 0)
		close(dir);
	for (r = w = environ; *r != NULL; r++) {
		if (strncmp(*r, "RELAY_CTRL_", 11) == 0) {
			if (strncmp(*r + 11, "DIR_FD=", 7) == 0)
				continue;
			if (!keep_key && strncmp(*r + 11, "KEY_FD=", 7) == 0) {
				if ((fd = key_fd_of(*r + 18)) >= 0)
					close(fd);
				continue;
			}
		}
		*w++ = *r;
	}
	*w = NULL;
}

void
spool_close(int dir)
{
	drop_descriptors(dir, 0);
}

/* allow, when the next program is send, which signs with the secret. */
void
spool_close_but_key(int dir)
{
	drop_descriptors(dir, 1);
}

const char *
spool_strerror(int e)
{
	return e ? strerror(e) : "RELAY_CTRL_DIR is not set";
}
