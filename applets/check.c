/* Hot path, once per SMTP connection: grant $RELAYCLIENT if the client's record is fresh, then run the SMTP daemon; see relay-ctrl-check(8). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/config.h"
#include "../lib/exec.h"
#include "../lib/msg.h"
#include "../lib/spool.h"

struct verdict {
	int relay;
	const char *why;	/* for RELAY_CTRL_LOG_IPS */
	struct record rec;
};

extern char **environ;

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

/*
 * The time by a system call: musl's time() first looks clock_gettime up in
 * the vDSO, by name among its symbols, which costs check more (1,100
 * instructions and two page faults) than the call it saves.
 */
static time_t
clock_now(void)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts) != 0)
		return (time_t)-1;
	return ts.tv_sec;
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

	r = spool_read_exec(dir, addr, &st, buf, &len);
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
	if ((now = clock_now()) == (time_t)-1) {
		warn("cannot read the clock for the record for %s: %s; "
		    "continuing without relay", addr, strerror(errno));
		v->why = "no clock";
		return;
	}
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

/*
 * As setenv does: the first entry of that name is replaced, else added.
 * The snapshot knows which entry that is: found by its address.
 */
static void
put(char **vars, size_t *n, char *buf, const char *name, const char *value)
{
	const char *old = config_entry(name);
	size_t i, len = strlen(name);

	memcpy(buf, name, len);
	buf[len] = '=';
	strcpy(buf + len + 1, value);
	for (i = 0; old != NULL && i < *n; i++)
		if (vars[i] == old) {
			vars[i] = buf;
			return;
		}
	vars[(*n)++] = buf;
}

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
	put(vars, &n, relayclient, "RELAYCLIENT", rc);
	if (r->user[0])
		put(vars, &n, user, "USER", r->user);
	if (r->domain[0])
		put(vars, &n, domain, "DOMAIN", r->domain);
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
	struct verdict v = { 0, "bad address", { "", "" } };
	const char *rc;

	(void)argc;
	if (next[0] == NULL)
		die_usage();
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
		info("%s: exporting RELAYCLIENT=%s USER=%s DOMAIN=%s", addr, rc,
		    v.rec.user, v.rec.domain);
	exec_relaying(next, rc, &v.rec, env_count());
}
