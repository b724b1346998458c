/* Hot path, once per SMTP connection: grant $RELAYCLIENT if the client's record is fresh, then run the SMTP daemon; see relay-ctrl-check(8). */
#include <errno.h>
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

/*
 * RELAY_CTRL_DIR_FD's number, not looked at (an fstat, a system call a
 * connection), or -1: the lookup tells when it names no directory.
 */
static int
trusted_fd(void)
{
	long fd;

	return parse_number(config_env(CF_DIR_FD), &fd) == 0 ? (int)fd : -1;
}

/* Did the lookup in trusted_fd's descriptor find it is no directory? */
static int
not_dir(const struct lookup *l)
{
	return l->found == REC_UNREADABLE && (l->err == EBADF ||
	    l->err == ENOTDIR);
}

/*
 * 0, or -1 when dir, taken on trust, turned out to be no directory:
 * nothing is said then, and the caller opens the spool the careful way.
 */
static int
judge(int dir, const char *addr, struct verdict *v, int trusted)
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
	if (trusted && not_dir(l))
		return -1;
	v->why = why[l->found];
	if (f.now == (time_t)-1) {
		warn("cannot read the clock for the record for %s: %s; "
		    "continuing without relay", addr, strerror(l->err));
		v->why = "no clock";
	} else if (l->found == REC_FOREIGN || l->found == REC_UNREADABLE)
		warn("cannot read record for %s: %s; continuing without relay",
		    addr, lookup_why(l));
	if (l->found != REC_FRESH)
		return 0;
	v->relay = 1;
	if (l->oversize)
		warn("record for %s is larger than %d bytes; relaying without "
		    "USER and DOMAIN", addr, RECORD_FILE_MAX);
	return 0;
}

/*
 * chdir's descriptor first, on trust: spool_open would look at it with an
 * fstat, a system call a connection, and the lookup itself tells when it
 * is no directory.  Then spool_open, which warns about it and tries
 * RELAY_CTRL_DIR.
 */
static void
look_up(const char *addr, struct verdict *v)
{
	char what[256];
	int dir = trusted_fd();

	if (dir >= 0 && judge(dir, addr, v, 1) == 0) {
		spool_close(dir);
		return;
	}
	if ((dir = spool_open(what, sizeof(what))) < 0) {
		warn("cannot open %s for %s: %s; continuing without relay",
		    what, addr, spool_strerror(errno));
		spool_close(-1);
		v->why = "no spool";
		return;
	}
	judge(dir, addr, v, 0);
	spool_close(dir);
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

/* Runs the SMTP daemon with RELAYCLIENT, and USER and DOMAIN if known. */
static _Noreturn void
exec_relaying(char **next, const char *rc, const struct record *r)
{
	char relayclient[sizeof("RELAYCLIENT=") + strlen(rc)];
	char user[sizeof("USER=") + RECORD_VALUE_MAX];
	char domain[sizeof("DOMAIN=") + RECORD_VALUE_MAX];
	struct export add[3];
	size_t n = 0;

	add[n].k = CF_RELAYCLIENT;
	add[n++].entry = export_entry(relayclient, CF_RELAYCLIENT, rc);
	if (r->user[0]) {
		add[n].k = CF_USER;
		add[n++].entry = export_entry(user, CF_USER, r->user);
	}
	if (r->domain[0]) {
		add[n].k = CF_DOMAIN;
		add[n++].entry = export_entry(domain, CF_DOMAIN, r->domain);
	}
	xexec_with(next, add, n);
}

/* Every failure here is a warning: inbound mail is never refused. */
static void
check(struct verdict *v, char addr[ADDR_NAME_SIZE])
{
	char shown[VISIBLE_SIZE];
	const char *text, *var = "TCPREMOTEIP", *bad;

	text = addr_from_env(&var);
	if ((bad = addr_canon(text, addr)) != NULL) {
		visible(text, shown, sizeof(shown));
		warn("client address %s=%s is not usable: %s; continuing "
		    "without relay", var, shown, bad);
		spool_close(spool_env_fd());
	} else
		look_up(addr, v);
	if (config_get(CF_LOG_IPS) != NULL)
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
	if (config_env(CF_RELAYCLIENT) != NULL) {
		spool_close(spool_env_fd());
		if (config_get(CF_LOG_IPS) != NULL)
			info("RELAYCLIENT is already set; nothing changed");
		xexec(next);
	}
	check(&v, addr);
	if (!v.relay)
		xexec(next);
	if ((rc = config_get(CF_RC_RELAYCLIENT)) == NULL)
		rc = "";
	if (config_get(CF_LOG_ENV) != NULL)
		log_exports(addr, rc, &v.look.rec);
	exec_relaying(next, rc, &v.look.rec);
}
