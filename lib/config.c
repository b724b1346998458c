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
}

static int
open_confdir(void)
{
	const char *dir;

	if (confdir != -2)
		return confdir;
	dir = getenv("RELAY_CTRL_CONFIG");
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

	v = getenv(name);
	if (v != NULL)
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
