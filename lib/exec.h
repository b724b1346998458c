/* The one way an applet runs the next program; see relayctl(8), EXIT STATUS. */
#ifndef RELAYCTL_EXEC_H
#define RELAYCTL_EXEC_H

#include <stddef.h>

#include "config.h"

/* A variable the next program gets: its setting and "NAME=value". */
struct export {
	enum setting k;
	const char *entry;
};

char **chain_args(char **argv);
char *export_entry(char *buf, enum setting k, const char *value);
_Noreturn void xexec(char **argv);
_Noreturn void xexec_with(char **argv, const struct export *add, size_t n);

#endif
