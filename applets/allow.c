/* After a successful login, record the client's address in the spool, then run the next program; see relay-ctrl-allow(8). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/address.h"
#include "../lib/escape.h"
#include "../lib/exec.h"
#include "../lib/login.h"
#include "../lib/msg.h"
#include "../lib/spool.h"

static void
write_record(int dir, const char *addr)
{
	char content[RECORD_FILE_MAX], what[256];
	struct record r = { "", "" };
	struct timespec now;
	const char *step;
	size_t len;
	int e;

	login_values(&r, addr);
	len = record_encode(&r, content, sizeof(content));
	if (clock_gettime(CLOCK_REALTIME, &now) != 0) {
		warn("cannot read the clock for the record for %s: %s; "
		    "continuing without relay", addr, strerror(errno));
		return;
	}
	if (spool_write(dir, addr, content, len, &now, &step) != 0) {
		e = errno;
		spool_what(what, sizeof(what));
		warn("cannot %s record for %s in %s: %s; continuing without "
		    "relay", step, addr, what, strerror(e));
	}
}

/*
 * Every failure here is a warning: the login goes on, without relaying.
 * Returns the spool's descriptor for the caller to close, or -1.
 */
static int
allow(void)
{
	char addr[ADDR_NAME_SIZE], what[256], shown[VISIBLE_SIZE];
	const char *text, *var = "TCPREMOTEIP", *why;
	int dir;

	text = addr_from_env(&var);
	if ((why = addr_canon(text, addr)) != NULL) {
		warn("client address %s=%s is not usable: %s; continuing "
		    "without relay", var, visible(text, shown, sizeof(shown)),
		    why);
		return spool_env_fd();
	}
	if ((dir = spool_open(what, sizeof(what))) < 0) {
		warn("cannot open %s for %s: %s; continuing without relay",
		    what, addr, spool_strerror(errno));
		return -1;
	}
	write_record(dir, addr);
	return dir;
}

/*
 * Under a file-size limit (ulimit -f, softlimit -f, LimitFSIZE=) a write
 * past it raises SIGXFSZ, whose default kills allow before the login goes
 * on; ignored, the write fails with EFBIG, which is one more warning.  The
 * next program gets the disposition we were given.
 */
static void
ignore_sigxfsz(struct sigaction *old)
{
	struct sigaction ign;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &ign, old);
}

/*
 * The secret's descriptor (RELAY_CTRL_KEY_FD, from chdir) goes on only to
 * relayctl's send, which signs with it; every other program loses it.
 */
static int
runs_send(char **next)
{
	const char *base;

	if (next[0] == NULL)
		return 0;
	base = strrchr(next[0], '/');
	base = base ? base + 1 : next[0];
	return strcmp(base, "relay-ctrl-send") == 0 ||
	    strcmp(base, "relayctl-send") == 0 ||
	    (strcmp(base, "relayctl") == 0 && next[1] != NULL &&
	    strcmp(next[1], "send") == 0);
}

int
allow_main(int argc, char **argv)
{
	char **next = chain_args(argv);
	struct sigaction xfsz;
	int dir;

	(void)argc;
	ignore_sigxfsz(&xfsz);
	dir = login_succeeded() ? allow() : spool_env_fd();
	if (runs_send(next))
		spool_close_but_key(dir);
	else
		spool_close(dir);
	if (next[0] == NULL)
		return 0;
	sigaction(SIGXFSZ, &xfsz, NULL);
	xexec(next);
}
