/* Unit tests for lib/packet.c and lib/net.c: the v1 packet both ways, every malformed shape refused, TIMESTAMP freshness at its bounds, relay-ctrl 3.2's format, peers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/net.h"
#include "lib/packet.h"
#include "lib/sha256.h"

static const char key[] = "0123456789abcdef-the-secret";
#define KEYLEN (sizeof(key) - 1)

/* A datagram put together item by item, right or wrong. */
struct b {
	unsigned char buf[700];
	size_t n;
};

static void
b_start(struct b *b)
{
	b->buf[0] = PACKET_VERSION;
	b->n = 1;
}

static void
b_item(struct b *b, int type, const void *data, size_t len)
{
	b->buf[b->n++] = (unsigned char)type;
	b->buf[b->n++] = (unsigned char)len;
	if (len > 0)
		memcpy(b->buf + b->n, data, len);
	b->n += len;
}

static void
b_str(struct b *b, int type, const char *s)
{
	b_item(b, type, s, strlen(s));
}

static void
b_mac(struct b *b)
{
	unsigned char mac[SHA256_SIZE];

	hmac_sha256(key, KEYLEN, b->buf, b->n, mac);
	b_item(b, ITEM_MAC, mac, sizeof(mac));
}

static void
b_end(struct b *b)
{
	b->buf[b->n++] = ITEM_END;
}

static const unsigned char v4[4] = { 192, 0, 2, 7 };
static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 7 };

/* REQUEST, TIMESTAMP, IPV4, then `extra`, MAC, END. */
static void
b_request(struct b *b, void (*extra)(struct b *))
{
	b_start(b);
	b_item(b, ITEM_REQUEST, NULL, 0);
	b_str(b, ITEM_TIMESTAMP, "1700000000.5");
	b_item(b, ITEM_IPV4, v4, 4);
	if (extra)
		extra(b);
	b_mac(b);
	b_end(b);
}

static const char *
decode(const struct b *b, struct packet *p)
{
	return packet_decode(b->buf, b->n, key, KEYLEN, p);
}

static void
fill(struct packet *p, int kind, const char *addr)
{
	struct timespec t = { 1700000000, 123456789 };

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	packet_stamp(p, &t);
	strcpy(p->addr, addr);
}

static void
test_round_trip(void **state)
{
	static const char *addrs[] = { "192.0.2.7", "2001:db8::7", "::1",
		"0.0.0.0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" };
	unsigned char buf[PACKET_MAX];
	struct packet p, q;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		fill(&p, ITEM_REQUEST, addrs[i]);
		strcpy(p.rec.user, "alice");
		strcpy(p.rec.domain, "example.com");
		n = packet_encode(&p, key, KEYLEN, buf, sizeof(buf));
		assert_true(n > 0);
		assert_null(packet_decode(buf, n, key, KEYLEN, &q));
		assert_int_equal(q.kind, ITEM_REQUEST);
		assert_string_equal(q.addr, addrs[i]);
		assert_string_equal(q.stamp, "1700000000.123456789");
		assert_int_equal(q.when.tv_sec, 1700000000);
		assert_int_equal(q.when.tv_nsec, 123456789);
		assert_string_equal(q.rec.user, "alice");
		assert_string_equal(q.rec.domain, "example.com");
		/* the MAC is the last item, END the last byte */
		assert_int_equal(buf[n - 1], ITEM_END);
		assert_int_equal(buf[n - 35], ITEM_MAC);
		assert_int_equal(buf[n - 34], SHA256_SIZE);
	}
	/* a response: no ENV, the request's TIMESTAMP text */
	fill(&p, ITEM_RESPONSE, "2001:db8::7");
	strcpy(p.stamp, "1700000000.5");
	n = packet_encode(&p, key, KEYLEN, buf, sizeof(buf));
	assert_null(packet_decode(buf, n, key, KEYLEN, &q));
	assert_int_equal(q.kind, ITEM_RESPONSE);
	assert_string_equal(q.stamp, "1700000000.5");
	assert_int_equal(q.when.tv_nsec, 500000000);
	/* without USER and DOMAIN */
	fill(&p, ITEM_REQUEST, "192.0.2.7");
	n = packet_encode(&p, key, KEYLEN, buf, sizeof(buf));
	assert_null(packet_decode(buf, n, key, KEYLEN, &q));
	assert_string_equal(q.rec.user, "");
	assert_string_equal(q.rec.domain, "");
}

/*
 * USER at most 250 bytes, DOMAIN 248: one length byte holds NAME=VALUE;
 * and both together within 512 bytes.
 */
static void
test_encode_limits(void **state)
{
	unsigned char buf[PACKET_MAX];
	struct packet p, q;
	size_t n;

	(void)state;
	fill(&p, ITEM_REQUEST, "2001:db8::7");
	memset(p.rec.user, 'u', 250);
	memset(p.rec.domain, 'd', 248);
	assert_int_equal(packet_encode(&p, key, KEYLEN, buf, sizeof(buf)), 0);
	memset(p.rec.domain, 0, sizeof(p.rec.domain));
	memset(p.rec.domain, 'd', 150);
	n = packet_encode(&p, key, KEYLEN, buf, sizeof(buf));
	assert_true(n > 0 && n <= PACKET_MAX);
	assert_null(packet_decode(buf, n, key, KEYLEN, &q));
	assert_string_equal(q.rec.user, p.rec.user);
	assert_string_equal(q.rec.domain, p.rec.domain);
	p.rec.user[250] = 'u';
	assert_int_equal(packet_encode(&p, key, KEYLEN, buf, sizeof(buf)), 0);
	p.rec.user[250] = '\0';
	p.rec.user[0] = '\0';
	memset(p.rec.domain, 'd', 248);
	assert_true(packet_encode(&p, key, KEYLEN, buf, sizeof(buf)) > 0);
	p.rec.domain[248] = 'd';
	assert_int_equal(packet_encode(&p, key, KEYLEN, buf, sizeof(buf)), 0);
	p.rec.domain[248] = '\0';
	/* too small a buffer: nothing, never a cut packet */
	for (n = 0; n < 40; n++)
		assert_int_equal(packet_encode(&p, key, KEYLEN, buf, n), 0);
	/* an address that is no address */
	strcpy(p.addr, "not an address");
	assert_int_equal(packet_encode(&p, key, KEYLEN, buf, sizeof(buf)), 0);
}

/* Cut anywhere, or one bit flipped anywhere: refused. */
static void
test_truncated_and_flipped(void **state)
{
	unsigned char buf[PACKET_MAX];
	struct packet p, q;
	size_t n, i, cut;
	int bit;

	(void)state;
	fill(&p, ITEM_REQUEST, "192.0.2.7");
	strcpy(p.rec.user, "alice");
	n = packet_encode(&p, key, KEYLEN, buf, sizeof(buf));
	for (cut = 0; cut < n; cut++)
		assert_non_null(packet_decode(buf, cut, key, KEYLEN, &q));
	for (i = 0; i < n; i++)
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (unsigned char)(1 << bit);
			assert_non_null(packet_decode(buf, n, key, KEYLEN, &q));
			buf[i] ^= (unsigned char)(1 << bit);
		}
	assert_null(packet_decode(buf, n, key, KEYLEN, &q));
	/* another secret */
	assert_string_equal(packet_decode(buf, n, "0123456789abcdef", 16, &q),
	    "its MAC is wrong (another secret, or forged)");
}

static void env_path(struct b *b) { b_str(b, ITEM_ENV, "PATH=/tmp"); }
static void env_preload(struct b *b) { b_str(b, ITEM_ENV, "LD_PRELOAD=/x.so"); }
static void env_relay(struct b *b) { b_str(b, ITEM_ENV, "RELAYCLIENT="); }
static void env_userx(struct b *b) { b_str(b, ITEM_ENV, "USERX=alice"); }
static void env_lower(struct b *b) { b_str(b, ITEM_ENV, "user=alice"); }
static void env_noeq(struct b *b) { b_str(b, ITEM_ENV, "USER"); }
static void env_empty(struct b *b) { b_str(b, ITEM_ENV, "USER="); }
static void env_nl(struct b *b) { b_str(b, ITEM_ENV, "USER=ali\nce"); }
static void env_del(struct b *b) { b_str(b, ITEM_ENV, "DOMAIN=a\x7f"); }
static void env_nul(struct b *b) { b_item(b, ITEM_ENV, "USER=a\0b", 8); }
static void env_twice(struct b *b)
{
	b_str(b, ITEM_ENV, "USER=alice");
	b_str(b, ITEM_ENV, "USER=mallory");
}
static void two_v4(struct b *b) { b_item(b, ITEM_IPV4, v4, 4); }
static void v4_and_v6(struct b *b) { b_item(b, ITEM_IPV6, v6, 16); }
static void two_stamps(struct b *b) { b_str(b, ITEM_TIMESTAMP, "1700000001"); }
static void two_kinds(struct b *b) { b_item(b, ITEM_REQUEST, NULL, 0); }
static void response_too(struct b *b) { b_item(b, ITEM_RESPONSE, NULL, 0); }
static void unknown8(struct b *b) { b_item(b, 8, "x", 1); }
static void unknown255(struct b *b) { b_item(b, 255, "", 0); }

static void
test_refused_shapes(void **state)
{
	static const struct {
		void (*extra)(struct b *);
		const char *why;
	} cases[] = {
		{ env_path, "an ENV item names a variable other than USER and DOMAIN" },
		{ env_preload, "an ENV item names a variable other than USER and DOMAIN" },
		{ env_relay, "an ENV item names a variable other than USER and DOMAIN" },
		{ env_userx, "an ENV item names a variable other than USER and DOMAIN" },
		{ env_lower, "an ENV item names a variable other than USER and DOMAIN" },
		{ env_noeq, "an ENV item holds no '='" },
		{ env_empty, "an ENV value is empty or holds a control character" },
		{ env_nl, "an ENV value is empty or holds a control character" },
		{ env_del, "an ENV value is empty or holds a control character" },
		{ env_nul, "an ENV value is empty or holds a control character" },
		{ env_twice, "an ENV item repeats a variable" },
		{ two_v4, "it names two addresses" },
		{ v4_and_v6, "it names two addresses" },
		{ two_stamps, "it holds two TIMESTAMP items" },
		{ two_kinds, "it holds two REQUEST or RESPONSE items" },
		{ response_too, "it holds two REQUEST or RESPONSE items" },
		{ unknown8, "it holds an item of unknown type" },
		{ unknown255, "it holds an item of unknown type" },
	};
	struct packet p;
	struct b b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b_request(&b, cases[i].extra);
		assert_string_equal(decode(&b, &p), cases[i].why);
	}
	b_request(&b, NULL);
	assert_null(decode(&b, &p));
}

static void
test_structure(void **state)
{
	struct packet p;
	struct b b;

	(void)state;
	/* not a packet at all */
	assert_string_equal(packet_decode((const unsigned char *)"", 0, key,
	    KEYLEN, &p), "it is not a version 1 packet");
	assert_string_equal(packet_decode((const unsigned char *)"\2", 1, key,
	    KEYLEN, &p), "it is not a version 1 packet");
	assert_string_equal(packet_decode((const unsigned char *)"\1", 1, key,
	    KEYLEN, &p), "it ends before its END item");
	/* oversized: a valid packet padded past 512 bytes */
	b_request(&b, NULL);
	memset(b.buf + b.n, 0, PACKET_MAX + 1 - b.n);
	assert_string_equal(packet_decode(b.buf, PACKET_MAX + 1, key, KEYLEN,
	    &p), "it is longer than 512 bytes");
	/* bytes after END */
	b_request(&b, NULL);
	b.buf[b.n++] = 0;
	assert_string_equal(decode(&b, &p), "bytes follow its END item");
	/* missing MAC */
	b_start(&b);
	b_item(&b, ITEM_REQUEST, NULL, 0);
	b_str(&b, ITEM_TIMESTAMP, "1700000000.5");
	b_item(&b, ITEM_IPV4, v4, 4);
	b_end(&b);
	assert_string_equal(decode(&b, &p), "it has no MAC");
	/* MAC not last: an item after a MAC that is right for what precedes */
	b_start(&b);
	b_item(&b, ITEM_REQUEST, NULL, 0);
	b_str(&b, ITEM_TIMESTAMP, "1700000000.5");
	b_item(&b, ITEM_IPV4, v4, 4);
	b_mac(&b);
	b_str(&b, ITEM_ENV, "USER=alice");
	b_end(&b);
	assert_string_equal(decode(&b, &p), "an item follows the MAC");
	/* two MACs */
	b_request(&b, NULL);
	b.n--;
	b_mac(&b);
	b_end(&b);
	assert_string_equal(decode(&b, &p), "an item follows the MAC");
	/* missing parts, with a right MAC */
	b_start(&b);
	b_str(&b, ITEM_TIMESTAMP, "1700000000.5");
	b_item(&b, ITEM_IPV4, v4, 4);
	b_mac(&b);
	b_end(&b);
	assert_string_equal(decode(&b, &p),
	    "it lacks REQUEST or RESPONSE, TIMESTAMP or the address");
	b_start(&b);
	b_item(&b, ITEM_REQUEST, NULL, 0);
	b_item(&b, ITEM_IPV4, v4, 4);
	b_mac(&b);
	b_end(&b);
	assert_string_equal(decode(&b, &p),
	    "it lacks REQUEST or RESPONSE, TIMESTAMP or the address");
	b_start(&b);
	b_item(&b, ITEM_REQUEST, NULL, 0);
	b_str(&b, ITEM_TIMESTAMP, "1700000000.5");
	b_mac(&b);
	b_end(&b);
	assert_string_equal(decode(&b, &p),
	    "it lacks REQUEST or RESPONSE, TIMESTAMP or the address");
	/* a RESPONSE with ENV */
	b_start(&b);
	b_item(&b, ITEM_RESPONSE, NULL, 0);
	b_str(&b, ITEM_TIMESTAMP, "1700000000.5");
	b_item(&b, ITEM_IPV4, v4, 4);
	b_str(&b, ITEM_ENV, "USER=alice");
	b_mac(&b);
	b_end(&b);
	assert_string_equal(decode(&b, &p), "a RESPONSE holds ENV items");
	/* an item's length runs past the end */
	b_start(&b);
	b_item(&b, ITEM_REQUEST, NULL, 0);
	b.buf[b.n++] = ITEM_TIMESTAMP;
	b.buf[b.n++] = 200;
	memcpy(b.buf + b.n, "1700000000", 10);
	b.n += 10;
	b_end(&b);
	assert_string_equal(decode(&b, &p),
	    "an item runs past the end of the datagram");
	/* a type byte with no length byte */
	b_start(&b);
	b.buf[b.n++] = ITEM_REQUEST;
	assert_string_equal(decode(&b, &p),
	    "an item runs past the end of the datagram");
}

static void
wrong_length(int type, const void *data, size_t len, const char *why)
{
	struct packet p;
	struct b b;

	b_start(&b);
	if (type != ITEM_REQUEST)
		b_item(&b, ITEM_REQUEST, NULL, 0);
	if (type != ITEM_TIMESTAMP)
		b_str(&b, ITEM_TIMESTAMP, "1700000000.5");
	if (type != ITEM_IPV4 && type != ITEM_IPV6)
		b_item(&b, ITEM_IPV4, v4, 4);
	if (type == ITEM_MAC) {
		b_item(&b, ITEM_MAC, data, len);
	} else {
		b_item(&b, type, data, len);
		b_mac(&b);
	}
	b_end(&b);
	assert_string_equal(decode(&b, &p), why);
}

static void
test_wrong_lengths(void **state)
{
	static const unsigned char z[40];

	(void)state;
	wrong_length(ITEM_REQUEST, "x", 1,
	    "a REQUEST or RESPONSE item is not empty");
	wrong_length(ITEM_IPV4, v4, 3, "an address item has the wrong length");
	wrong_length(ITEM_IPV4, v6, 5, "an address item has the wrong length");
	wrong_length(ITEM_IPV4, v6, 16, "an address item has the wrong length");
	wrong_length(ITEM_IPV6, v6, 15, "an address item has the wrong length");
	wrong_length(ITEM_IPV6, v4, 4, "an address item has the wrong length");
	wrong_length(ITEM_MAC, z, 31, "its MAC item has the wrong length");
	wrong_length(ITEM_MAC, z, 33, "its MAC item has the wrong length");
	wrong_length(ITEM_MAC, z, 0, "its MAC item has the wrong length");
	wrong_length(ITEM_TIMESTAMP, "", 0,
	    "its TIMESTAMP is not decimal seconds");
	wrong_length(ITEM_TIMESTAMP, "1700000000.1234567890", 21,
	    "its TIMESTAMP is not decimal seconds");
	wrong_length(ITEM_TIMESTAMP, "1700000000.12345678901", 22,
	    "its TIMESTAMP is too long");
}

static void
stamp_is(const char *text, const char *why)
{
	struct packet p;
	struct b b;

	b_start(&b);
	b_item(&b, ITEM_REQUEST, NULL, 0);
	b_str(&b, ITEM_TIMESTAMP, text);
	b_item(&b, ITEM_IPV4, v4, 4);
	b_mac(&b);
	b_end(&b);
	if (why == NULL)
		assert_null(decode(&b, &p));
	else
		assert_string_equal(decode(&b, &p), why);
}

static void
test_timestamps(void **state)
{
	const char *bad = "its TIMESTAMP is not decimal seconds";

	(void)state;
	stamp_is("1700000000", NULL);
	stamp_is("1700000000.0", NULL);
	stamp_is("1700000000.999999999", NULL);
	stamp_is("99999999999", NULL);
	stamp_is("0", NULL);
	stamp_is("999999999999", bad);		/* 12 digits */
	stamp_is("1700000000.", bad);
	stamp_is(".5", bad);
	stamp_is("-1700000000", bad);
	stamp_is("+1700000000", bad);
	stamp_is(" 1700000000", bad);
	stamp_is("1700000000 ", bad);
	stamp_is("1700000000.5x", bad);
	stamp_is("1700000000.5.5", bad);
	stamp_is("1e9", bad);
	stamp_is("0x65", bad);
	stamp_is("1700000000,5", bad);
}

static void
address_is(int type, const unsigned char *a, const char *why)
{
	struct packet p;
	struct b b;

	b_start(&b);
	b_item(&b, ITEM_REQUEST, NULL, 0);
	b_str(&b, ITEM_TIMESTAMP, "1700000000");
	b_item(&b, type, a, type == ITEM_IPV4 ? 4 : 16);
	b_mac(&b);
	b_end(&b);
	if (why == NULL)
		assert_null(decode(&b, &p));
	else
		assert_string_equal(decode(&b, &p), why);
}

static void
test_addresses(void **state)
{
	static const unsigned char mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0xff, 0xff, 192, 0, 2, 7 };
	static const unsigned char any[16];
	static const unsigned char compat[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 192, 0, 2, 7 };
	struct packet p;
	struct b b;

	(void)state;
	address_is(ITEM_IPV6, v6, NULL);
	address_is(ITEM_IPV4, v4, NULL);
	address_is(ITEM_IPV6, mapped,
	    "its IPV6 item holds an IPv4-mapped address");
	address_is(ITEM_IPV6, any,
	    "it is the unspecified or a deprecated IPv4-compatible address");
	address_is(ITEM_IPV6, compat,
	    "it is the unspecified or a deprecated IPv4-compatible address");
	b_request(&b, NULL);
	decode(&b, &p);
	assert_string_equal(p.addr, "192.0.2.7");
}

/* The spool's bounds: now - EXPIRY < TIMESTAMP <= now + CLOCK_SKEW. */
static void
test_timely(void **state)
{
	const time_t now = 1700000000;
	struct timespec t = { 0, 0 };

	(void)state;
	t.tv_sec = now;
	assert_null(packet_timely(&t, now, 900, 60));
	t.tv_sec = now + 60;
	t.tv_nsec = 999999999;
	assert_null(packet_timely(&t, now, 900, 60));
	t.tv_sec = now + 61;
	t.tv_nsec = 0;
	assert_string_equal(packet_timely(&t, now, 900, 60), "its TIMESTAMP "
	    "lies more than RELAY_CTRL_CLOCK_SKEW seconds in the future");
	t.tv_sec = now - 899;
	assert_null(packet_timely(&t, now, 900, 60));
	t.tv_sec = now - 900;
	t.tv_nsec = 999999999;
	assert_string_equal(packet_timely(&t, now, 900, 60),
	    "its TIMESTAMP is older than RELAY_CTRL_EXPIRY seconds");
	t.tv_sec = 0;
	assert_non_null(packet_timely(&t, now, 900, 60));
	/* skew 0: not one second ahead */
	t.tv_sec = now + 1;
	assert_non_null(packet_timely(&t, now, 900, 0));
	t.tv_sec = now;
	assert_null(packet_timely(&t, now, 900, 0));
	/* far in the future is never fresh */
	t.tv_sec = (time_t)99999999999LL;
	assert_non_null(packet_timely(&t, now, 900, 60));
}

static void
legacy_is(const char *text, size_t len, const char *want)
{
	char addr[ADDR_NAME_SIZE];
	const char *why = legacy_decode((const unsigned char *)text, len, addr);

	if (want == NULL) {
		assert_non_null(why);
	} else {
		assert_null(why);
		assert_string_equal(addr, want);
	}
}

static void
test_legacy(void **state)
{
	unsigned char buf[64];

	(void)state;
	legacy_is("192.0.2.7", 9, "192.0.2.7");
	legacy_is("255.255.255.255", 15, "255.255.255.255");
	legacy_is("192.0.2.7\n", 10, NULL);
	legacy_is("192.0.2.7", 10, NULL);	/* with its NUL */
	legacy_is("::ffff:192.0.2.7", 16, NULL);
	legacy_is("::1", 3, NULL);
	legacy_is("192.0.2", 7, NULL);
	legacy_is("192.0.2.07", 10, NULL);
	legacy_is("192.0.2.256", 11, NULL);
	legacy_is("", 0, NULL);
	legacy_is("1.2.3.4.5.6.7.8", 15, NULL);
	legacy_is("../../etc/passw", 15, NULL);
	assert_int_equal(legacy_encode("192.0.2.7", buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "192.0.2.7", 9);
	assert_int_equal(legacy_encode("2001:db8::7", buf, sizeof(buf)), 0);
	assert_int_equal(legacy_encode("192.0.2.7", buf, 8), 0);
}

static void
peer_is(const char *text, const char *shown)
{
	char got[PEER_SHOW_SIZE];
	struct peer p;
	const char *why = net_parse(text, 811, &p);

	if (shown == NULL) {
		assert_non_null(why);
		return;
	}
	assert_null(why);
	net_show((struct sockaddr *)&p.sa, got);
	assert_string_equal(got, shown);
}

static void
test_peers(void **state)
{
	const char *list = ",192.0.2.25,,[2001:db8::25]:8811,";
	char item[PEER_TEXT_MAX];
	struct peer a, b;

	(void)state;
	peer_is("192.0.2.25", "192.0.2.25:811");
	peer_is("192.0.2.25:8811", "192.0.2.25:8811");
	peer_is("2001:db8::25", "[2001:db8::25]:811");
	peer_is("[2001:db8::25]", "[2001:db8::25]:811");
	peer_is("[2001:DB8:0::25]:8811", "[2001:db8::25]:8811");
	peer_is("[::ffff:192.0.2.25]:1", "192.0.2.25:1");
	peer_is("192.0.2.25:0", NULL);
	peer_is("192.0.2.25:65536", NULL);
	peer_is("192.0.2.25:", NULL);
	peer_is("192.0.2.25:x", NULL);
	peer_is("[192.0.2.25]:811", NULL);
	peer_is("[2001:db8::25", NULL);
	peer_is("[2001:db8::25]x", NULL);
	peer_is("2001:db8::25:811x", NULL);
	peer_is("fe80::1%eth0", NULL);
	peer_is("mail.example.com", NULL);
	peer_is("mail.example.com:811", NULL);
	peer_is("", NULL);
	peer_is(" 192.0.2.25", NULL);
	assert_string_equal(net_next(&list, item, sizeof(item)), "192.0.2.25");
	assert_string_equal(net_next(&list, item, sizeof(item)),
	    "[2001:db8::25]:8811");
	assert_null(net_next(&list, item, sizeof(item)));
	assert_null(net_parse("192.0.2.25:811", 1, &a));
	assert_null(net_parse("192.0.2.25", 811, &b));
	assert_true(net_same((struct sockaddr *)&a.sa, (struct sockaddr *)&b.sa));
	assert_null(net_parse("192.0.2.25:812", 1, &b));
	assert_false(net_same((struct sockaddr *)&a.sa, (struct sockaddr *)&b.sa));
	assert_null(net_parse("[::ffff:192.0.2.25]:811", 1, &b));
	assert_false(net_same((struct sockaddr *)&a.sa, (struct sockaddr *)&b.sa));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_truncated_and_flipped),
		cmocka_unit_test(test_refused_shapes),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_wrong_lengths),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_timely),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_peers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
