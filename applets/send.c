/* After a login on a POP/IMAP host, tell the SMTP hosts in $RELAY_CTRL_REMOTES from a detached child, and run the next program at once; see relay-ctrl-send(8). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/cold.h"
#include "../lib/config.h"
#include "../lib/dir.h"
#include "../lib/escape.h"
#include "../lib/exec.h"
#include "../lib/key.h"
#include "../lib/login.h"
#include "../lib/msg.h"
#include "../lib/net.h"
#include "../lib/packet.h"
#include "../lib/proc.h"
#include "../lib/spool.h"

#define REMOTES_MAX 32
#define TRIES_DEFAULT 5
#define TIMEOUT_DEFAULT 1
#define CLOSE_FALLBACK_MAX 65536

struct job {
	char addr[ADDR_NAME_SIZE];
	struct record rec;
	struct timespec when;		/* the login */
	struct key key;			/* len 0: relay-ctrl 3.2's format */
	const char *remotes;
	unsigned short port;
	long tries, timeout;
};

struct remote {
	struct peer peer;
	char shown[PEER_SHOW_SIZE];
	int answered;
	int err;			/* of the last send, or 0 */
};

struct round {
	struct remote r[REMOTES_MAX];
	int n, waiting;
	int sock[2];			/* IPv4, IPv6 */
	unsigned char pkt[PACKET_MAX];
	size_t len;
};

/* --- in the child: the sending ------------------------------------------- */

static long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int
sock_for(struct round *w, const struct remote *r)
{
	int i = r->peer.sa.ss_family == AF_INET6;

	if (w->sock[i] < 0)
		w->sock[i] = socket(i ? AF_INET6 : AF_INET,
		    SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return w->sock[i];
}

static void
add_remotes(struct round *w, const struct job *j)
{
	char item[PEER_TEXT_MAX], shown[VISIBLE_SIZE];
	const char *list = j->remotes, *why;
	struct remote *r;

	while (net_next(&list, item, sizeof(item)) != NULL) {
		if (w->n == REMOTES_MAX) {
			warn("RELAY_CTRL_REMOTES names more than %d hosts; "
			    "%s and the rest are not told", REMOTES_MAX,
			    visible(item, shown, sizeof(shown)));
			return;
		}
		r = &w->r[w->n];
		if ((why = net_parse(item, j->port, &r->peer)) != NULL) {
			warn("RELAY_CTRL_REMOTES names %s: %s; that host is "
			    "not told", visible(item, shown, sizeof(shown)),
			    why);
			continue;
		}
		net_show((const struct sockaddr *)&r->peer.sa, r->shown);
		r->answered = 0;
		r->err = 0;
		w->n++;
	}
	w->waiting = w->n;
}

static int
build(struct round *w, struct job *j)
{
	struct packet p;

	if (j->key.len == 0) {
		w->len = legacy_encode(j->addr, w->pkt, sizeof(w->pkt));
		return w->len > 0;
	}
	memset(&p, 0, sizeof(p));
	p.kind = ITEM_REQUEST;
	packet_stamp(&p, &j->when);
	strcpy(p.addr, j->addr);
	p.rec = j->rec;
	w->len = packet_encode(&p, j->key.bytes, j->key.len, w->pkt,
	    sizeof(w->pkt));
	if (w->len == 0) {
		warn("USER and DOMAIN of %s do not fit in a packet (USER at "
		    "most 250 bytes, DOMAIN 248, about 420 together); they "
		    "are not sent", j->addr);
		p.rec.user[0] = p.rec.domain[0] = '\0';
		w->len = packet_encode(&p, j->key.bytes, j->key.len, w->pkt,
		    sizeof(w->pkt));
	}
	return w->len > 0;
}

/* The answer of a remote we asked, to this very request. */
static int
answers(const struct job *j, const unsigned char *buf, size_t n)
{
	struct packet p;

	if (j->key.len == 0)
		return n == 1 && buf[0] == 1;
	return packet_decode(buf, n, j->key.bytes, j->key.len, &p) == NULL &&
	    p.kind == ITEM_RESPONSE && strcmp(p.addr, j->addr) == 0 &&
	    p.when.tv_sec == j->when.tv_sec &&
	    p.when.tv_nsec == j->when.tv_nsec;
}

static void
take_answers(struct round *w, const struct job *j, int fd)
{
	unsigned char buf[PACKET_MAX + 1];
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;
	int i;

	for (;;) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &flen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		for (i = 0; i < w->n; i++)
			if (!w->r[i].answered &&
			    net_same((struct sockaddr *)&from,
			    (struct sockaddr *)&w->r[i].peer.sa) &&
			    answers(j, buf, (size_t)n)) {
				w->r[i].answered = 1;
				w->waiting--;
			}
	}
}

static void
wait_answers(struct round *w, const struct job *j, long ms)
{
	struct pollfd p[2];
	long deadline = now_ms() + ms, left;
	int i, np = 0;

	for (i = 0; i < 2; i++)
		if (w->sock[i] >= 0) {
			p[np].fd = w->sock[i];
			p[np].events = POLLIN;
			np++;
		}
	while (w->waiting > 0 && (left = deadline - now_ms()) > 0) {
		if (left > 60000)
			left = 60000;
		if (poll(p, (nfds_t)np, (int)left) <= 0)
			continue;	/* EINTR, or the time is up */
		for (i = 0; i < np; i++)
			if (p[i].revents & POLLIN)
				take_answers(w, j, p[i].fd);
	}
}

static void
send_round(struct round *w)
{
	struct remote *r;
	int i, fd;

	for (i = 0; i < w->n; i++) {
		r = &w->r[i];
		if (r->answered)
			continue;
		fd = sock_for(w, r);
		if (fd < 0 || sendto(fd, w->pkt, w->len, 0,
		    (struct sockaddr *)&r->peer.sa, r->peer.len) < 0)
			r->err = errno;
		else
			r->err = 0;
	}
}

static void
tell_remotes(struct job *j)
{
	static struct round w COLD;
	struct remote *r;
	long i;

	w.sock[0] = w.sock[1] = -1;
	add_remotes(&w, j);
	if (w.n == 0 || !build(&w, j))
		return;
	for (i = 0; i < j->tries && w.waiting > 0; i++) {
		send_round(&w);
		wait_answers(&w, j, j->timeout * 1000);
	}
	for (i = 0; i < w.n; i++) {
		r = &w.r[i];
		if (!r->answered)
			warn("no answer from %s to the login of %s after %ld "
			    "tries %ld s apart%s%s; that SMTP host may not let "
			    "%s relay", r->shown, j->addr, j->tries,
			    j->timeout, r->err ? ": " : "",
			    r->err ? strerror(r->err) : "", j->addr);
	}
}

/* --- in the child: letting go of the login ------------------------- */

/* Every descriptor from 3 up: close_range(2), else /proc, else a loop. */
static void
close_from_3(void)
{
	static struct dir d COLD;
	const struct dirent *e;
	struct rlimit rl;
	long fd, top = CLOSE_FALLBACK_MAX;
	int self;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0)
		return;
#endif
	if ((self = open("/proc/self/fd", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) >= 0) {
		dir_start(&d, self);
		while ((e = dir_next(&d)) != NULL) {
			if (parse_number(e->d_name, &fd) != 0)
				continue;	/* "." and ".." */
			if (fd >= 3 && fd != self)
				close((int)fd);
		}
		close(self);
		return;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)top)
		top = (long)rl.rlim_cur;
	for (fd = 3; fd < top; fd++)
		close((int)fd);
}

/*
 * The child keeps nothing of the login: not the client's socket (0 and 1,
 * often 2), not fd 3, not the spool.  Messages keep going where the
 * login's went: stderr only if it is no socket, else syslog.
 */
static void
detach(void)
{
	struct sigaction dfl;
	struct stat st;
	sigset_t none;
	int null, keep2;

	keep2 = msg_sink() == SINK_STDERR && fstat(2, &st) == 0 &&
	    !S_ISSOCK(st.st_mode);
	if (msg_sink() == SINK_STDERR && !keep2)
		msg_force_sink(SINK_SYSLOG);
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!keep2)
			dup2(null, 2);
	} else {
		close(0);
		close(1);
		if (!keep2)
			close(2);
	}
	close_from_3();
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGALRM, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	/* by the system call: musl's sigprocmask brings pthread_sigmask */
	memset(&none, 0, sizeof(none));
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, _NSIG / 8);
}

/*
 * Two forks: the grandchild belongs to init, in a session of its own, so
 * the login's program never has a child it did not start, and no signal
 * meant for the login's process group reaches it.  The parent waits only
 * for the first child, which exits at once.
 */
static void
spawn(struct job *j)
{
	pid_t pid, r;
	long limit;

	msg_sink();	/* decided here, on the login's fd 2 */
	pid = proc_fork();
	if (pid < 0) {
		warn("cannot fork to tell the SMTP hosts of the login of %s: "
		    "%s; continuing without relay there", j->addr,
		    strerror(errno));
		return;
	}
	if (pid == 0) {
		setsid();
		pid = proc_fork();
		if (pid != 0) {
			if (pid < 0)
				warn("cannot fork to tell the SMTP hosts of "
				    "the login of %s: %s; continuing without "
				    "relay there", j->addr, strerror(errno));
			_exit(0);
		}
		detach();
		limit = j->tries * j->timeout + 10;
		alarm(limit > 86400 ? 86400 : (unsigned)limit);
		tell_remotes(j);
		key_forget(&j->key);
		_exit(0);
	}
	do
		r = waitpid(pid, NULL, 0);
	while (r < 0 && errno == EINTR);
}

/* --- in the login: what to send ------------------------------------ */

/* A number from min to max, or a warning and def: a typo never stops a login. */
static long
config_count(enum setting name, long def, long min, long max, const char *unit)
{
	char shown[VISIBLE_SIZE];
	const char *s = config_get(name);
	long v;

	if (s == NULL)
		return def;
	if (parse_number(s, &v) != 0 || v < min || v > max) {
		warn("%s=%s is not a number of %s from %ld to %ld; using %ld",
		    config_name(name), visible(s, shown, sizeof(shown)), unit, min, max,
		    def);
		return def;
	}
	return v;
}

/*
 * The secret: from the descriptor chdir opened as root, else from
 * RELAY_CTRL_KEYFILE if this process may read it.  Neither configured:
 * relay-ctrl 3.2's format (returns 0, key empty).  -1 after a warning:
 * a secret is configured but unusable, and nothing is sent unsigned.
 */
static int
load_key(struct key *k, const char *addr)
{
	const char *path = config_get(CF_KEYFILE), *why;
	char shown[VISIBLE_SIZE];
	int fd, own = 0;

	k->len = 0;
	if ((fd = key_env_fd()) < 0 && config_env(CF_KEY_FD) != NULL)
		warn("RELAY_CTRL_KEY_FD=%s is not an open regular file; "
		    "trying RELAY_CTRL_KEYFILE", visible(config_env(CF_KEY_FD),
		    shown, sizeof(shown)));
	if (fd < 0 && path != NULL && *path != '\0') {
		if ((fd = key_open(path)) < 0) {
			warn("cannot open the secret %.200s "
			    "(RELAY_CTRL_KEYFILE) for the login of %s: %s "
			    "(relay-ctrl-chdir opens it as root); no SMTP host "
			    "is told", path, addr, strerror(errno));
			return -1;
		}
		own = 1;
	}
	if (fd < 0)
		return 0;
	why = key_read(fd, k);
	if (own)
		close(fd);
	if (why != NULL) {
		warn("the secret (RELAY_CTRL_KEYFILE) is refused: %s; no SMTP "
		    "host is told of the login of %s", why, addr);
		return -1;
	}
	return 0;
}

/* Everything that may warn is decided here, before the fork. */
static int
prepare(struct job *j)
{
	char shown[VISIBLE_SIZE];
	const char *text, *var = "TCPREMOTEIP", *why;

	text = addr_from_env(&var);
	if ((why = addr_canon(text, j->addr)) != NULL) {
		warn("client address %s=%s is not usable: %s; no SMTP host is "
		    "told", var, visible(text, shown, sizeof(shown)), why);
		return 0;
	}
	j->remotes = config_get(CF_REMOTES);
	if (j->remotes == NULL || *j->remotes == '\0') {
		warn("RELAY_CTRL_REMOTES is not set; no SMTP host is told of "
		    "the login of %s", j->addr);
		return 0;
	}
	if (load_key(&j->key, j->addr) != 0)
		return 0;
	if (j->key.len == 0 && strchr(j->addr, ':') != NULL) {
		warn("relay-ctrl 3.2's format holds only IPv4 addresses, and "
		    "no secret is configured (RELAY_CTRL_KEYFILE); no SMTP "
		    "host is told of the login of %s", j->addr);
		return 0;
	}
	if (clock_gettime(CLOCK_REALTIME, &j->when) != 0) {
		warn("cannot read the clock for the login of %s: %s; no SMTP "
		    "host is told", j->addr, strerror(errno));
		return 0;
	}
	login_values(&j->rec, j->addr);
	j->port = config_port();
	j->tries = config_count(CF_TRIES, TRIES_DEFAULT, 1, 1000,
	    "tries");
	j->timeout = config_count(CF_TIMEOUT, TIMEOUT_DEFAULT, 1,
	    3600, "seconds");
	return 1;
}

int
send_main(int argc, char **argv)
{
	char **next = chain_args(argv);
	static struct job j COLD;
	int go;

	(void)argc;
	if (next[0] == NULL)
		die_usage();
	go = login_succeeded() && prepare(&j);
	spool_close(spool_env_fd());	/* and the secret's descriptor */
	if (go)
		spawn(&j);
	key_forget(&j.key);
	xexec(next);
}
