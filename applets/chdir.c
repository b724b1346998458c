/* Open the spool once, while still root, and hand it down as a high descriptor; see relay-ctrl-chdir(8). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../lib/config.h"
#include "../lib/escape.h"
#include "../lib/exec.h"
#include "../lib/fmt.h"
#include "../lib/key.h"
#include "../lib/msg.h"

#define SLOT_CEILING 1024	/* fork copies the table up to the top slot */
#define SLOT_BATCH 64

/* One poll(2) tells which of up to 64 slots are free (POLLNVAL). */
static int
free_slot_in(int lo, int hi)
{
	struct pollfd p[SLOT_BATCH];
	int i, n = hi - lo;

	for (i = 0; i < n; i++) {
		p[i].fd = lo + i;
		p[i].events = 0;
		p[i].revents = 0;
	}
	if (poll(p, (nfds_t)n, 0) < 0)
		return -1;
	for (i = n - 1; i >= 0; i--)
		if (p[i].revents & POLLNVAL)
			return lo + i;
	return -1;
}

/* The highest free slot below min(soft RLIMIT_NOFILE, 1024), or -1. */
static int
highest_free_slot(int above)
{
	struct rlimit rl;
	rlim_t top = SLOT_CEILING;
	int hi, lo, slot;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < top)
		top = rl.rlim_cur;
	for (hi = (int)top; hi > above + 1; hi = lo) {
		lo = hi - SLOT_BATCH > above + 1 ? hi - SLOT_BATCH : above + 1;
		if ((slot = free_slot_in(lo, hi)) >= 0)
			return slot;
	}
	return -1;
}

static int
move_high(int fd)
{
	int slot = highest_free_slot(fd);

	if (slot < 0 || dup2(fd, slot) != slot)
		return fd;
	close(fd);
	return slot;
}

/* Returns the descriptor, or -1 after a warning. */
static int
open_spool(void)
{
	char shown[VISIBLE_SIZE];
	const char *dir = config_get(CF_DIR);
	int fd;

	if (dir == NULL || *dir == '\0') {
		warn("RELAY_CTRL_DIR is not set; the service runs without "
		    "relay control");
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		warn("cannot open spool directory %s: %s; the service runs "
		    "without relay control", visible(dir, shown, sizeof(shown)),
		    strerror(errno));
		return -1;
	}
	return move_high(fd);
}

/*
 * The secret of send and udp, opened while still root: send runs as the
 * mail user, who may not read the file.  Returns the descriptor, or -1
 * (not configured, or after a warning).
 */
static int
open_key(void)
{
	const char *path = config_get(CF_KEYFILE);
	int fd;

	if (path == NULL || *path == '\0')
		return -1;
	fd = key_open(path);
	if (fd < 0) {
		warn("cannot open the secret %.200s (RELAY_CTRL_KEYFILE): %s; "
		    "the service runs without it", path, strerror(errno));
		return -1;
	}
	return move_high(fd);
}

/* "NAME=N" for a descriptor: where chdir tells the next program. */
static size_t
pass_down(struct export *add, size_t n, enum setting k, int fd, char *buf)
{
	char num[16];

	if (fd < 0)
		return n;
	fmt_snprintf(num, sizeof(num), "%d", fd);
	add[n].k = k;
	add[n].entry = export_entry(buf, k, num);
	return n + 1;
}

int
chdir_main(int argc, char **argv)
{
	char **next = chain_args(argv);
	char dir_var[sizeof("RELAY_CTRL_DIR_FD=") + 16];
	char key_var[sizeof("RELAY_CTRL_KEY_FD=") + 16];
	struct export add[2];
	size_t n;
	int dir, key;

	(void)argc;
	if (next[0] == NULL)
		die_usage();
	config_unset(CF_DIR_FD);
	config_unset(CF_KEY_FD);
	/*
	 * Both are opened before either is set: with RELAY_CTRL_DIR_FD in
	 * the environment, config_get reads no config directory (SPEC 3).
	 */
	dir = open_spool();
	key = open_key();
	n = pass_down(add, 0, CF_DIR_FD, dir, dir_var);
	n = pass_down(add, n, CF_KEY_FD, key, key_var);
	xexec_with(next, add, n);
}
