/* One-line messages "NAME[PID]: warning: ..." to stderr or syslog; see relayctl(8). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "fmt.h"
#include "msg.h"
#include "out.h"

static const char *name = "relayctl";
static const char *usage = "relayctl APPLET [ARGS...]";
static enum msg_sink sink = SINK_AUTO;

void
msg_init(const char *invoked_as, const char *applet_usage)
{
	name = invoked_as;
	usage = applet_usage;
}

void
msg_force_sink(enum msg_sink s)
{
	sink = s;
}

/*
 * Decided at the first message, not at start-up, so that the hot path pays
 * nothing when it has nothing to say.  A socket on fd 2 is the network
 * (qmail-popup) or the SMTP daemon (Postfix spawn): never write there.
 */
enum msg_sink
msg_sink(void)
{
	const char *v;
	struct stat st;

	if (sink != SINK_AUTO)
		return sink;
	v = config_get(CF_LOG);
	if (v && strcmp(v, "stderr") == 0)
		sink = SINK_STDERR;
	else if (v && strcmp(v, "syslog") == 0)
		sink = SINK_SYSLOG;
	else if (v && strcmp(v, "none") == 0)
		sink = SINK_NONE;
	else if (fstat(2, &st) == 0 && S_ISSOCK(st.st_mode))
		sink = SINK_SYSLOG;
	else
		sink = SINK_STDERR;
	return sink;
}

/* All of buf, through short writes and EINTR; -1 with errno otherwise. */
int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* SIGPIPE is ignored only for the write: SIG_IGN would survive the exec. */
static void
write_stderr(const char *line, size_t len)
{
	struct sigaction ign, old;
	int e = errno;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	write_all(2, line, len);
	sigaction(SIGPIPE, &old, NULL);
	errno = e;
}

/*
 * What syslog(3) would send, minus its time stamp: musl stamps local time,
 * and that links the whole time zone code (12 KiB of a binary that every
 * SMTP connection maps) and reads /etc/localtime at the first message.
 * RFC 3164 lets a sender leave the stamp out; syslogd, rsyslogd, syslog-ng
 * and journald then date the message on receipt.  Like musl: ident cut
 * to 31 bytes, at most 1024 bytes ending in a newline, lost if no one
 * listens.
 */
static void
to_syslog(int prio, const char *level, const char *text)
{
	static const struct sockaddr_un dev_log = { AF_UNIX, "/dev/log" };
	char line[1024];
	int fd, n;

	n = fmt_snprintf(line, sizeof(line), "<%d>%.31s[%ld]: %s%s",
	    LOG_MAIL | prio, name, (long)getpid(), level, text);
	if (n <= 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (line[n - 1] != '\n')
		line[n++] = '\n';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (connect(fd, (const struct sockaddr *)&dev_log,
	    sizeof(dev_log)) == 0)
		send(fd, line, (size_t)n, 0);
	close(fd);
}

static void
vmsg(int prio, const char *level, const char *fmt, va_list ap)
{
	char text[1024], line[1200];
	int n;

	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	switch (msg_sink()) {
	case SINK_SYSLOG:
		to_syslog(prio, level, text);
		break;
	case SINK_STDERR:
		n = fmt_snprintf(line, sizeof(line), "%s[%ld]: %s%s\n", name,
		    (long)getpid(), level, text);
		if (n > (int)sizeof(line) - 1) {
			n = sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		if (n > 0)
			write_stderr(line, (size_t)n);
		break;
	default:
		break;
	}
}

/* info(), warn() and fatal(): the same but for the level. */
#define MESSAGE(fn, prio, level)					\
	void fn(const char *fmt, ...)					\
	{								\
		va_list ap;						\
									\
		va_start(ap, fmt);					\
		vmsg(prio, level, fmt, ap);				\
		va_end(ap);						\
	}
MESSAGE(info, LOG_INFO, "info: ")
MESSAGE(warn, LOG_WARNING, "warning: ")
MESSAGE(fatal, LOG_ERR, "fatal: ")

void
die_temp(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(LOG_ERR, "fatal: ", fmt, ap);
	va_end(ap);
	out_flush(&out_stdout);	/* what exit(3) did for stdio */
	exit(EXIT_TEMP);
}

/* "--help": the usage on stdout; 0, or 111 when it cannot be written. */
int
msg_help(void)
{
	fmt_out(&out_stdout, "usage: %s\n", usage);
	if (out_flush(&out_stdout) != 0) {
		fatal("cannot write to standard output: %s", strerror(errno));
		return EXIT_TEMP;
	}
	return 0;
}

/* Usage follows the same sink: fd 2 may be the network even here. */
void
die_usage(void)
{
	char line[512];
	int n;

	switch (msg_sink()) {
	case SINK_STDERR:
		n = fmt_snprintf(line, sizeof(line), "usage: %s\n", usage);
		if (n > 0 && n < (int)sizeof(line))
			write_stderr(line, (size_t)n);
		break;
	case SINK_SYSLOG:
		to_syslog(LOG_ERR, "fatal: usage: ", usage);
		break;
	default:
		break;
	}
	exit(EXIT_USAGE);
}
