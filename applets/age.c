/* From cron: remove stale records and stale temporary files, never one that a login refreshed meanwhile; see relay-ctrl-age(8). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/config.h"
#include "../lib/fmt.h"
#include "../lib/msg.h"
#include "../lib/spool.h"

struct age {
	int dir;
	time_t now;
	long expiry, skew;
	int verbose, dry_run, failed;
	unsigned long records, temps;
	char aside[TMP_PREFIX_SIZE];	/* ".age.PID.HOST.", by sweep() */
	size_t asidelen;
};

static int
parse_options(char **argv, struct age *a)
{
	int i;
	const char *p;

	for (i = 1; argv[i] && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0)
			return argv[i + 1] == NULL ? 0 : -1;
		for (p = argv[i] + 1; *p; p++) {
			if (*p == 'v')
				a->verbose = 1;
			else if (*p == 'n')
				a->dry_run = 1;
			else
				return -1;
		}
		if (p == argv[i] + 1)
			return -1;
	}
	return argv[i] == NULL ? 0 : -1;
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
	if (a->dry_run)
		fmt_fprintf(stdout, "%s\n", name);
}

static void
failed(struct age *a, const char *what, const char *name)
{
	warn("cannot %s %s in the spool: %s; it stays until the next run",
	    what, name, strerror(errno));
	a->failed = 1;
}

/*
 * A login may refresh the record between our look and our unlink.  So the
 * record is first renamed aside, looked at again, and only then removed;
 * if it turned fresh it goes back by link(2), which never replaces a newer
 * record that a login wrote meanwhile.
 */
static void
remove_record(struct age *a, const char *name)
{
	char aside[TMP_NAME_SIZE];
	struct stat st;

	fmt_snprintf(aside, sizeof(aside), "%s%.45s", a->aside, name);
	if (renameat(a->dir, name, a->dir, aside) != 0) {
		if (errno != ENOENT)
			failed(a, "set aside", name);
		return;
	}
	if (fstatat(a->dir, aside, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !stale(a, &st)) {
		if (linkat(a->dir, aside, a->dir, name, 0) != 0 &&
		    errno != EEXIST)
			failed(a, "put back", name);
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

static int
sweep(struct age *a)
{
	struct dirent *d;
	DIR *dp;

	/* getpid(2) once, not once per stale record: musl does not cache it */
	a->asidelen = spool_tmp_prefix(a->aside, sizeof(a->aside), TMP_AGE);
	if ((dp = fdopendir(a->dir)) == NULL)
		return -1;
	errno = 0;
	while ((d = readdir(dp)) != NULL) {
		consider(a, d->d_name);
		errno = 0;
	}
	if (errno != 0)
		return -1;
	closedir(dp);
	return 0;
}

static int
report(const struct age *a)
{
	if (a->verbose)
		fmt_fprintf(stdout,
		    "%s %lu stale records and %lu stale temporary files\n",
		    a->dry_run ? "would remove" : "removed", a->records,
		    a->temps);
	if (fflush(stdout) != 0 || ferror(stdout))
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
	config_freshness(&a.expiry, &a.skew);
	if (sweep(&a) != 0)
		die_temp("cannot read spool directory %s: %s; stopped early",
		    dir, strerror(errno));
	return report(&a);
}
