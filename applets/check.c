/* Hot path, once per SMTP connection: grant $RELAYCLIENT if the client's record is fresh, then run the SMTP daemon; see relay-ctrl-check(8). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/address.h"
#include "../lib/config.h"
#include "../lib/exec.h"
#include "../lib/msg.h"
#include "../lib/spool.h"

#define ENV_SLOTS 64	/* a larger environment takes setenv's way */
#define RC_MAX 64	/* and so does a longer RELAY_CTRL_RELAYCLIENT */

struct verdict {
	int relay;
	const char *why;	/* for RELAY_CTRL_LOG_IPS */
	struct record rec;
};

extern char **environ;

/*
 * The SMTP daemon's environment when relay is granted, built here rather
 * than by setenv(3): the first setenv sets up malloc (four system calls,
 * three page faults), which cost more than the rest of check together;
 * bench/ measured 1.18x the floor with setenv, 1.13x without.  Static,
 * so that it outlives check().
 */
static struct {
	char *vars[ENV_SLOTS];
	char relayclient[sizeof("RELAYCLIENT=") + RC_MAX];
	char user[sizeof("USER=") + RECORD_VALUE_MAX];
	char domain[sizeof("DOMAIN=") + RECORD_VALUE_MAX];
} out;

static void
ignore_entry(const char *entry, size_t len, const char *why, void *addr)
{
	char text[VISIBLE_SIZE], copy[RECORD_VALUE_MAX + 1];

	if (len > RECORD_VALUE_MAX)
		len = RECORD_VALUE_MAX;
	memcpy(copy, entry, len);
	copy[len] = '\0';
	warn("record for %s holds \"%s\", which is not exported: %s; "
	    "continuing", (const char *)addr, visible(copy, text, sizeof(text)),
	    why);
}

static void
judge(int dir, const char *addr, struct verdict *v)
{
	char buf[RECORD_FILE_MAX + 1];
	struct stat st;
	size_t len;
	time_t now;
	long expiry, skew;
	int r;

	r = spool_read(dir, addr, &st, buf, &len);
	if (r < 0 && errno == ENOENT) {
		v->why = "not found";
		return;
	}
	if (r != 0) {
		warn("cannot read record for %s: %s; continuing without relay",
		    addr, r > 0 ? "it is not a regular file" :
		    errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		v->why = "unreadable";
		return;
	}
	now = time(NULL);
	config_freshness(&expiry, &skew);
	if (!spool_fresh(st.st_mtime, now, expiry, skew)) {
		v->why = st.st_mtime > now ? "found, dated in the future" :
		    "found, stale";
		return;
	}
	v->relay = 1;
	v->why = "found, fresh";
	if (len > RECORD_FILE_MAX)
		warn("record for %s is larger than %d bytes; relaying without "
		    "USER and DOMAIN", addr, RECORD_FILE_MAX);
	else
		record_decode(buf, len, &v->rec, ignore_entry, (void *)addr);
}

/* As setenv does: the first entry of that name is replaced, else added. */
static void
put(size_t *n, char *buf, const char *name, const char *value)
{
	size_t i, len = strlen(name);

	memcpy(buf, name, len);
	buf[len] = '=';
	strcpy(buf + len + 1, value);
	for (i = 0; i < *n; i++)
		if (strncmp(out.vars[i], buf, len + 1) == 0) {
			out.vars[i] = buf;
			return;
		}
	out.vars[(*n)++] = buf;
}

/* Returns -1, having changed nothing, when the tables are too small. */
static int
export_static(const char *rc, const struct record *r)
{
	size_t n;

	if (strlen(rc) > RC_MAX)
		return -1;
	for (n = 0; environ[n] != NULL; n++) {
		if (n + 4 >= ENV_SLOTS)		/* three more and the NULL */
			return -1;
		out.vars[n] = environ[n];
	}
	put(&n, out.relayclient, "RELAYCLIENT", rc);
	if (r->user[0])
		put(&n, out.user, "USER", r->user);
	if (r->domain[0])
		put(&n, out.domain, "DOMAIN", r->domain);
	out.vars[n] = NULL;
	environ = out.vars;
	return 0;
}

static void
grant(const char *addr, const struct record *r)
{
	const char *rc = config_get("RELAY_CTRL_RELAYCLIENT");

	if (rc == NULL)
		rc = "";
	if (export_static(rc, r) != 0 && (setenv("RELAYCLIENT", rc, 1) != 0 ||
	    (r->user[0] && setenv("USER", r->user, 1) != 0) ||
	    (r->domain[0] && setenv("DOMAIN", r->domain, 1) != 0))) {
		warn("cannot set the environment for %s: %s; continuing "
		    "without relay", addr, strerror(errno));
		unsetenv("RELAYCLIENT");
		return;
	}
	if (config_get("RELAY_CTRL_LOG_ENV") != NULL)
		info("%s: exporting RELAYCLIENT=%s USER=%s DOMAIN=%s", addr, rc,
		    r->user, r->domain);
}

/* Every failure here is a warning: inbound mail is never refused. */
static void
check(void)
{
	char addr[ADDR_NAME_SIZE], what[256], shown[VISIBLE_SIZE];
	struct verdict v = { 0, "bad address", { "", "" } };
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
		v.why = "no spool";
	} else {
		judge(dir, addr, &v);
		spool_close(dir);
		if (v.relay)
			grant(addr, &v.rec);
	}
	if (config_get("RELAY_CTRL_LOG_IPS") != NULL)
		info("%s: %s; relaying %s", bad ? shown : addr, v.why,
		    v.relay ? "allowed" : "not allowed");
}

int
check_main(int argc, char **argv)
{
	char **next = chain_args(argv);

	(void)argc;
	if (next[0] == NULL)
		die_usage();
	if (getenv("RELAYCLIENT") != NULL) {
		spool_close(spool_env_fd());
		if (config_get("RELAY_CTRL_LOG_IPS") != NULL)
			info("RELAYCLIENT is already set; nothing changed");
		xexec(next);
	}
	check();
	xexec(next);
}
