/* After a successful login, record the client's address in the spool, then run the next program; see relay-ctrl-allow(8). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/address.h"
#include "../lib/escape.h"
#include "../lib/exec.h"
#include "../lib/msg.h"
#include "../lib/spool.h"

/*
 * In a Courier authlib chain every module runs, logged in or not; only
 * AUTHENTICATED says the login succeeded.  Elsewhere (checkpassword,
 * pop3front-auth, Dovecot post-login) being run at all means success.
 */
static int
logged_in(void)
{
	const char *a;

	if (getenv("AUTHUSER") == NULL || getenv("AUTHARGV0") == NULL)
		return 1;
	a = getenv("AUTHENTICATED");
	return a != NULL && *a != '\0';
}

static void
take_value(const char *var, char *dst, const char *addr)
{
	const char *v = getenv(var);

	dst[0] = '\0';
	if (v == NULL || *v == '\0')
		return;
	if (!record_value_ok(v, strlen(v))) {
		warn("%s for %s is longer than 255 bytes or holds a control "
		    "character; it is left out of the record", var, addr);
		return;
	}
	strcpy(dst, v);
}

/*
 * Courier 5's login programs set AUTHENTICATED to the login name and no
 * USER: the name is taken from there unless USER says otherwise.
 */
static const char *
user_var(void)
{
	const char *u = getenv("USER");

	return u != NULL && *u != '\0' ? "USER" : "AUTHENTICATED";
}

static void
write_record(int dir, const char *addr)
{
	char content[RECORD_FILE_MAX], what[256];
	struct record r = { "", "" };
	struct timespec now;
	const char *step;
	size_t len;
	int e;

	take_value(user_var(), r.user, addr);
	take_value("DOMAIN", r.domain, addr);
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

/* Every failure here is a warning: the login goes on, without relaying. */
static void
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
		spool_close(spool_env_fd());
		return;
	}
	if ((dir = spool_open(what, sizeof(what))) < 0) {
		warn("cannot open %s for %s: %s; continuing without relay",
		    what, addr, spool_strerror(errno));
		spool_close(-1);
		return;
	}
	write_record(dir, addr);
	spool_close(dir);
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

int
allow_main(int argc, char **argv)
{
	char **next = chain_args(argv);
	struct sigaction xfsz;

	(void)argc;
	ignore_sigxfsz(&xfsz);
	if (logged_in())
		allow();
	else
		spool_close(spool_env_fd());
	if (next[0] == NULL)
		return 0;
	sigaction(SIGXFSZ, &xfsz, NULL);
	xexec(next);
}
