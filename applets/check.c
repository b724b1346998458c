/* Hot path, once per SMTP connection: grant $RELAYCLIENT if the client's record is fresh, then run the SMTP daemon; see relay-ctrl-check(8). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/address.h"
#include "../lib/config.h"
#include "../lib/escape.h"
#include "../lib/exec.h"
#include "../lib/msg.h"
#include "../lib/spool.h"

struct verdict {
	int relay;
	const char *why;	/* for RELAY_CTRL_LOG_IPS */
	struct lookup look;	/* look.rec: what is exported */
};

extern char **environ;

static void
judge(int dir, const char *addr, struct verdict *v)
{
	static const char *const why[] = {
		[REC_ABSENT] = "not found", [REC_FOREIGN] = "unreadable",
		[REC_UNREADABLE] = "unreadable", [REC_STALE] = "found, stale",
		[REC_FUTURE] = "found, dated in the future",
		[REC_FRESH] = "found, fresh",
	};
	struct freshness f = { 0, -1, -1 };
	struct reject_note note = { addr, "continuing" };
	struct lookup *l = &v->look;

	spool_lookup(dir, addr, &f, LOOK_EXEC, l, record_warn, &note);
	v->why = why[l->found];
	if (f.now == (time_t)-1) {
		warn("cannot read the clock for the record for %s: %s; "
		    "continuing without relay", addr, strerror(l->err));
		v->why = "no clock";
	} else if (l->found == REC_FOREIGN || l->found == REC_UNREADABLE)
		warn("cannot read record for %s: %s; continuing without relay",
		    addr, lookup_why(l));
	if (l->found != REC_FRESH)
		return;
	v->relay = 1;
	if (l->oversize)
		warn("record for %s is larger than %d bytes; relaying without "
		    "USER and DOMAIN", addr, RECORD_FILE_MAX);
}

/* Out of check_main's frame: its buffers would cost every connection. */
static __attribute__((noinline)) void
log_exports(const char *addr, const char *rc, const struct record *r)
{
	char shown[3][VISIBLE_SIZE];

	info("%s: exporting RELAYCLIENT=%s USER=%s DOMAIN=%s", addr,
	    visible(rc, shown[0], sizeof(shown[0])),
	    visible(r->user, shown[1], sizeof(shown[1])),
	    visible(r->domain, shown[2], sizeof(shown[2])));
}

/*
 * As setenv does: the first entry of that name is replaced, else added.
 * The snapshot knows which entry that is: found by its address.  The
 * name's length is the literal's (PUT), and the value, a few bytes, is
 * copied by a loop: musl's strlen and strcpy, made for long strings, cost
 * more here than the copy.
 */
static void
put(char **vars, size_t *n, char *buf, const char *name, size_t len,
    const char *value)
{
	const char *old = config_entry(name);
	char *p = buf + len;
	size_t i;

	memcpy(buf, name, len);
	*p++ = '=';
	while ((*p++ = *value++) != '\0')
		;
	for (i = 0; old != NULL && i < *n; i++)
		if (vars[i] == old) {
			vars[i] = buf;
			return;
		}
	vars[(*n)++] = buf;
}

#define PUT(vars, n, buf, name, value) \
	put(vars, n, buf, name, sizeof(name) - 1, value)

/*
 * Runs the SMTP daemon with RELAYCLIENT, USER and DOMAIN added to our
 * environment, which is built here, in this frame, rather than by
 * setenv(3): its first call sets up malloc (four system calls, three page
 * faults), more than the rest of check costs (bench/RESULTS.md).
 */
static _Noreturn void
exec_relaying(char **next, const char *rc, const struct record *r,
    size_t nenv)
{
	char *vars[nenv + 4];
	char relayclient[sizeof("RELAYCLIENT=") + strlen(rc)];
	char user[sizeof("USER=") + RECORD_VALUE_MAX];
	char domain[sizeof("DOMAIN=") + RECORD_VALUE_MAX];
	size_t n = nenv;

	memcpy(vars, environ, nenv * sizeof(*vars));
	PUT(vars, &n, relayclient, "RELAYCLIENT", rc);
	if (r->user[0])
		PUT(vars, &n, user, "USER", r->user);
	if (r->domain[0])
		PUT(vars, &n, domain, "DOMAIN", r->domain);
	vars[n] = NULL;
	environ = vars;
	xexec(next);
}

static size_t
env_count(void)
{
	size_t n = 0;

	while (environ[n] != NULL)
		n++;
	return n;
}

/* Every failure here is a warning: inbound mail is never refused. */
static void
check(struct verdict *v, char addr[ADDR_NAME_SIZE])
{
	char what[256], shown[VISIBLE_SIZE];
	const char *text, *var = "TCPREMOTEIP", *bad;
	int dir;

	text = addr_from_env(&var);
	if ((bad = addr_canon(text, addr)) != NULL) {
		visible(text, shown, sizeof(shown));
		warn("client address %s=%s is not usable: %s; continuing "
		    "without relay", var, shown, bad);
		spool_close(spool_env_fd());
	} else if ((dir = spool_open(what, sizeof(what))) < 0) {
		warn("cannot open %s for %s: %s; continuing without relay",
		    what, addr, spool_strerror(errno));
		spool_close(-1);
		v->why = "no spool";
	} else {
		judge(dir, addr, v);
		spool_close(dir);
	}
	if (config_get("RELAY_CTRL_LOG_IPS") != NULL)
		info("%s: %s; relaying %s", bad ? shown : addr, v->why,
		    v->relay ? "allowed" : "not allowed");
}

int
check_main(int argc, char **argv)
{
	char **next = chain_args(argv), addr[ADDR_NAME_SIZE];
	struct verdict v;	/* v.look is set only when a spool is read */
	const char *rc;

	(void)argc;
	if (next[0] == NULL)
		die_usage();
	v.relay = 0;
	v.why = "bad address";
	config_snapshot();
	if (config_env("RELAYCLIENT") != NULL) {
		spool_close(spool_env_fd());
		if (config_get("RELAY_CTRL_LOG_IPS") != NULL)
			info("RELAYCLIENT is already set; nothing changed");
		xexec(next);
	}
	check(&v, addr);
	if (!v.relay)
		xexec(next);
	if ((rc = config_get("RELAY_CTRL_RELAYCLIENT")) == NULL)
		rc = "";
	if (config_get("RELAY_CTRL_LOG_ENV") != NULL)
		log_exports(addr, rc, &v.look.rec);
	exec_relaying(next, rc, &v.look.rec, env_count());
}
