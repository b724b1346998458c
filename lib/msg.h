/* Messages and exit codes shared by every applet; see relayctl(8), DIAGNOSTICS. */
#ifndef RELAYCTL_MSG_H
#define RELAYCTL_MSG_H

#include <stddef.h>

#define EXIT_USAGE 100		/* usage or permanent configuration error */
#define EXIT_TEMP 111		/* temporary or system failure */
#define EXIT_NOEXEC 126		/* the next program could not be run */
#define EXIT_NOTFOUND 127	/* the next program was not found */

enum msg_sink { SINK_AUTO, SINK_STDERR, SINK_SYSLOG, SINK_NONE };

void msg_init(const char *name, const char *usage);
const char *msg_name(void);
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
