/* RELAY_CTRL_* settings: the environment first, then one file a variable in the config directory; see relayctl(8). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "msg.h"

#define CACHE_SLOTS 12
#define PREFIX "RELAY_CTRL_"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

/*
 * check's names, found in one pass over the environment (config_snapshot)
 * instead of a getenv each: musl's getenv compares every RELAY_CTRL_ name
 * eleven bytes deep with each of the RELAY_CTRL_ variables envdir set, and
 * that was most of what check executed.  Then the client's address.
 */
static const char *const snap_names[] = {
	"RELAYCLIENT", "RELAY_CTRL_CLOCK_SKEW", "RELAY_CTRL_CONFIG",
	"RELAY_CTRL_DIR", "RELAY_CTRL_DIR_FD", "RELAY_CTRL_EXPIRY",
	"RELAY_CTRL_LOG", "RELAY_CTRL_LOG_ENV", "RELAY_CTRL_LOG_IPS",
	"RELAY_CTRL_RELAYCLIENT", "PROTO", "TCPREMOTEIP", "TCP6REMOTEIP",
	"SSLREMOTEIP", "IP",
};
#define SNAP_SLOTS (sizeof(snap_names) / sizeof(snap_names[0]))
static const unsigned char snap_len[SNAP_SLOTS] = {
	11, 21, 17, 14, 17, 17, 14, 18, 18, 22, 5, 11, 12, 11, 2
};
#define SNAP_NAME_MAX 22
#define SNAP_DIR 3		/* slots of RELAY_CTRL_DIR and _DIR_FD */
#define SNAP_DIR_FD 4
static const char *snap[SNAP_SLOTS];
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

/*
 * The slot of the len bytes at name, or -1.  Compared from the end: the
 * names share their first eleven bytes and differ in their last.
 */
static int
snap_slot(const char *name, size_t len)
{
	const char *n;
	size_t i, j;

	for (i = 0; i < SNAP_SLOTS; i++) {
		n = snap_names[i];
		if (snap_len[i] != len)
			continue;
		for (j = len; j > 0 && n[j - 1] == name[j - 1]; j--)
			;
		if (j == 0)
			return (int)i;
	}
	return -1;
}

/*
 * Callers pass the names above as literals, which the linker merges: their
 * address finds the slot; any other string is compared.
 */
static int
find_slot(const char *name)
{
	size_t i;

	for (i = 0; i < SNAP_SLOTS; i++)
		if (snap_names[i] == name)
			return (int)i;
	return snap_slot(name, strlen(name));
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
	char **e;
	const char *eq;
	int k;

	memset(snap, 0, sizeof(snap));
	snap_dup = 0;
	for (e = environ; *e != NULL; e++) {
		if (strchr("RPTSI", (*e)[0]) == NULL || (*e)[0] == '\0')
			continue;
		for (eq = *e; eq - *e <= SNAP_NAME_MAX && *eq != '=' &&
		    *eq != '\0'; eq++)
			;
		if (*eq != '=')
			continue;
		k = snap_slot(*e, (size_t)(eq - *e));
		if (k >= 0 && snap[k] != NULL)
			snap_dup |= 1U << k;
		else if (k >= 0)
			snap[k] = eq + 1;
	}
	snapped = 1;
	snap_dir_read = snap[SNAP_DIR] == NULL && snap[SNAP_DIR_FD] == NULL;
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
	entry = snap[k] - snap_len[k] - 1;
	for (e = environ; *e != NULL && *e != entry; e++)
		;
	for (; *e != NULL; e++)
		e[0] = e[1];
	snap[k] = NULL;
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
 * envdir's rules: the first line, NUL read as newline, trailing blanks cut;
 * an empty file unsets.  A file that is not regular (a FIFO, a directory)
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

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, CONFIG_VALUE_MAX);
	close(fd);
	if (n <= 0)
		return NULL;
	for (len = 0; len < (size_t)n && buf[len] != '\n' && buf[len] != '\0';)
		len++;
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
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
 * A whole decimal number of seconds, no sign, no unit, at most INT_MAX:
 * larger values would overflow the freshness arithmetic.
 */
int
parse_seconds(const char *s, long *out)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (INT_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* A malformed value never stops mail: a warning, and the default. */
long
config_seconds(const char *name, long def, long min)
{
	char shown[VISIBLE_SIZE];
	const char *s = config_get(name);
	long v;

	if (s == NULL)
		return def;
	if (parse_seconds(s, &v) != 0 || v < min) {
		warn("%s=%s is not a %snumber of seconds; using %ld", name,
		    visible(s, shown, sizeof(shown)), min > 0 ? "positive " : "",
		    def);
		return def;
	}
	return v;
}

/* An expiry of 0 would make every record stale; a skew of 0 is strict. */
void
config_freshness(long *expiry, long *skew)
{
	*expiry = config_seconds("RELAY_CTRL_EXPIRY", EXPIRY_DEFAULT, 1);
	*skew = config_seconds("RELAY_CTRL_CLOCK_SKEW", CLOCK_SKEW_DEFAULT, 0);
}
