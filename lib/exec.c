/* Exec the next program, or exit 127 (not found) or 126 (cannot run); see relayctl(8). */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "exec.h"
#include "msg.h"
#include "opt.h"

extern char **environ;

/*
 * Chain-loading applets take no option: "--" may stand before a program
 * whose name starts with "-"; any other option is a usage error.
 * Returns the next program's argv, whose first element may be NULL.
 */
char **
chain_args(char **argv)
{
	int first = opt_flags(argv, "", NULL);

	if (first < 0)
		die_usage();
	return argv + first;
}

void
xexec(char **argv)
{
	int e;

	/* musl's execvp asks getenv for PATH even where it is not used */
	if (strchr(argv[0], '/') != NULL)
		execve(argv[0], argv, environ);
	else
		execvp(argv[0], argv);
	e = errno;
	fatal("cannot run %s: %s; nothing more runs", argv[0],
	    strerror(e));
	exit(e == ENOENT || e == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

/*
 * "NAME=value" for k in buf, which holds config_name_len(k) +
 * strlen(value) + 2 bytes.  The value, a few bytes, is copied by a loop:
 * musl's strlen and strcpy, made for long strings, cost check more there.
 */
char *
export_entry(char *buf, enum setting k, const char *value)
{
	size_t len = config_name_len(k);
	char *p = buf + len;

	memcpy(buf, config_name(k), len);
	*p++ = '=';
	while ((*p++ = *value++) != '\0')
		;
	return buf;
}

/*
 * As setenv(3) for each of add, then xexec: the first entry of that name
 * is replaced (config_entry knows which, by its address), else the entry
 * is added.  The environment is built here, in this frame, not by setenv:
 * its first call sets up malloc (four system calls, three page faults),
 * more than the rest of check costs (bench/RESULTS.md), and cannot fail.
 */
void
xexec_with(char **argv, const struct export *add, size_t n)
{
	size_t nenv = 0, i, j;
	const char *old;

	while (environ[nenv] != NULL)
		nenv++;
	{
		char *vars[nenv + n + 1];
		size_t len = nenv;

		memcpy(vars, environ, nenv * sizeof(*vars));
		for (i = 0; i < n; i++) {
			old = config_entry(add[i].k);
			for (j = 0; old != NULL && j < nenv && vars[j] != old;)
				j++;
			if (old != NULL && j < nenv)
				vars[j] = (char *)add[i].entry;
			else
				vars[len++] = (char *)add[i].entry;
		}
		vars[len] = NULL;
		environ = vars;
		xexec(argv);
	}
}
