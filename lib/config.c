/* RELAY_CTRL_* settings: the environment first, then one file a variable in the config directory; see relayctl(8). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define CACHE_SLOTS 12
#define PREFIX "RELAY_CTRL_"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

/*
 * check's names (and the secret's descriptor, which check closes), found
 * in one pass over the environment (config_snapshot) instead of a getenv
 * each: musl's getenv compares every RELAY_CTRL_ name eleven bytes deep
 * with each of the RELAY_CTRL_ variables envdir set, and that was most of
 * what check executed.  Then the client's address, and what check
 * replaces.  In the order check looks them up, which find_slot scans;
 * names that entry_slot tells apart only after their common start (DIR
 * and DIR_FD, CLOCK_SKEW and CONFIG, the LOG names) are neighbours.
 */
enum {
	S_RELAYCLIENT, S_PROTO, S_TCP, S_DIR_FD, S_DIR, S_EXPIRY,
	S_CLOCK_SKEW, S_CONFIG, S_LOG_IPS, S_LOG_ENV, S_LOG, S_RC_RELAYCLIENT,
	S_USER, S_DOMAIN, S_KEY_FD, S_TCP6, S_SSL, S_IP, SNAP_SLOTS
};
static const char *const snap_names[SNAP_SLOTS] = {
	"RELAYCLIENT", "PROTO", "TCPREMOTEIP", "RELAY_CTRL_DIR_FD",
	"RELAY_CTRL_DIR", "RELAY_CTRL_EXPIRY", "RELAY_CTRL_CLOCK_SKEW",
	"RELAY_CTRL_CONFIG", "RELAY_CTRL_LOG_IPS", "RELAY_CTRL_LOG_ENV",
	"RELAY_CTRL_LOG", "RELAY_CTRL_RELAYCLIENT", "USER", "DOMAIN",
	"RELAY_CTRL_KEY_FD", "TCP6REMOTEIP", "SSLREMOTEIP", "IP",
};
static const char *snap[SNAP_SLOTS];
static const char *snap_entry[SNAP_SLOTS];	/* "NAME=value": no strlen */
static unsigned snap_dup;	/* slots whose name is set twice */
static int snapped, snap_dir_read;

extern char **environ;

/* One value per name is read at most once a process: check runs per connection. */
static struct {
	const char *name;
	char *value;		/* NULL: not set */
} cache[CACHE_SLOTS];
static int ncache;
static int confdir = -2;	/* -2: not opened yet, -1: none */

/*
 * Forgets what was read.  Only the unit tests call it, and they must: they
 * run many cases, each with its own settings, in one process, where an
 * applet reads its settings once.
 */
void
config_reset(void)
{
	int i;

	for (i = 0; i < ncache; i++)
		free(cache[i].value);
	ncache = 0;
	if (confdir >= 0)
		close(confdir);
	confdir = -2;
	snapped = 0;
}

/* The value in entry if it is "name=value", else NULL; stops at its end. */
static const char *
value_of(const char *entry, const char *name)
{
	while (*name != '\0' && *entry == *name) {
		entry++;
		name++;
	}
	return *name == '\0' && *entry == '=' ? entry + 1 : NULL;
}

/* Slots first to last, whose names share entry's first `from` bytes. */
static int
match(const char *entry, size_t from, int first, int last,
    const char **value)
{
	int k;

	for (k = first; k <= last; k++)
		if ((*value = value_of(entry + from, snap_names[k] + from)))
			return k;
	return -1;
}

/*
 * Does e, which starts with 'R', start with RELAY_CTRL_?  Spelt out: the
 * compiler makes each byte one compare, where a loop over PREFIX cost
 * check seventy instructions for each of envdir's RELAY_CTRL_ variables;
 * && stops at the first byte that differs, so none past a NUL is read.
 */
static int
relay_ctrl_prefixed(const char *e)
{
	return e[1] == 'E' && e[2] == 'L' && e[3] == 'A' && e[4] == 'Y' &&
	    e[5] == '_' && e[6] == 'C' && e[7] == 'T' && e[8] == 'R' &&
	    e[9] == 'L' && e[10] == '_';
}

/* The slot of an environment entry, or -1: a few bytes compared for most. */
static int
entry_slot(const char *e, const char **value)
{
	switch (e[0]) {
	case 'P':
		return match(e, 0, S_PROTO, S_PROTO, value);
	case 'T':		/* tcpserver sets five more TCP names */
		if (e[1] != 'C' || e[2] != 'P')
			return -1;
		if (e[3] == 'R')
			return match(e, 3, S_TCP, S_TCP, value);
		return e[3] == '6' ? match(e, 3, S_TCP6, S_TCP6, value) : -1;
	case 'S':
		return match(e, 0, S_SSL, S_SSL, value);
	case 'I':
		return match(e, 0, S_IP, S_IP, value);
	case 'U':
		return match(e, 0, S_USER, S_USER, value);
	case 'D':
		return match(e, 0, S_DOMAIN, S_DOMAIN, value);
	case 'R':
		break;
	default:
		return -1;
	}
	if (!relay_ctrl_prefixed(e))
		return match(e, 0, S_RELAYCLIENT, S_RELAYCLIENT, value);
	switch (e[PREFIX_LEN]) {
	case 'C':
		return match(e, PREFIX_LEN, S_CLOCK_SKEW, S_CONFIG, value);
	case 'D':
		return match(e, PREFIX_LEN, S_DIR_FD, S_DIR, value);
	case 'E':
		return match(e, PREFIX_LEN, S_EXPIRY, S_EXPIRY, value);
	case 'K':
		return match(e, PREFIX_LEN, S_KEY_FD, S_KEY_FD, value);
	case 'L':
		return match(e, PREFIX_LEN, S_LOG_IPS, S_LOG, value);
	case 'R':
		return match(e, PREFIX_LEN, S_RC_RELAYCLIENT, S_RC_RELAYCLIENT,
		    value);
	}
	return -1;
}

/*
 * Callers pass the names above as literals, which the linker merges: their
 * address finds the slot, in a scan as short as a switch on their letters
 * and a fifth of its size; any other string is compared.
 */
static int
find_slot(const char *name)
{
	int k;

	for (k = 0; k < SNAP_SLOTS; k++)
		if (snap_names[k] == name)
			return k;
	for (k = 0; k < SNAP_SLOTS; k++)
		if (strcmp(snap_names[k], name) == 0)
			return k;
	return -1;
}

/*
 * Reads the environment once for every name above; until config_reset,
 * config_env and config_get answer from what it found, so that a process
 * that changes its environment afterwards (or a unit test) must call
 * config_reset first.  Like getenv, the first of two equal names wins.
 */
void
config_snapshot(void)
{
	const char *v;
	char **e;
	int k;

	memset(snap, 0, sizeof(snap));
	memset(snap_entry, 0, sizeof(snap_entry));
	snap_dup = 0;
	for (e = environ; *e != NULL; e++) {
		if ((k = entry_slot(*e, &v)) < 0)
			continue;
		if (snap[k] != NULL)
			snap_dup |= 1U << k;
		else {
			snap[k] = v;
			snap_entry[k] = *e;
		}
	}
	snapped = 1;
	snap_dir_read = snap[S_DIR] == NULL && snap[S_DIR_FD] == NULL;
}

/* The environment only: the snapshot if one was taken, else getenv. */
const char *
config_env(const char *name)
{
	int k;

	if (!snapped || (k = find_slot(name)) < 0)
		return getenv(name);
	return snap[k];
}

/* The whole "NAME=value" entry of the environment, or NULL. */
const char *
config_entry(const char *name)
{
	const char *v;
	int k;

	if (snapped && (k = find_slot(name)) >= 0)
		return snap_entry[k];
	v = getenv(name);
	return v != NULL ? v - strlen(name) - 1 : NULL;
}

/*
 * unsetenv(3) for a name of the snapshot, without comparing it with every
 * variable: the entry is found by its address.  Only before an exec: a
 * string that setenv allocated is not freed.
 */
void
config_unset(const char *name)
{
	const char *entry;
	char **e;
	int k;

	if (!snapped || (k = find_slot(name)) < 0) {
		unsetenv(name);
		return;
	}
	if (snap[k] == NULL)
		return;
	entry = snap_entry[k];
	for (e = environ; *e != NULL && *e != entry; e++)
		;
	for (; *e != NULL; e++)
		e[0] = e[1];
	snap[k] = snap_entry[k] = NULL;
	if (snap_dup & 1U << k)		/* a second entry of that name */
		unsetenv(name);
}

/*
 * SPEC §3: where envdir or chdir ran (RELAY_CTRL_DIR or RELAY_CTRL_DIR_FD
 * in the environment) the environment is the whole configuration, and
 * check, once per SMTP connection, opens no file for it.
 */
static int
dir_is_read(void)
{
	if (snapped)
		return snap_dir_read;
	return getenv("RELAY_CTRL_DIR") == NULL &&
	    getenv("RELAY_CTRL_DIR_FD") == NULL;
}

static int
open_confdir(void)
{
	const char *dir;

	if (confdir != -2)
		return confdir;
	if (!dir_is_read()) {
		confdir = -1;
		return confdir;
	}
	dir = config_env("RELAY_CTRL_CONFIG");
	if (dir == NULL || *dir == '\0')
		dir = CONFIG_DIR_DEFAULT;
	/* openat: musl's open() adds an fcntl for O_CLOEXEC on old kernels */
	confdir = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return confdir;
}

/*
 * envdir(8)'s rules, in its order: the first line, its trailing spaces and
 * tabs cut, then each NUL in it turned into a newline; an empty file
 * unsets (a file holding only a newline sets the empty value).  A file that is not regular (a FIFO, a directory)
 * is ignored rather than read, so that a mistake there cannot hang mail.
 * Not inlined into read_value: its 4 KiB buffer would then sit in the
 * frame of every lookup, most of which find no file, and a frame that deep
 * costs check a stack page fault per connection.
 */
static __attribute__((noinline)) char *
first_line(int fd)
{
	char buf[CONFIG_VALUE_MAX + 1];
	struct stat st;
	ssize_t n;
	size_t len;
	char *p;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	do
		n = read(fd, buf, CONFIG_VALUE_MAX);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return NULL;
	for (len = 0; len < (size_t)n && buf[len] != '\n';)
		len++;
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	for (p = buf; (p = memchr(p, '\0', len - (size_t)(p - buf))) != NULL;)
		*p++ = '\n';
	return strdup(buf);
}

static char *
read_value(int dir, const char *name)
{
	int fd;

	fd = openat(dir, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? NULL : first_line(fd);
}

const char *
config_get(const char *name)
{
	const char *v;
	int i, dir;

	v = config_env(name);
	if (v != NULL || !dir_is_read())
		return v;
	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].value;
	dir = open_confdir();
	v = dir >= 0 ? read_value(dir, name) : NULL;
	if (ncache < CACHE_SLOTS) {
		cache[ncache].name = name;
		cache[ncache].value = (char *)v;
		ncache++;
	}
	return v;
}

/*
 * The one number parser: a whole decimal number, no sign, no unit, no
 * blank, at most INT_MAX (a descriptor; seconds, where more would overflow
 * the freshness arithmetic).  0, or -1 for anything else.
 */
int
parse_number(const char *s, long *out)
{
	long long v = 0;	/* <= INT_MAX before a digit: no overflow */

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		/* no division: check reads two numbers a connection */
		if ((v = v * 10 + (*s - '0')) > INT_MAX)
			return -1;
	}
	*out = (long)v;
	return 0;
}
