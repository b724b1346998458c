/* From cron: remove stale records and stale temporary files, never one that a login refreshed meanwhile; see relay-ctrl-age(8). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>		/* renameat */
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/cold.h"
#include "../lib/dir.h"
#include "../lib/escape.h"
#include "../lib/fmt.h"
#include "../lib/msg.h"
#include "../lib/opt.h"
#include "../lib/out.h"
#include "../lib/spool.h"

#define RENAME_NOREPLACE_FLAG 1	/* renameat2(2); musl 1.2.3 has no wrapper */

struct age {
	int dir;
	time_t now;
	long expiry, skew;
	int verbose, dry_run, failed;
	int locked;		/* holds the spool's exclusive lock: plain unlinks */
	unsigned long records, temps;
	char aside[TMP_PREFIX_SIZE];	/* ".age.PID.HOST.", by sweep() */
	size_t asidelen;
};

/* -v and -n, and no operand. */
static int
parse_options(char **argv, struct age *a)
{
	int on[2] = { 0, 0 }, first = opt_flags(argv, "vn", on);

	a->verbose = on[0];
	a->dry_run = on[1];
	return first > 0 && argv[first] == NULL ? 0 : -1;
}

static int
stale(const struct age *a, const struct stat *st)
{
	return S_ISREG(st->st_mode) &&
	    !spool_fresh(st->st_mtime, a->now, a->expiry, a->skew);
}

static void
removed(struct age *a, const char *name, unsigned long *count)
{
	(*count)++;
	if (a->dry_run) {
		esc_put(&out_stdout, ESC_HUMAN, name);
		out_char(&out_stdout, '\n');
	}
}

static void
failed(struct age *a, const char *what, const char *name)
{
	char shown[VISIBLE_SIZE];
	int e = errno;

	warn("cannot %s %s in the spool: %s; it stays until the next run",
	    what, visible(name, shown, sizeof(shown)), strerror(e));
	a->failed = 1;
}

/*
 * A record that turned fresh while set aside goes back under its name, but
 * never over a newer record (EEXIST: one is there, and ours may go).  link
 * can fail where rename cannot (fs.protected_hardlinks when we do not own
 * the record, a full disk or quota for a new entry): then a rename that
 * does not replace either.  Returns 0 when the set-aside name may be
 * removed, 1 when the rename took it, -1 when the record is still set
 * aside: the only copy, which must not be removed.
 */
static int
put_back(struct age *a, const char *aside, const char *name)
{
	char shown[VISIBLE_SIZE];

	if (linkat(a->dir, aside, a->dir, name, 0) == 0 || errno == EEXIST)
		return 0;
	if (syscall(SYS_renameat2, a->dir, aside, a->dir, name,
	    RENAME_NOREPLACE_FLAG) == 0)
		return 1;
	if (errno == EEXIST)
		return 0;
	warn("cannot put back record for %s, refreshed while set aside as "
	    "%s: %s; it stays there, and relaying for %s waits for its next "
	    "login", name, visible(aside, shown, sizeof(shown)),
	    strerror(errno), name);
	a->failed = 1;
	return -1;
}

/*
 * While we hold the spool's exclusive lock no login writes a record
 * (writers take the shared lock, lib/spool.c): a record found stale stays
 * stale until our unlink, one call, as in relay-ctrl 3.2.  Without the
 * lock a login may refresh the record between our look and our unlink, so
 * it is first renamed aside, looked at again, and only then removed; if it
 * turned fresh it goes back (put_back).
 */
static void
remove_record(struct age *a, const char *name)
{
	char aside[TMP_NAME_SIZE];
	struct stat st;

	if (a->locked) {
		if (unlinkat(a->dir, name, 0) == 0)
			removed(a, name, &a->records);
		else if (errno != ENOENT)
			failed(a, "remove", name);
		return;
	}
	fmt_snprintf(aside, sizeof(aside), "%s%.45s", a->aside, name);
	if (renameat(a->dir, name, a->dir, aside) != 0) {
		if (errno != ENOENT)
			failed(a, "set aside", name);
		return;
	}
	if (fstatat(a->dir, aside, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !stale(a, &st)) {
		if (put_back(a, aside, name) != 0)
			return;		/* it stays, set aside */
	} else
		removed(a, name, &a->records);
	/* another age may have taken it for a stale temporary file of its own */
	if (unlinkat(a->dir, aside, 0) != 0 && errno != ENOENT)
		failed(a, "remove", aside);
}

/*
 * readdir may show the names we set aside ourselves: each is gone by the
 * time we see it, and looking would cost a system call per stale record.
 */
static int
is_own_aside(const struct age *a, const char *name)
{
	return a->asidelen > 0 && strncmp(name, a->aside, a->asidelen) == 0;
}

static void
consider(struct age *a, const char *name)
{
	struct stat st;
	int record = addr_is_name(name);

	if (!record && (!spool_tmp_name_ok(name) || is_own_aside(a, name)))
		return;
	if (fstatat(a->dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !stale(a, &st))
		return;
	if (a->dry_run)
		removed(a, name, record ? &a->records : &a->temps);
	else if (record)
		remove_record(a, name);
	else if (unlinkat(a->dir, name, 0) == 0)
		removed(a, name, &a->temps);
	else if (errno != ENOENT)
		failed(a, "remove", name);
}

/*
 * Locks are trusted only where every writer sees them: on a local
 * filesystem.  Over NFS or SMB another host's allow never sees ours (and
 * local_lock=flock keeps flock on one client), so the set-aside stays.
 */
static int
local_fs(int dir)
{
	struct statfs sf;

	if (fstatfs(dir, &sf) != 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case 0xEF53:		/* ext2, ext3, ext4 */
	case 0x58465342:	/* xfs */
	case 0x9123683E:	/* btrfs */
	case 0xF2F52010:	/* f2fs */
	case 0x01021994:	/* tmpfs */
		return 1;
	}
	return 0;
}

/*
 * A writer takes the lock on the directory opened anew for reading: one
 * that may write in the spool but not read it (mode 0733, say) could not,
 * and would write unlocked.
 */
static int
writers_can_lock(int dir)
{
	struct stat st;

	if (fstat(dir, &st) != 0)
		return 0;
	return !((st.st_mode & S_IWOTH) && !(st.st_mode & S_IROTH)) &&
	    !((st.st_mode & S_IWGRP) && !(st.st_mode & S_IRGRP)) &&
	    !((st.st_mode & S_IWUSR) && !(st.st_mode & S_IRUSR));
}

/*
 * allow holds the shared lock for a few system calls only; a spool that
 * stays busy for a second is swept the slower way instead.
 */
static int
lock_spool(int dir)
{
	int tries;

	if (!local_fs(dir) || !writers_can_lock(dir))
		return 0;
	for (tries = 0; tries < 1000; tries++) {
		if (flock(dir, LOCK_EX | LOCK_NB) == 0)
			return 1;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return 0;
		poll(NULL, 0, 1);	/* a millisecond, without nanosleep's code */
	}
	return 0;
}

/* Closes a->dir, which lets go of the lock. */
static int
sweep(struct age *a)
{
	static struct dir dir COLD;
	const struct dirent *d;
	int e;

	/* getpid(2) once, not once per stale record: musl does not cache it */
	a->asidelen = spool_tmp_prefix(a->aside, sizeof(a->aside), TMP_AGE);
	if (!a->dry_run)
		a->locked = lock_spool(a->dir);
	dir_start(&dir, a->dir);
	while ((d = dir_next(&dir)) != NULL)
		if (d->d_type != DT_DIR)	/* ".", ".." */
			consider(a, d->d_name);
	e = errno;
	close(a->dir);
	errno = e;
	return e != 0 ? -1 : 0;
}

static int
report(const struct age *a)
{
	if (a->verbose)
		fmt_out(&out_stdout,
		    "%s %lu stale records and %lu stale temporary files\n",
		    a->dry_run ? "would remove" : "removed", a->records,
		    a->temps);
	if (out_flush(&out_stdout) != 0)
		die_temp("cannot write to standard output: %s",
		    strerror(errno));
	return a->failed ? EXIT_TEMP : 0;
}

int
age_main(int argc, char **argv)
{
	struct age a = { 0 };
	const char *dir;

	(void)argc;
	if (parse_options(argv, &a) != 0)
		die_usage();
	if ((a.dir = spool_open_admin(&dir, "nothing was removed")) < 0)
		return EXIT_TEMP;
	a.now = time(NULL);
	spool_freshness(&a.expiry, &a.skew);
	if (sweep(&a) != 0)
		die_temp("cannot read spool directory %s: %s; stopped early",
		    dir, strerror(errno));
	return report(&a);
}
