/* Messages and exit codes shared by every applet; see relayctl(8), DIAGNOSTICS. */
#ifndef RELAYCTL_MSG_H
#define RELAYCTL_MSG_H

/*
 * The one error idiom.
 *
 * Who reports: the code that knows what happens next.  A lib/ function
 * returns -1 with errno, or the reason as a string (addr_canon), or a state
 * (spool_lookup), and says nothing; its caller writes the one message.
 * A lib/ function reports only what it recovers from itself, saying how it
 * goes on (spool_open: a bad RELAY_CTRL_DIR_FD; spool_freshness: a bad
 * number, and the default it uses), or when the caller hands it the text
 * of what happens next (spool_open_admin).
 *
 * What returns and what exits: info(), warn() and fatal() only write a
 * message and return; fatal() says the applet is failing, and the caller
 * then returns EXIT_TEMP (or EXIT_USAGE) from NAME_main.  die_temp()
 * (111), die_usage() (100), msg_help() via opt_next's "--help" (0) and
 * xexec() (126, 127) end the process.  Applet logic returns codes, so that
 * the unit tests can run it; check, allow and chdir never die on a
 * failure that only costs relaying: they warn and exec (rule 1).
 *
 * Every message is one line, "NAME[PID]: LEVEL: what happened, to what:
 * why; what happens next", and shows untrusted text through visible()
 * (lib/escape.h).
 */

#include <stddef.h>

#define EXIT_USAGE 100		/* usage or permanent configuration error */
#define EXIT_TEMP 111		/* temporary or system failure */
#define EXIT_NOEXEC 126		/* the next program could not be run */
#define EXIT_NOTFOUND 127	/* the next program was not found */

enum msg_sink { SINK_AUTO, SINK_STDERR, SINK_SYSLOG, SINK_NONE };

void msg_init(const char *name, const char *usage);
void msg_force_sink(enum msg_sink sink);
enum msg_sink msg_sink(void);

int write_all(int fd, const void *buf, size_t len);
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_temp(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
_Noreturn void die_usage(void);
int msg_help(void);

#endif
