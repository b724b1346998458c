/* Open the spool, read and write records atomically, judge freshness; see relayctl(8), FILES. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "config.h"
#include "escape.h"
#include "fmt.h"
#include "key.h"
#include "msg.h"
#include "proc.h"
#include "spool.h"

#define OPEN_RECORD (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

/* s names an open directory, or -1. */
static int
dir_fd(const char *s)
{
	struct stat st;
	long fd;

	if (s == NULL)
		return -1;
	if (parse_number(s, &fd) == 0 && fstat((int)fd, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return (int)fd;
	return -1;
}

/* The descriptor chdir passed down, if it is one: it may also be stdin. */
int
spool_env_fd(void)
{
	return dir_fd(config_env(CF_DIR_FD));
}

/*
 * RELAY_CTRL_DIR_FD first: it was opened by chdir while still root, and is
 * the only way into a 0700 spool.  A value that is not an open directory is
 * left alone and RELAY_CTRL_DIR is tried instead.  Returns a descriptor
 * the caller owns, or -1 with errno (0: no spool is configured, which
 * spool_strerror says) and in what the spool's name for a message; on
 * success spool_what gives that name.
 */
int
spool_open(char *what, size_t whatsize)
{
	char shown[VISIBLE_SIZE];
	const char *s, *dir;
	int fd, e;

	s = config_env(CF_DIR_FD);
	if (s != NULL) {
		if ((fd = dir_fd(s)) >= 0)	/* one getenv is enough */
			return fd;
		warn("RELAY_CTRL_DIR_FD=%s is not an open directory; trying "
		    "RELAY_CTRL_DIR", visible(s, shown, sizeof(shown)));
	}
	dir = config_get(CF_DIR);
	if (dir == NULL || *dir == '\0') {
		spool_what(what, whatsize);
		errno = 0;
		return -1;
	}
	/* openat: musl's open() adds an fcntl for O_CLOEXEC on old kernels */
	if ((fd = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		return fd;
	e = errno;
	spool_what(what, whatsize);
	errno = e;
	return -1;
}

/*
 * The spool's name for a message, as spool_open chose it: asked for only
 * when there is something to say, since check pays for every instruction.
 */
void
spool_what(char *what, size_t size)
{
	char shown[VISIBLE_SIZE];
	const char *s = config_env(CF_DIR_FD), *dir;

	dir = config_get(CF_DIR);
	if (s != NULL && dir_fd(s) >= 0)	/* digits only: no escaping */
		fmt_snprintf(what, size, "RELAY_CTRL_DIR_FD=%s", s);
	else if (dir == NULL || *dir == '\0')
		fmt_snprintf(what, size, "the spool");
	else
		fmt_snprintf(what, size, "%s (RELAY_CTRL_DIR)",
		    visible(dir, shown, sizeof(shown)));
}

/*
 * For the admin applets (age, status, revoke), which run outside chdir's
 * chain: RELAY_CTRL_DIR itself, by path, and in *path its name as their
 * messages show it.  On failure says why and then what happens next
 * (`next`), and returns -1.
 */
int
spool_open_admin(const char **path, const char *next)
{
	static char name[VISIBLE_SIZE];
	char shown[VISIBLE_SIZE];
	const char *conf, *dir = config_get(CF_DIR);
	int fd;

	*path = visible(dir, name, sizeof(name));
	if (dir == NULL || *dir == '\0') {
		conf = config_env(CF_CONFIG);
		fatal("RELAY_CTRL_DIR is set neither in the environment nor in "
		    "the config directory %s (RELAY_CTRL_CONFIG); %s",
		    visible(conf != NULL && *conf != '\0' ? conf :
		    CONFIG_DIR_DEFAULT, shown, sizeof(shown)), next);
		return -1;
	}
	fd = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fatal("cannot open spool directory %s (RELAY_CTRL_DIR): "
		    "%s; %s", *path, strerror(errno), next);
	return fd;
}

int
spool_fresh(time_t mtime, time_t now, long expiry, long skew)
{
	return mtime > now - expiry && mtime <= now + skew;
}

/* A malformed value never stops mail: a warning, and the default. */
static long
seconds(enum setting name, long def, long min)
{
	char shown[VISIBLE_SIZE];
	const char *s = config_get(name);
	long v;

	if (s == NULL)
		return def;
	if (parse_number(s, &v) != 0 || v < min) {
		warn("%s=%s is not a %snumber of seconds; using %ld",
		    config_name(name),
		    visible(s, shown, sizeof(shown)), min > 0 ? "positive " : "",
		    def);
		return def;
	}
	return v;
}

/* An expiry of 0 would make every record stale; a skew of 0 is strict. */
void
spool_freshness(long *expiry, long *skew)
{
	*expiry = seconds(CF_EXPIRY, EXPIRY_DEFAULT, 1);
	*skew = seconds(CF_CLOCK_SKEW, CLOCK_SKEW_DEFAULT, 0);
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * The one way a spool entry is opened: looked at first without following
 * a link, opened only if it is a regular file, so that no FIFO, device or
 * socket is ever opened, and then only in a way that can neither block nor
 * follow; the file opened must be the one looked at (looked: *st holds
 * that look already).  Returns a descriptor
 * with its status in *st, or -1 with errno (ENOENT: no entry; ELOOP: a
 * symbolic link), or -2 with its status in *st: not a regular file.
 */
static int
open_entry(int dir, const char *name, struct stat *st, int looked)
{
	struct stat again;
	int fd, e, tries;

	for (tries = 0; tries < 3; tries++, looked = 0) {
		if (!looked && fstatat(dir, name, st, AT_SYMLINK_NOFOLLOW) != 0)
			return -1;
		if (!S_ISREG(st->st_mode))
			return -2;
		if ((fd = openat(dir, name, OPEN_RECORD)) < 0)
			return -1;
		if (fstat(fd, &again) != 0) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		/* a freed inode number may come back as a FIFO at once */
		if (same_file(st, &again) && S_ISREG(again.st_mode)) {
			*st = again;	/* as opened: its time, its links */
			return fd;
		}
		close(fd);	/* renamed over meanwhile: look again */
	}
	errno = EAGAIN;
	return -1;
}

/* One read: a record is written whole, so one read gets all of it. */
static ssize_t
read_entry(int fd, char buf[RECORD_FILE_MAX + 1])
{
	ssize_t n;

	do
		n = read(fd, buf, RECORD_FILE_MAX + 1);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * The time by a system call: musl's time() first looks clock_gettime up in
 * the vDSO, by name among its symbols, which costs check more (1,100
 * instructions and two page faults) than the call it saves.
 */
static time_t
clock_now(void)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts) != 0)
		return (time_t)-1;
	return ts.tv_sec;
}

/* 0, or -1 with errno when the clock cannot be read (f->now is then -1). */
static int
judge(struct lookup *l, struct freshness *f)
{
	time_t t = l->mtime.tv_sec;

	if (f->expiry < 0) {
		if ((f->now = clock_now()) == (time_t)-1)
			return -1;
		spool_freshness(&f->expiry, &f->skew);
	}
	if (spool_fresh(t, f->now, f->expiry, f->skew))
		l->found = REC_FRESH;
	else
		l->found = t > f->now ? REC_FUTURE : REC_STALE;
	return 0;
}

static int
wanted(const struct lookup *l, enum look want)
{
	return want == LOOK_ANY || ((want == LOOK_FRESH || want == LOOK_EXEC) &&
	    l->found == REC_FRESH);
}

static void
unreadable(struct lookup *l, int e)
{
	l->found = REC_UNREADABLE;
	l->err = e;
}

static void
foreign(struct lookup *l, mode_t mode)
{
	l->found = REC_FOREIGN;
	l->mode = mode;
}

/*
 * The one lookup of a record by name (check, policy, status): what is
 * there, how fresh by f (read from the configuration at the first regular
 * file when f->expiry < 0), and, as want asks, what it exports.  Entries
 * that are not exported go to reject.  Nothing is reported here.
 */
void
spool_lookup(int dir, const char *name, struct freshness *f, enum look want,
    struct lookup *l, record_reject_fn *reject, void *ctx)
{
	char buf[RECORD_FILE_MAX + 1];
	struct stat st;
	ssize_t n;
	int fd, e;

	/* not a memset: check pays for every instruction */
	l->mode = 0;
	l->err = 0;
	l->oversize = 0;
	l->rec.user[0] = l->rec.domain[0] = '\0';
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		l->found = errno == ENOENT ? REC_ABSENT : REC_UNREADABLE;
		l->err = errno;
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		foreign(l, st.st_mode);
		return;
	}
	l->mtime = st.st_mtim;
	if (judge(l, f) != 0) {
		unreadable(l, errno);
		return;
	}
	if (!wanted(l, want))
		return;
	if ((fd = open_entry(dir, name, &st, 1)) < 0) {
		e = errno;
		if (fd == -2 || e == ELOOP)
			foreign(l, fd == -2 ? st.st_mode : S_IFLNK);
		else {
			l->found = e == ENOENT ? REC_ABSENT : REC_UNREADABLE;
			l->err = e;
		}
		return;
	}
	if (st.st_mtim.tv_sec != l->mtime.tv_sec) {
		l->mtime = st.st_mtim;
		judge(l, f);
	}
	l->mtime.tv_nsec = st.st_mtim.tv_nsec;
	n = read_entry(fd, buf);
	e = errno;
	if (want != LOOK_EXEC)	/* check leaves it to the exec: a call fewer */
		close(fd);
	if (n < 0) {
		l->found = REC_UNREADABLE;
		l->err = e;
	} else if ((size_t)n > RECORD_FILE_MAX)
		l->oversize = 1;
	else if (wanted(l, want))
		record_decode(buf, (size_t)n, &l->rec, reject, ctx);
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
	ssize_t n = read_entry(fd, buf);

	return n >= 0 && (size_t)n == len && memcmp(buf, content, len) == 0;
}

static int
refresh_in_place(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now)
{
	struct timespec times[2] = { *now, *now };
	struct stat st, again;
	int fd, ok = 0;

	if ((fd = open_entry(dir, name, &st, 0)) < 0)
		return 0;
	if (st.st_nlink == 1 && st.st_uid == geteuid() &&
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
 * closed, renamed over the record (with !replace: linked to its name only
 * where there is no record).  On failure nothing is left behind, *step
 * names what failed and errno says why.
 */
static int
write_record(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now, const char **step, int replace)
{
	struct timespec times[2] = { *now, *now };
	char tmp[TMP_NAME_SIZE];
	int fd, e;

	if (replace && refresh_in_place(dir, name, content, len, now))
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
	if (*step == NULL && replace && renameat(dir, tmp, dir, name) != 0) {
		*step = "rename";
		e = errno;
	}
	if (*step == NULL && !replace) {
		/* a record that is there now is newer than ours: it stays */
		if (linkat(dir, tmp, dir, name, 0) != 0 && errno != EEXIST) {
			*step = "link";
			e = errno;
		}
		unlinkat(dir, tmp, 0);
	}
	if (*step == NULL)
		return 0;
	unlinkat(dir, tmp, 0);
	errno = e;
	return -1;
}

/*
 * The spool's lock.  age removes stale records with one unlink each, as
 * relay-ctrl 3.2 did, but only while it holds an exclusive flock on the
 * spool directory (applets/age.c); a writer holds the shared lock from its
 * look at the record to its rename, so that no record age found stale can
 * turn fresh before age's unlink.  flock belongs to the open file
 * description, and RELAY_CTRL_DIR_FD is one description shared by every
 * process chdir started, so the lock is taken on a new one.  Returns its
 * descriptor, or SPOOL_AGE_BUSY while age holds the lock, or -1 where
 * there is no lock to take (age then sets records aside, as it does
 * wherever locks are not trusted).
 */
int
spool_lock_shared(int dir)
{
	int fd, e;

	fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_SH | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		e = errno;
		close(fd);
		return e == EWOULDBLOCK ? SPOOL_AGE_BUSY : -1;
	}
	return fd;
}

/*
 * After a write made while age held the lock: once age lets go, the record
 * is written again if age removed it meanwhile, and never over a record
 * that is there (another login's, as new as ours or newer).  Blocks.
 */
int
spool_restore(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now)
{
	struct stat st;
	const char *step;
	int fd, r = 0;

	fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_SH) != 0)
		r = -1;
	else if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
	    errno == ENOENT)
		r = write_record(dir, name, content, len, now, &step, 0);
	if (fd >= 0)
		close(fd);
	return r;
}

#define RESTORE_TIMEOUT 600	/* s; an age stopped longer is not waited for */

/* Closes every descriptor but fd: by close_range(2), else one by one. */
static void
keep_only(int fd)
{
	struct rlimit rl;
	rlim_t i, max = 65536;
	unsigned u = (unsigned)fd;

	if ((fd == 0 || syscall(SYS_close_range, 0U, u - 1, 0U) == 0) &&
	    syscall(SYS_close_range, u + 1, ~0U, 0U) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < max)
		max = rl.rlim_cur;
	for (i = 0; i < max; i++)
		if (i != (rlim_t)fd)
			close((int)i);
}

/*
 * The wait for age runs in a process of its own, detached, holding none of
 * the login's descriptors, so that the login goes on at once.
 */
static void
restore_later(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now)
{
	pid_t pid = proc_fork();

	if (pid < 0) {
		warn("cannot start a process to write record for %s again "
		    "after age: %s; if age removed it just now, relaying waits "
		    "for the next login", name, strerror(errno));
		return;
	}
	if (pid > 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return;
	}
	if (proc_fork() != 0)
		_exit(0);
	setsid();
	keep_only(dir);
	signal(SIGALRM, SIG_DFL);
	alarm(RESTORE_TIMEOUT);
	_exit(spool_restore(dir, name, content, len, now) == 0 ? 0 : 1);
}

/*
 * Under the spool's shared lock; while age holds the lock, written anyway,
 * and written again after age if age removed it meanwhile.
 */
int
spool_write(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now, const char **step)
{
	int lock, r;

	lock = spool_lock_shared(dir);
	r = write_record(dir, name, content, len, now, step, 1);
	if (lock >= 0)
		close(lock);
	else if (lock == SPOOL_AGE_BUSY && r == 0)
		restore_later(dir, name, content, len, now);
	return r;
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

/*
 * The end of the entry at buf (its NUL, or end if it has none), found in
 * the pass that also looks for a control character (*plain: none): check
 * decodes a record once a connection, and memchr, then record_value_ok,
 * read each byte twice at several times the cost.
 */
static const char *
entry_end(const char *buf, const char *end, int *plain)
{
	*plain = 1;
	for (; buf < end; buf++)	/* the NUL is a control character too */
		if ((unsigned char)*buf < 0x20 || *buf == 0x7f) {
			if (*buf == '\0')
				break;
			*plain = 0;
		}
	return buf;
}

/* Does the entry of len bytes start with key?  No memcmp call: a few bytes. */
static int
has_key(const char *entry, size_t len, const char *key, size_t klen)
{
	size_t i;

	if (len < klen)
		return 0;
	for (i = 0; i < klen; i++)
		if (entry[i] != key[i])
			return 0;
	return 1;
}

/* As record_value_ok: the key holds no control character. */
static int
take(const char *entry, size_t len, int plain, const char *key, size_t klen,
    char *dst)
{
	if (!has_key(entry, len, key, klen))
		return 0;
	entry += klen;
	len -= klen;
	if (dst[0] != '\0' || !plain || len > RECORD_VALUE_MAX)
		return -1;
	memcpy(dst, entry, len);
	dst[len] = '\0';
	return 1;
}

#define TAKE(entry, len, plain, key, dst) \
	take(entry, len, plain, key, sizeof(key) - 1, dst)

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
	int got, plain;

	r->user[0] = r->domain[0] = '\0';
	while (buf < end) {
		nul = entry_end(buf, end, &plain);
		if (nul == end) {
			reject(buf, (size_t)(end - buf),
			    "it does not end in a NUL byte", ctx);
			return;
		}
		elen = (size_t)(nul - buf);
		got = TAKE(buf, elen, plain, "USER=", r->user);
		if (got == 0)
			got = TAKE(buf, elen, plain, "DOMAIN=", r->domain);
		if (got == 0)
			reject(buf, elen, "only USER and DOMAIN are exported",
			    ctx);
		else if (got < 0)
			reject(buf, elen, "the value is repeated, too long or "
			    "holds a control character", ctx);
		buf = nul + 1;
	}
}

/* What a foreign entry is, for a message: "a FIFO". */
const char *
spool_kind(mode_t mode)
{
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a device or other special file";
}

/* Why a foreign or unreadable record cannot be read, for a message. */
const char *
lookup_why(const struct lookup *l)
{
	static char buf[48];

	if (l->found == REC_UNREADABLE)
		return strerror(l->err);
	fmt_snprintf(buf, sizeof(buf), "it is %s", spool_kind(l->mode));
	return buf;
}

/* The record_reject_fn of check and status: one warning an entry. */
void
record_warn(const char *entry, size_t len, const char *why, void *note)
{
	const struct reject_note *n = note;
	char text[VISIBLE_SIZE];

	warn("record for %s holds \"%s\", which is not exported: %s; %s",
	    n->name, visible_mem(entry, len, text, sizeof(text)), why, n->next);
}

/*
 * Before the exec: the next program gets no way into the spool, nor to
 * the secret of send and udp (lib/key.c) unless keep_key.  Both names are
 * in config.c's snapshot, so that check finds them without a getenv.
 */
static void
drop_descriptors(int dir, int keep_key)
{
	const char *v;
	int fd;

	if (dir >= 0)
		close(dir);
	config_unset(CF_DIR_FD);
	if (keep_key || (v = config_env(CF_KEY_FD)) == NULL)
		return;
	if ((fd = key_fd_of(v)) >= 0)
		close(fd);
	config_unset(CF_KEY_FD);
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
