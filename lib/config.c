/* RELAY_CTRL_* settings: the environment first, then one file a variable in the config directory; see relayctl(8). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cold.h"
#include "config.h"

#define PREFIX "RELAY_CTRL_"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

/* Each setting's name; entry_slot knows which share their start. */
#define N(name) { name, sizeof(name) - 1 }
static const struct {
	const char *name;
	size_t len;
} names[CF_SETTINGS] = {
	[CF_RELAYCLIENT] = N("RELAYCLIENT"),
	[CF_PROTO] = N("PROTO"),
	[CF_TCP] = N("TCPREMOTEIP"),
	[CF_TCP6] = N("TCP6REMOTEIP"),
	[CF_SSL] = N("SSLREMOTEIP"),
	[CF_IP] = N("IP"),
	[CF_USER] = N("USER"),
	[CF_DOMAIN] = N("DOMAIN"),
	[CF_DIR_FD] = N("RELAY_CTRL_DIR_FD"),
	[CF_DIR] = N("RELAY_CTRL_DIR"),
	[CF_EXPIRY] = N("RELAY_CTRL_EXPIRY"),
	[CF_CLOCK_SKEW] = N("RELAY_CTRL_CLOCK_SKEW"),
	[CF_CONFIG] = N("RELAY_CTRL_CONFIG"),
	[CF_LOG_IPS] = N("RELAY_CTRL_LOG_IPS"),
	[CF_LOG_ENV] = N("RELAY_CTRL_LOG_ENV"),
	[CF_LOG] = N("RELAY_CTRL_LOG"),
	[CF_LISTEN] = N("RELAY_CTRL_LISTEN"),
	[CF_LEGACY_FROM] = N("RELAY_CTRL_LEGACY_FROM"),
	[CF_RC_RELAYCLIENT] = N("RELAY_CTRL_RELAYCLIENT"),
	[CF_REMOTES] = N("RELAY_CTRL_REMOTES"),
	[CF_KEY_FD] = N("RELAY_CTRL_KEY_FD"),
	[CF_KEYFILE] = N("RELAY_CTRL_KEYFILE"),
	[CF_PORT] = N("RELAY_CTRL_PORT"),
	[CF_TIMEOUT] = N("RELAY_CTRL_TIMEOUT"),
	[CF_TRIES] = N("RELAY_CTRL_TRIES"),
};
#undef N

/*
 * Every name above, found in one pass over the environment
 * (config_snapshot) instead of a getenv each: musl's getenv compares every
 * RELAY_CTRL_ name eleven bytes deep with each of the RELAY_CTRL_
 * variables envdir set, and that was most of what check executed.
 */
static const char *snap[CF_SETTINGS];
static const char *snap_entry[CF_SETTINGS];	/* "NAME=value": no strlen */
static unsigned long snap_dup;	/* names set twice, a bit each */
static int snapped, snap_dir_read;

extern char **environ;

/*
 * What the config directory holds, each name read at most once a process:
 * check runs per connection.  The values live in pool, one after another,
 * so that no malloc (and none of its system calls) is needed.
 */
static const char *file_value[CF_SETTINGS];
static unsigned long file_read;	/* a bit each */
static char pool[CF_SETTINGS * (CONFIG_VALUE_MAX + 1)] COLD;
static size_t pool_used;
static int confdir = -2;	/* -2: not opened yet, -1: none */

const char *
config_name(enum setting k)
{
	return names[k].name;
}

size_t
config_name_len(enum setting k)
{
	return names[k].len;
}

/* Not in config_snapshot: check's snapshot is its first, on zeroed memory. */
static void
forget_snapshot(void)
{
	memset(snap, 0, sizeof(snap));
	memset(snap_entry, 0, sizeof(snap_entry));
	snap_dup = 0;
}

/*
 * Forgets what was read.  Only the unit tests call it, and they must: they
 * run many cases, each with its own settings, in one process, where an
 * applet reads its settings once.
 */
void
config_reset(void)
{
	forget_snapshot();
	file_read = 0;
	pool_used = 0;
	if (confdir >= 0)
		close(confdir);
	confdir = -2;
	snapped = 0;
}

/* The value in entry if it is "name=value", else NULL; stops at its end. */
static inline __attribute__((always_inline)) const char *
value_of(const char *entry, const char *name)
{
	while (*name != '\0' && *entry == *name) {
		entry++;
		name++;
	}
	return *name == '\0' && *entry == '=' ? entry + 1 : NULL;
}

/* Settings first to last, whose names share entry's first `from` bytes. */
static int
match(const char *entry, size_t from, int first, int last,
    const char **value)
{
	int k;

	for (k = first; k <= last; k++)
		if ((*value = value_of(entry + from, names[k].name + from)))
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

/* The setting of a RELAY_CTRL_ entry, or -1: by the letter after the prefix. */
static int
relay_ctrl_slot(const char *e, const char **value)
{
	int first, last;

	switch (e[PREFIX_LEN]) {
	case 'C':
		first = CF_CLOCK_SKEW, last = CF_CONFIG;
		break;
	case 'D':
		first = CF_DIR_FD, last = CF_DIR;
		break;
	case 'E':
		first = last = CF_EXPIRY;
		break;
	case 'K':
		first = CF_KEY_FD, last = CF_KEYFILE;
		break;
	case 'L':
		first = CF_LOG_IPS, last = CF_LEGACY_FROM;
		break;
	case 'P':
		first = last = CF_PORT;
		break;
	case 'R':
		first = CF_RC_RELAYCLIENT, last = CF_REMOTES;
		break;
	case 'T':
		first = CF_TIMEOUT, last = CF_TRIES;
		break;
	default:
		return -1;
	}
	return match(e, PREFIX_LEN, first, last, value);
}

/* The setting of an environment entry, or -1: a few bytes compared for most. */
static int
entry_slot(const char *e, const char **value)
{
	switch (e[0]) {
	case 'P':
		return match(e, 0, CF_PROTO, CF_PROTO, value);
	case 'T':		/* tcpserver sets five more TCP names */
		if (e[1] != 'C' || e[2] != 'P')
			return -1;
		if (e[3] == 'R')
			return match(e, 3, CF_TCP, CF_TCP, value);
		return e[3] == '6' ? match(e, 3, CF_TCP6, CF_TCP6, value) : -1;
	case 'S':
		return match(e, 0, CF_SSL, CF_SSL, value);
	case 'I':
		return match(e, 0, CF_IP, CF_IP, value);
	case 'U':
		return match(e, 0, CF_USER, CF_USER, value);
	case 'D':
		return match(e, 0, CF_DOMAIN, CF_DOMAIN, value);
	case 'R':
		if (relay_ctrl_prefixed(e))
			return relay_ctrl_slot(e, value);
		return match(e, 0, CF_RELAYCLIENT, CF_RELAYCLIENT, value);
	}
	return -1;
}

/*
 * Reads the environment once for every setting; until config_reset,
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

	if (snapped)
		forget_snapshot();
	for (e = environ; *e != NULL; e++) {
		if ((k = entry_slot(*e, &v)) < 0)
			continue;
		if (snap[k] != NULL)
			snap_dup |= 1UL << k;
		else {
			snap[k] = v;
			snap_entry[k] = *e;
		}
	}
	snapped = 1;
	snap_dir_read = snap[CF_DIR] == NULL && snap[CF_DIR_FD] == NULL;
}

/* The entry of environ that sets name, or NULL; as getenv, the first. */
static char **
find_entry(const char *name)
{
	char **e;

	for (e = environ; *e != NULL; e++)
		if (value_of(*e, name) != NULL)
			return e;
	return NULL;
}

/* The environment only: the snapshot if one was taken. */
const char *
config_env(enum setting k)
{
	char **e;

	if (snapped)
		return snap[k];
	e = find_entry(names[k].name);
	return e != NULL ? value_of(*e, names[k].name) : NULL;
}

/* The whole "NAME=value" entry of the environment, or NULL. */
const char *
config_entry(enum setting k)
{
	char **e;

	if (snapped)
		return snap_entry[k];
	e = find_entry(names[k].name);
	return e != NULL ? *e : NULL;
}

/* Takes the entry at e out of environ, keeping the order of the rest. */
static void
take_out(char **e)
{
	for (; *e != NULL; e++)
		e[0] = e[1];
}

/*
 * unsetenv(3) without its malloc and free (musl links its whole allocator
 * for them): every entry of that name goes.  With a snapshot the first is
 * found by its address, without comparing names.  Only before an exec or
 * a config_reset: the snapshot then forgets the name.
 */
void
config_unset(enum setting k)
{
	char **e;

	if (snapped && snap_entry[k] != NULL) {
		for (e = environ; *e != NULL && *e != snap_entry[k]; e++)
			;
		if (*e != NULL)
			take_out(e);
	}
	if (!snapped || snap_dup & 1UL << k)
		while ((e = find_entry(names[k].name)) != NULL)
			take_out(e);
	if (snapped)
		snap[k] = snap_entry[k] = NULL;
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
	return config_env(CF_DIR) == NULL && config_env(CF_DIR_FD) == NULL;
}

static int
open_confdir(void)
{
	const char *dir;

	if (confdir != -2)
		return confdir;
	dir = config_env(CF_CONFIG);
	if (dir == NULL || *dir == '\0')
		dir = CONFIG_DIR_DEFAULT;
	/* openat: musl's open() adds an fcntl for O_CLOEXEC on old kernels */
	confdir = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return confdir;
}

/*
 * envdir(8)'s rules, in its order: the first line, its trailing spaces and
 * tabs cut, then each NUL in it turned into a newline; an empty file
 * unsets (a file holding only a newline sets the empty value).  A file
 * that is not regular (a FIFO, a directory) is ignored rather than read,
 * so that a mistake there cannot hang mail.  The value is read into pool
 * and stays there.
 */
static const char *
first_line(int fd)
{
	char *buf = pool + pool_used;
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
	pool_used += len + 1;
	return buf;
}

static const char *
read_value(int dir, const char *name)
{
	int fd;

	fd = openat(dir, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? NULL : first_line(fd);
}

const char *
config_get(enum setting k)
{
	const char *v;
	int dir;

	v = config_env(k);
	if (v != NULL || !dir_is_read())
		return v;
	if (!(file_read & 1UL << k)) {
		dir = open_confdir();
		file_value[k] = dir >= 0 ? read_value(dir, names[k].name) : NULL;
		file_read |= 1UL << k;
	}
	return file_value[k];
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
