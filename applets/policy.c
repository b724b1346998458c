/* A Postfix SMTP access policy server for spawn(8): action=OK for a client with a fresh record, else action=DUNNO; see relayctl-policy(8). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/config.h"
#include "../lib/escape.h"
#include "../lib/msg.h"
#include "../lib/opt.h"
#include "../lib/spool.h"

#define POLICY_LINE_MAX 1024	/* an attribute line, without its newline */
#define POLICY_ATTRS_MAX 100	/* Postfix 3.x sends about 30 */
#define POLICY_BUF_SIZE 4096	/* several lines: Postfix writes a request at once */

#define ANSWER_OK "action=OK\n\n"
#define ANSWER_DUNNO "action=DUNNO\n\n"

/* One request as far as it has been read. */
struct req {
	int nattrs;
	int addr_seen;		/* client_address lines */
	int foreign;		/* request= names something else */
	char addr[ADDR_TEXT_MAX + 2];	/* one byte more: "too long" shows */
};

enum feed { FEED_MORE, FEED_END, FEED_BAD };

/* What stays the same for the whole connection. */
struct policy {
	int dir;		/* the spool, or -1 while it cannot be opened */
	int dir_warned;
	long expiry, skew;
	int log_ips;
};

/* The reader's own buffer: bytes buf[start..end) are not used yet. */
struct input {
	int fd;
	size_t start, end;
	char buf[POLICY_BUF_SIZE];
};

enum got { GOT_LINE, GOT_EOF, GOT_EOF_MIDLINE, GOT_TOO_LONG, GOT_ERROR };

static int
attr_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

/*
 * Takes one line without its newline, no longer than POLICY_LINE_MAX but
 * for a CR (next_line refuses longer ones).  Anything the protocol does not
 * allow is FEED_BAD with *why set: the server must then log and hang up
 * rather than guess (SMTPD_POLICY_README).  Unknown attributes are fine:
 * every Postfix release adds some.  A trailing CR is cut so that an admin
 * can try the service with telnet.
 */
static enum feed
policy_feed(struct req *r, const char *line, size_t len, const char **why)
{
	const char *eq, *value;
	size_t vlen;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return FEED_END;
	if (memchr(line, '\0', len) != NULL) {
		*why = "a line holds a NUL byte";
		return FEED_BAD;
	}
	if ((eq = memchr(line, '=', len)) == NULL) {
		*why = "a line has no '='";
		return FEED_BAD;
	}
	if (eq == line) {
		*why = "an attribute has no name";
		return FEED_BAD;
	}
	if (++r->nattrs > POLICY_ATTRS_MAX) {
		*why = "a request has more than 100 attributes";
		return FEED_BAD;
	}
	value = eq + 1;
	vlen = len - (size_t)(value - line);
	if (attr_is(line, (size_t)(eq - line), "client_address")) {
		r->addr_seen++;
		if (vlen > ADDR_TEXT_MAX + 1)
			vlen = ADDR_TEXT_MAX + 1;
		memcpy(r->addr, value, vlen);
		r->addr[vlen] = '\0';
	} else if (attr_is(line, (size_t)(eq - line), "request") &&
	    !attr_is(value, vlen, "smtpd_access_policy"))
		r->foreign = 1;
	return FEED_MORE;
}

static void
req_reset(struct req *r)
{
	r->nattrs = 0;
	r->addr_seen = 0;
	r->foreign = 0;
	r->addr[0] = '\0';
}

/*
 * The spool is opened once a connection; while it cannot be, every
 * request tries again (one failing open), so that a spool created after
 * Postfix started is used without a reload.  Warns once.
 */
static int
spool_dir(struct policy *p)
{
	char what[256];

	if (p->dir >= 0)
		return p->dir;
	if ((p->dir = spool_open(what, sizeof(what))) < 0 && !p->dir_warned) {
		warn("cannot open %s: %s; answering DUNNO until it opens",
		    what, spool_strerror(errno));
		p->dir_warned = 1;
	}
	return p->dir;
}

/*
 * 1 (relay) only for a well-formed smtpd_access_policy request naming one
 * client address that has a fresh record.  Anything unsure is 0: DUNNO
 * lets reject_unauth_destination decide, so relay control can never
 * refuse mail.  One fstatat a request: the record's time is all it needs.
 */
static int
policy_decide(struct policy *p, const struct req *r, char name[ADDR_NAME_SIZE],
    const char **why)
{
	static const char *const why_not[] = {
		[REC_ABSENT] = "not found", [REC_FOREIGN] = "unreadable",
		[REC_UNREADABLE] = "unreadable", [REC_STALE] = "found, stale",
		[REC_FUTURE] = "found, dated in the future",
		[REC_FRESH] = "found, fresh",
	};
	struct freshness f = { 0, p->expiry, p->skew };
	struct lookup l;
	int dir;

	name[0] = '\0';
	if (r->foreign) {
		*why = "not an smtpd_access_policy request";
		return 0;
	}
	if (r->addr_seen == 0) {
		*why = "no client_address";
		return 0;
	}
	if (r->addr_seen > 1) {
		*why = "client_address given more than once";
		return 0;
	}
	if ((*why = addr_canon(r->addr, name)) != NULL) {
		name[0] = '\0';
		return 0;
	}
	if ((dir = spool_dir(p)) < 0) {
		*why = "no spool";
		return 0;
	}
	f.now = time(NULL);
	spool_lookup(dir, name, &f, LOOK_TIME, &l, NULL, NULL);
	if (l.found == REC_FOREIGN || l.found == REC_UNREADABLE)
		warn("cannot read record for %s: %s; answering DUNNO", name,
		    lookup_why(&l));
	*why = why_not[l.found];
	return l.found == REC_FRESH;
}

/*
 * The next line, without its newline, at *line.  A line is handed out
 * from the buffer, so it stays valid until the next call.  The limit
 * counts the line without the CR that policy_feed cuts, so one byte more
 * may wait for its newline.
 */
static enum got
next_line(struct input *in, const char **line, size_t *len)
{
	char *nl;
	ssize_t n;

	for (;;) {
		nl = memchr(in->buf + in->start, '\n', in->end - in->start);
		if (nl != NULL) {
			*line = in->buf + in->start;
			*len = (size_t)(nl - *line);
			in->start += *len + 1;
			return *len - (*len > 0 && nl[-1] == '\r') >
			    POLICY_LINE_MAX ? GOT_TOO_LONG : GOT_LINE;
		}
		if (in->end - in->start > POLICY_LINE_MAX + 1 ||
		    (in->end - in->start == POLICY_LINE_MAX + 1 &&
		    in->buf[in->end - 1] != '\r'))
			return GOT_TOO_LONG;
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start,
			    in->end - in->start);
			in->end -= in->start;
			in->start = 0;
		}
		n = read(in->fd, in->buf + in->end, sizeof(in->buf) - in->end);
		if (n < 0 && errno == EINTR)
			continue;
		/* the SMTP server went away: as good as end of input */
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return in->end > 0 ? GOT_EOF_MIDLINE : GOT_EOF;
		if (n < 0)
			return GOT_ERROR;
		in->end += (size_t)n;
	}
}

/* 0: written; 1: the SMTP server hung up; -1: errno says why. */
static int
answer(int fd, const char *s)
{
	if (write_all(fd, s, strlen(s)) == 0)
		return 0;
	return errno == EPIPE || errno == ECONNRESET ? 1 : -1;
}

static void
log_decision(const struct req *r, const char *name, const char *why, int ok)
{
	char shown[VISIBLE_SIZE];

	info("%s: %s; answering %s", name[0] ? name :
	    visible(r->addr_seen ? r->addr : "(no client_address)", shown,
	    sizeof(shown)), why, ok ? "OK" : "DUNNO");
}

/*
 * Serves requests from in to out until end of input; returns the exit
 * code.  A malformed request gets no answer at all: Postfix then drops
 * the connection, retries, and in the end uses
 * smtpd_policy_service_default_action.
 */
static int
policy_serve(struct policy *p, int in, int out)
{
	struct input input;
	char name[ADDR_NAME_SIZE];
	const char *line, *why = NULL;
	struct req r;
	size_t len;
	int ok, w;

	input.fd = in;
	input.start = input.end = 0;
	req_reset(&r);
	for (;;) {
		switch (next_line(&input, &line, &len)) {
		case GOT_LINE:
			break;
		case GOT_EOF:
			if (r.nattrs == 0)
				return 0;
			/* FALLTHROUGH */
		case GOT_EOF_MIDLINE:
			warn("input from the SMTP server ended in the middle of "
			    "a request; exiting without an answer");
			return 0;
		case GOT_TOO_LONG:
			warn("malformed request from the SMTP server: a line "
			    "is longer than %d bytes; disconnecting without an "
			    "answer", POLICY_LINE_MAX);
			return EXIT_USAGE;
		default:
			warn("cannot read requests from the SMTP server: %s; "
			    "exiting", strerror(errno));
			return EXIT_TEMP;
		}
		switch (policy_feed(&r, line, len, &why)) {
		case FEED_MORE:
			continue;
		case FEED_BAD:
			warn("malformed request from the SMTP server: %s; "
			    "disconnecting without an answer", why);
			return EXIT_USAGE;
		default:
			break;
		}
		ok = policy_decide(p, &r, name, &why);
		if (p->log_ips)
			log_decision(&r, name, why, ok);
		w = answer(out, ok ? ANSWER_OK : ANSWER_DUNNO);
		if (w > 0)
			return 0;
		if (w < 0) {
			warn("cannot answer the SMTP server: %s; exiting",
			    strerror(errno));
			return EXIT_TEMP;
		}
		req_reset(&r);
	}
}

/*
 * spawn(8) connects stderr to the SMTP daemon, so messages go to syslog
 * whatever RELAY_CTRL_LOG says, unless it says none.
 */
static void
quiet_messages(void)
{
	const char *v = config_get(CF_LOG);

	msg_force_sink(v != NULL && strcmp(v, "none") == 0 ? SINK_NONE :
	    SINK_SYSLOG);
}

/* Settings are read once a connection, not once a request. */
static void
policy_init(struct policy *p)
{
	p->dir = -1;
	p->dir_warned = 0;
	spool_freshness(&p->expiry, &p->skew);
	p->log_ips = config_get(CF_LOG_IPS) != NULL;
	spool_dir(p);
}

int
policy_main(int argc, char **argv)
{
	struct policy p;
	struct sigaction ign;
	int rc, first;

	(void)argc;
	quiet_messages();
	if ((first = opt_flags(argv, "", NULL)) < 0 || argv[first] != NULL)
		die_usage();
	/* a hung-up SMTP server is EPIPE from write, not a silent death */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, NULL);
	policy_init(&p);
	rc = policy_serve(&p, 0, 1);
	spool_close(p.dir);
	return rc;
}
