/* For admins: withdraw relaying from addresses at once by removing their records; see relayctl-revoke(8). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/escape.h"
#include "../lib/msg.h"
#include "../lib/opt.h"
#include "../lib/out.h"
#include "../lib/spool.h"

struct revoke {
	int dir;
	const char *dirname;
	int verbose;
	int bad_addr;		/* an argument is no address: exit 100 */
	int failed;		/* a record stays: exit 111 */
};

static int
parse_options(char **argv, struct revoke *rv)
{
	return opt_flags(argv, "v", &rv->verbose);
}

/* Keeps errno for the caller's message. */
static int
is_directory(const struct revoke *rv, const char *name)
{
	struct stat st;
	int e = errno, dir;

	dir = fstatat(rv->dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
	errno = e;
	return dir;
}

/*
 * By name, with one unlinkat: it never follows a symbolic link, so a link
 * or FIFO that someone left under an address's name goes too, and whatever
 * it points at stays.  A concurrent allow either loses its old record here
 * or renames its new one in afterwards: that is a login after the revoke,
 * and relaying rightly opens again.  A directory is not ours to empty.
 */
static void
revoke_one(struct revoke *rv, const char *arg)
{
	char name[ADDR_NAME_SIZE], shown[VISIBLE_SIZE];
	const char *why;

	if ((why = addr_canon(arg, name)) != NULL) {
		warn("%s is not an address: %s; nothing is removed for it",
		    visible(arg, shown, sizeof(shown)), why);
		rv->bad_addr = 1;
		return;
	}
	if (unlinkat(rv->dir, name, 0) == 0) {
		if (rv->verbose) {
			out_str(&out_stdout, "removed ");
			esc_put(&out_stdout, ESC_HUMAN, name);
			out_char(&out_stdout, '\n');
		}
		return;
	}
	if (errno == ENOENT)
		return;
	if (is_directory(rv, name)) {
		warn("%s in %s is a directory, not a record, so it never "
		    "relays; it is left alone", name, rv->dirname);
		return;
	}
	warn("cannot remove record %s from %s: %s; it may still relay", name,
	    rv->dirname, strerror(errno));
	rv->failed = 1;
}

/* A record that stays (111) outranks a mistyped address (100). */
static int
finish(const struct revoke *rv)
{
	if (out_flush(&out_stdout) != 0) {
		fatal("cannot write to standard output: %s; the removals took "
		    "place all the same", strerror(errno));
		return EXIT_TEMP;
	}
	if (rv->failed)
		return EXIT_TEMP;
	return rv->bad_addr ? EXIT_USAGE : 0;
}

int
revoke_main(int argc, char **argv)
{
	struct revoke rv = { -1, NULL, 0, 0, 0 };
	int i, first;

	if ((first = parse_options(argv, &rv)) < 0 || first >= argc)
		die_usage();
	if ((rv.dir = spool_open_admin(&rv.dirname, "nothing was removed")) < 0)
		return EXIT_TEMP;
	for (i = first; i < argc; i++)
		revoke_one(&rv, argv[i]);
	close(rv.dir);
	return finish(&rv);
}
