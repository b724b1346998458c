/* The SMTP host's receiver: a record for every authentic login packet from send, an answer, and nothing for anything else; see relay-ctrl-udp(8). */
#define _GNU_SOURCE		/* struct in6_pktinfo, with glibc too */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/cold.h"
#include "../lib/config.h"
#include "../lib/escape.h"
#include "../lib/fmt.h"
#include "../lib/key.h"
#include "../lib/msg.h"
#include "../lib/net.h"
#include "../lib/packet.h"
#include "../lib/sha256.h"
#include "../lib/spool.h"

#define LISTEN_MAX 16
#define LEGACY_MAX 64
#define RCVBUF (4 << 20)	/* about 4000 queued requests */
#define BATCH 64		/* datagrams read from one socket in a turn */
#define WARN_BURST 10		/* warnings about datagrams per window */
#define WARN_WINDOW 60		/* seconds */
#define SEEN_SETS 1024
#define SEEN_WAYS 4
#define SEEN_BYTES 16

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

struct listener {
	int fd;
	char shown[PEER_SHOW_SIZE];
	uint32_t dropped;	/* the kernel's count, as last seen */
};

struct seen {
	unsigned char mac[SEEN_BYTES];
	time_t when;			/* 0: empty */
};

/* Everything udp holds, from start-up to the end. */
struct udp {
	int dir;
	char what[256];
	struct key key;			/* len 0: relay-ctrl 3.2's only */
	char legacy[LEGACY_MAX][ADDR_NAME_SIZE];
	int nlegacy;
	struct listener l[LISTEN_MAX];
	struct pollfd p[LISTEN_MAX];
	int nl;
	long expiry, skew;
	struct {
		time_t start;
		int shown;
		long held;
	} limit;			/* warnings about datagrams */
	struct {
		time_t last;
		unsigned long lost;
	} ovfl;				/* datagrams the kernel dropped */
	struct seen seen[SEEN_SETS][SEEN_WAYS];
};

/* --- warnings about datagrams: at most WARN_BURST a minute --------- */

static void
flush_held(struct udp *u, time_t now)
{
	if (u->limit.held > 0)
		warn("%ld more warnings about datagrams were held back in the "
		    "last %d s", u->limit.held, WARN_WINDOW);
	u->limit.start = now;
	u->limit.shown = 0;
	u->limit.held = 0;
}

/* A sender of garbage must not be able to flood the log. */
static void __attribute__((format(printf, 2, 3)))
drop(struct udp *u, const char *fmt, ...)
{
	char text[900];
	time_t now = time(NULL);
	va_list ap;

	if (now - u->limit.start >= WARN_WINDOW)
		flush_held(u, now);
	if (u->limit.shown >= WARN_BURST) {
		u->limit.held++;
		return;
	}
	u->limit.shown++;
	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	warn("%s", text);
}

/* --- replays -------------------------------------------------------- */

/*
 * The MACs of requests recorded lately.  A request whose record is older
 * than its TIMESTAMP is written, so without this a packet replayed after
 * `relayctl revoke` would bring the record back until the login's own
 * expiry.  Only authentic packets get in, so the set cannot be flooded;
 * when a set is full its oldest login goes, which the record's own time
 * still covers (see relay-ctrl-udp(8), REPLAYS).
 */
static struct seen *
seen_set(struct udp *u, const unsigned char *mac)
{
	return u->seen[(mac[0] | (unsigned)mac[1] << 8) % SEEN_SETS];
}

static int
seen_before(struct udp *u, const unsigned char *mac)
{
	struct seen *s = seen_set(u, mac);
	int i;

	for (i = 0; i < SEEN_WAYS; i++)
		if (s[i].when != 0 && memcmp(s[i].mac, mac, SEEN_BYTES) == 0)
			return 1;
	return 0;
}

static void
remember(struct udp *u, const unsigned char *mac, time_t when)
{
	struct seen *s = seen_set(u, mac), *old = s;
	int i;

	for (i = 1; i < SEEN_WAYS; i++)
		if (s[i].when < old->when)
			old = &s[i];
	memcpy(old->mac, mac, SEEN_BYTES);
	old->when = when;
}

/* --- one datagram --------------------------------------------------- */

/* Where a datagram came from, and the address it came to. */
struct sender {
	int fd;
	struct sockaddr_storage sa;
	socklen_t len;
	char shown[PEER_SHOW_SIZE];
	size_t srclen;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} src;			/* the answer's source, as a control message */
};

/*
 * The answer leaves from the address the request came to: on a host with
 * several addresses the kernel would otherwise pick one by its routes,
 * and send takes answers only from the address it asked.  A lost answer
 * costs the sender one more try, no more.
 */
static void
reply(const struct sender *s, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	m.msg_name = (void *)&s->sa;
	m.msg_namelen = s->len;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (s->srclen > 0) {
		m.msg_control = (void *)s->src.buf;
		m.msg_controllen = s->srclen;
	}
	sendmsg(s->fd, &m, MSG_DONTWAIT);
}

static int
later(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/*
 * The record already says so, or more: a retry of a request whose answer
 * was lost, a replay, or an older login that arrived late.  Writing it
 * would move the record's time back.
 */
static int
covered(struct udp *u, const char *addr, const struct timespec *when)
{
	struct freshness f = { time(NULL), u->expiry, u->skew };
	struct lookup l;

	spool_lookup(u->dir, addr, &f, LOOK_TIME, &l, NULL, NULL);
	return l.found >= REC_STALE && !later(when, &l.mtime);
}

static int
record(struct udp *u, const char *addr, const struct record *rec,
    const struct timespec *when, const char *from)
{
	char content[RECORD_FILE_MAX];
	const char *step;
	size_t len;

	len = record_encode(rec, content, sizeof(content));
	if (spool_write(u->dir, addr, content, len, when, &step) == 0)
		return 0;
	drop(u, "cannot %s record for %s (from %s) in %s: %s; no answer, the "
	    "sender tries again", step, addr, from, u->what, strerror(errno));
	return -1;
}

static void
signed_request(struct udp *u, const struct sender *from,
    const unsigned char *buf, size_t n)
{
	const char *shown = from->shown;
	unsigned char out[PACKET_MAX];
	const unsigned char *mac = buf + n - 1 - SHA256_SIZE;
	struct packet p;
	const char *why;
	size_t len;

	if (u->key.len == 0) {
		drop(u, "dropped a signed packet from %s: no secret is "
		    "configured (RELAY_CTRL_KEYFILE); nothing was written",
		    shown);
		return;
	}
	why = packet_decode(buf, n, u->key.bytes, u->key.len, &p);
	if (why != NULL) {
		drop(u, "dropped a datagram from %s: %s; nothing was written",
		    shown, why);
		return;
	}
	if (p.kind != ITEM_REQUEST) {
		drop(u, "dropped a datagram from %s: it is a RESPONSE, not a "
		    "REQUEST; nothing was written", shown);
		return;
	}
	if ((why = packet_timely(&p.when, time(NULL), u->expiry, u->skew)) !=
	    NULL) {
		drop(u, "dropped the request for %s from %s: %s; nothing was "
		    "written", p.addr, shown, why);
		return;
	}
	if (!seen_before(u, mac) && !covered(u, p.addr, &p.when)) {
		if (record(u, p.addr, &p.rec, &p.when, shown) != 0)
			return;
		remember(u, mac, p.when.tv_sec);
	}
	p.kind = ITEM_RESPONSE;
	memset(&p.rec, 0, sizeof(p.rec));
	if ((len = packet_encode(&p, u->key.bytes, u->key.len, out,
	    sizeof(out))) > 0)
		reply(from, out, len);
}

static int
legacy_sender(const struct udp *u, const struct sockaddr *from)
{
	char name[ADDR_NAME_SIZE];
	int i;

	if (net_name(from, name) != NULL)
		return 0;
	for (i = 0; i < u->nlegacy; i++)
		if (strcmp(u->legacy[i], name) == 0)
			return 1;
	return 0;
}

/* relay-ctrl 3.2's request has no time: the record gets ours. */
static void
legacy_request(struct udp *u, const struct sender *from,
    const unsigned char *buf, size_t n)
{
	const char *shown = from->shown;
	static const unsigned char ok = 1;
	static struct record none;	/* no USER, no DOMAIN */
	char addr[ADDR_NAME_SIZE];
	struct timespec now;
	const char *why;

	if (!legacy_sender(u, (const struct sockaddr *)&from->sa)) {
		drop(u, "dropped a datagram from %s: it is not a signed "
		    "packet, and relay-ctrl 3.2's unsigned format is accepted "
		    "only from RELAY_CTRL_LEGACY_FROM; nothing was written",
		    shown);
		return;
	}
	if ((why = legacy_decode(buf, n, addr)) != NULL) {
		drop(u, "dropped a datagram from %s: %s; nothing was written",
		    shown, why);
		return;
	}
	if (clock_gettime(CLOCK_REALTIME, &now) != 0 ||
	    record(u, addr, &none, &now, shown) != 0)
		return;
	reply(from, &ok, 1);
}

/*
 * Datagrams the kernel dropped on a full queue, said at most every
 * WARN_WINDOW seconds: apart from the warnings about datagrams, which
 * the flood itself would use up.
 */
static void
say_drops(struct udp *u, time_t now)
{
	if (u->ovfl.lost == 0 || now - u->ovfl.last < WARN_WINDOW)
		return;
	warn("the kernel dropped %lu datagrams: relay-ctrl-udp fell behind "
	    "(a slow spool disk?); their senders try again", u->ovfl.lost);
	u->ovfl.lost = 0;
	u->ovfl.last = now;
}

/*
 * What comes with each datagram: the kernel's count of the datagrams it
 * dropped, and the address the datagram came to, kept for the answer.
 */
static void
read_control(struct udp *u, struct listener *l, struct msghdr *m,
    struct sender *from)
{
	struct in_pktinfo in;
	struct in6_pktinfo in6;
	struct cmsghdr *c, *out = (struct cmsghdr *)from->src.buf;
	uint32_t total;

	from->srclen = 0;
	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&total, CMSG_DATA(c), sizeof(total));
			u->ovfl.lost += total - l->dropped;
			l->dropped = total;
		} else if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			memcpy(&in, CMSG_DATA(c), sizeof(in));
			in.ipi_spec_dst = in.ipi_addr;
			in.ipi_ifindex = 0;
			out->cmsg_level = IPPROTO_IP;
			out->cmsg_type = IP_PKTINFO;
			out->cmsg_len = CMSG_LEN(sizeof(in));
			memcpy(CMSG_DATA(out), &in, sizeof(in));
			from->srclen = CMSG_SPACE(sizeof(in));
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&in6, CMSG_DATA(c), sizeof(in6));
			out->cmsg_level = IPPROTO_IPV6;
			out->cmsg_type = IPV6_PKTINFO;
			out->cmsg_len = CMSG_LEN(sizeof(in6));
			memcpy(CMSG_DATA(out), &in6, sizeof(in6));
			from->srclen = CMSG_SPACE(sizeof(in6));
		}
	}
	say_drops(u, time(NULL));
}

/* Returns 0 when the socket has nothing more to read. */
static int
serve_one(struct udp *u, struct listener *l)
{
	unsigned char buf[PACKET_MAX + 1];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(uint32_t)) +
		    CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct sender from;
	struct msghdr m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.msg_name = &from.sa;
	m.msg_namelen = sizeof(from.sa);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof(ctl.buf);
	n = recvmsg(l->fd, &m, MSG_DONTWAIT);
	if (n < 0)
		return errno == EINTR;
	from.fd = l->fd;
	from.len = m.msg_namelen;
	read_control(u, l, &m, &from);
	net_show((struct sockaddr *)&from.sa, from.shown);
	if ((size_t)n > PACKET_MAX || (m.msg_flags & MSG_TRUNC))
		drop(u, "dropped a datagram from %s: it is longer than %d "
		    "bytes; nothing was written", from.shown, PACKET_MAX);
	else if (n > 0 && buf[0] == PACKET_VERSION)
		signed_request(u, &from, buf, (size_t)n);
	else
		legacy_request(u, &from, buf, (size_t)n);
	return 1;
}

/* A pending socket error would make poll return at once, forever. */
static void
clear_error(int fd)
{
	socklen_t len;
	int e;

	len = sizeof(e);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
}

static _Noreturn void
serve(struct udp *u)
{
	time_t now;
	int i, k, r;

	for (;;) {
		r = poll(u->p, (nfds_t)u->nl, u->limit.held > 0 ||
		    u->ovfl.lost > 0 ? WARN_WINDOW * 1000 : -1);
		now = time(NULL);
		if (u->limit.held > 0 && now - u->limit.start >= WARN_WINDOW)
			flush_held(u, now);
		say_drops(u, now);
		if (r <= 0)
			continue;
		for (i = 0; i < u->nl; i++) {
			if (u->p[i].revents & POLLERR)
				clear_error(u->p[i].fd);
			if (u->p[i].revents & POLLIN)
				for (k = 0; k < BATCH && serve_one(u, &u->l[i]);
				    k++)
					;
		}
	}
}

/* --- start-up ------------------------------------------------------- */

/*
 * A deep queue, so that a burst or a slow disk costs time, not datagrams;
 * the drop count and the address each datagram came to.
 */
static void
tune(int fd, int family)
{
	int size = RCVBUF, on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
}

/* Returns 0, or -1 with errno. */
static int
listen_on(struct udp *u, const struct peer *p)
{
	struct listener *l = &u->l[u->nl];
	int fd, on = 1, e;

	fd = socket(p->sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd < 0)
		return -1;
	/* one socket a family: a v6 socket never sees IPv4 as ::ffff:... */
	if ((p->sa.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) != 0) ||
	    bind(fd, (const struct sockaddr *)&p->sa, p->len) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	tune(fd, p->sa.ss_family);
	l->fd = fd;
	l->dropped = 0;
	net_show((const struct sockaddr *)&p->sa, l->shown);
	u->p[u->nl].fd = fd;
	u->p[u->nl].events = POLLIN;
	u->nl++;
	return 0;
}

static void
open_listeners(struct udp *u)
{
	char item[PEER_TEXT_MAX], shown[VISIBLE_SIZE], where[PEER_SHOW_SIZE];
	const char *list = config_get(CF_LISTEN), *why;
	unsigned short port = config_port();
	int all = list == NULL || *list == '\0';
	struct peer p;

	if (all)
		list = "0.0.0.0,::";
	while (net_next(&list, item, sizeof(item)) != NULL) {
		if (u->nl == LISTEN_MAX)
			die_temp("RELAY_CTRL_LISTEN names more than %d "
			    "addresses", LISTEN_MAX);
		if ((why = net_parse(item, port, &p)) != NULL)
			die_temp("RELAY_CTRL_LISTEN names %s: %s", visible(item,
			    shown, sizeof(shown)), why);
		if (listen_on(u, &p) == 0)
			continue;
		net_show((const struct sockaddr *)&p.sa, where);
		if (all && p.sa.ss_family == AF_INET6 && errno == EAFNOSUPPORT)
			warn("this host has no IPv6; listening on IPv4 only");
		else
			die_temp("cannot listen on %s: %s", where,
			    strerror(errno));
	}
	if (u->nl == 0)
		die_temp("RELAY_CTRL_LISTEN names no address");
}

static void
load_key(struct udp *u)
{
	const char *path = config_get(CF_KEYFILE), *why;
	int fd = key_env_fd(), own = 0;

	if (fd < 0 && path != NULL && *path != '\0') {
		if ((fd = key_open(path)) < 0)
			die_temp("cannot open the secret %.200s "
			    "(RELAY_CTRL_KEYFILE): %s", path, strerror(errno));
		own = 1;
	}
	if (fd < 0) {
		key_close();
		return;
	}
	if ((why = key_read(fd, &u->key)) != NULL)
		die_temp("the secret %.200s (RELAY_CTRL_KEYFILE) is refused: "
		    "%s", path != NULL ? path : "from RELAY_CTRL_KEY_FD", why);
	if (own)
		close(fd);
	key_close();
}

static void
load_legacy(struct udp *u)
{
	char item[PEER_TEXT_MAX], shown[VISIBLE_SIZE];
	const char *list = config_get(CF_LEGACY_FROM), *why;

	if (list == NULL)
		return;
	while (net_next(&list, item, sizeof(item)) != NULL) {
		if (u->nlegacy == LEGACY_MAX)
			die_temp("RELAY_CTRL_LEGACY_FROM names more than %d "
			    "senders", LEGACY_MAX);
		if ((why = addr_canon(item, u->legacy[u->nlegacy])) != NULL)
			die_temp("RELAY_CTRL_LEGACY_FROM names %s: %s",
			    visible(item, shown, sizeof(shown)), why);
		u->nlegacy++;
	}
}

/*
 * envuidgid's $UID and $GID, numeric; the change is checked, not assumed.
 * The system calls themselves: udp has one thread, and musl's wrappers
 * would bring the code that changes the ids of every thread (3 KiB).
 */
static void
drop_privileges(void)
{
	const char *us = getenv("UID"), *gs = getenv("GID");
	long uid, gid;

	if (us == NULL && gs == NULL)
		return;
	if (us == NULL || gs == NULL || parse_number(us, &uid) != 0 ||
	    parse_number(gs, &gid) != 0)
		die_temp("UID and GID must both be set to numeric ids (as "
		    "envuidgid sets them)");
	if (syscall(SYS_setgroups, 0, NULL) != 0 ||
	    syscall(SYS_setgid, (gid_t)gid) != 0 ||
	    syscall(SYS_setuid, (uid_t)uid) != 0)
		die_temp("cannot become uid %ld gid %ld: %s", uid, gid,
		    strerror(errno));
	if (getuid() != (uid_t)uid || geteuid() != (uid_t)uid ||
	    getgid() != (gid_t)gid || getegid() != (gid_t)gid ||
	    (uid != 0 && syscall(SYS_setuid, 0) == 0))
		die_temp("the change to uid %ld gid %ld did not hold", uid,
		    gid);
}

int
udp_main(int argc, char **argv)
{
	static struct udp u COLD;	/* 100 KiB: not on the stack */
	int i;

	(void)argv;
	if (argc > 1)
		die_usage();
	if ((u.dir = spool_open(u.what, sizeof(u.what))) < 0)
		die_temp("cannot open %s: %s", u.what, spool_strerror(errno));
	load_key(&u);
	load_legacy(&u);
	if (u.key.len == 0 && u.nlegacy == 0)
		die_temp("neither a secret (RELAY_CTRL_KEYFILE) nor relay-ctrl "
		    "3.2 senders (RELAY_CTRL_LEGACY_FROM) are configured; set "
		    "at least one");
	spool_freshness(&u.expiry, &u.skew);
	open_listeners(&u);
	drop_privileges();
	for (i = 0; i < u.nl; i++)
		info("listening on %s%s", u.l[i].shown, u.key.len ? "" :
		    " (relay-ctrl 3.2's format only)");
	serve(&u);
}
