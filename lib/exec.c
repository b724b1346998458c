/* Exec the next program, or exit 127 (not found) or 126 (cannot run); see relayctl(8). */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "exec.h"
#include "msg.h"
#include "opt.h"

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

	execvp(argv[0], argv);
	e = errno;
	fatal("cannot run %s: %s; nothing more runs", argv[0],
	    strerror(e));
	exit(e == ENOENT || e == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC);
}
