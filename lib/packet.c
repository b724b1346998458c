/* Encode and check send's and udp's datagrams: every shape but the one relayctl writes is refused; see relay-ctrl-udp(8), PACKETS. */
#include <arpa/inet.h>
#include <string.h>

#include "fmt.h"
#include "packet.h"
#include "sha256.h"

#define LEGACY_MAX 15		/* "255.255.255.255" */

/* The login time as TIMESTAMP text: decimal seconds, a point, nanoseconds. */
void
packet_stamp(struct packet *p, const struct timespec *t)
{
	char *e;

	e = fmt_decimal(p->stamp, (unsigned long long)t->tv_sec, 1);
	*e++ = '.';
	e = fmt_decimal(e, (unsigned long long)t->tv_nsec, 9);
	*e = '\0';
	p->when = *t;
}

static size_t
put(unsigned char *buf, size_t n, size_t size, int type, const void *data,
    size_t len)
{
	if (n == 0 || len > ITEM_MAX || n + 2 + len > size)
		return 0;
	buf[n] = (unsigned char)type;
	buf[n + 1] = (unsigned char)len;
	if (len > 0)
		memcpy(buf + n + 2, data, len);
	return n + 2 + len;
}

static size_t
put_env(unsigned char *buf, size_t n, size_t size, const char *name,
    const char *value)
{
	char item[ITEM_MAX + 1];
	int len;

	if (value[0] == '\0')
		return n;
	len = fmt_snprintf(item, sizeof(item), "%s=%s", name, value);
	if (len < 0 || len > ITEM_MAX)
		return 0;
	return put(buf, n, size, ITEM_ENV, item, (size_t)len);
}

/*
 * REQUEST or RESPONSE, TIMESTAMP, the address, USER and DOMAIN (requests),
 * MAC, END.  Returns the length, or 0 if it does not fit: a value too long
 * for one item (USER over 250 bytes, DOMAIN over 248) or for 512 bytes.
 */
size_t
packet_encode(const struct packet *p, const void *key, size_t keylen,
    unsigned char *buf, size_t size)
{
	unsigned char a[16], mac[SHA256_SIZE];
	int v6 = strchr(p->addr, ':') != NULL;
	size_t n;

	if (size > PACKET_MAX)
		size = PACKET_MAX;
	if (size < 1 || inet_pton(v6 ? AF_INET6 : AF_INET, p->addr, a) != 1)
		return 0;
	buf[0] = PACKET_VERSION;
	n = put(buf, 1, size, p->kind, NULL, 0);
	n = put(buf, n, size, ITEM_TIMESTAMP, p->stamp, strlen(p->stamp));
	n = put(buf, n, size, v6 ? ITEM_IPV6 : ITEM_IPV4, a, v6 ? 16 : 4);
	if (p->kind == ITEM_REQUEST) {
		n = put_env(buf, n, size, "USER", p->rec.user);
		n = put_env(buf, n, size, "DOMAIN", p->rec.domain);
	}
	if (n == 0)
		return 0;
	hmac_sha256(key, keylen, buf, n, mac);
	n = put(buf, n, size, ITEM_MAC, mac, sizeof(mac));
	if (n == 0 || n + 1 > size)
		return 0;
	buf[n] = ITEM_END;
	return n + 1;
}

/* 1 to 11 digits, then optionally a point and 1 to 9 digits. */
static const char *
read_stamp(const unsigned char *s, size_t len, struct packet *p)
{
	long long sec = 0;
	long nsec = 0;
	size_t i, digits;

	if (len > STAMP_MAX)
		return "its TIMESTAMP is too long";
	for (i = 0; i < len && i < 12 && s[i] >= '0' && s[i] <= '9'; i++)
		sec = sec * 10 + (s[i] - '0');
	if (i == 0 || i > 11)
		return "its TIMESTAMP is not decimal seconds";
	if (i < len) {
		if (s[i] != '.')
			return "its TIMESTAMP is not decimal seconds";
		for (digits = 0, i++; i < len && digits < 9; i++, digits++) {
			if (s[i] < '0' || s[i] > '9')
				break;
			nsec = nsec * 10 + (s[i] - '0');
		}
		if (digits == 0 || i < len)
			return "its TIMESTAMP is not decimal seconds";
		for (; digits < 9; digits++)
			nsec *= 10;
	}
	memcpy(p->stamp, s, len);
	p->stamp[len] = '\0';
	p->when.tv_sec = (time_t)sec;
	p->when.tv_nsec = nsec;
	return NULL;
}

/* USER or DOMAIN, each once, with allow's rules for the value. */
static const char *
read_env(const unsigned char *s, size_t len, struct packet *p)
{
	const unsigned char *eq = memchr(s, '=', len);
	char *dst;
	size_t nlen, vlen;

	if (eq == NULL)
		return "an ENV item holds no '='";
	nlen = (size_t)(eq - s);
	vlen = len - nlen - 1;
	if (nlen == 4 && memcmp(s, "USER", 4) == 0)
		dst = p->rec.user;
	else if (nlen == 6 && memcmp(s, "DOMAIN", 6) == 0)
		dst = p->rec.domain;
	else
		return "an ENV item names a variable other than USER and "
		    "DOMAIN";
	if (dst[0] != '\0')
		return "an ENV item repeats a variable";
	if (vlen == 0 || !record_value_ok((const char *)eq + 1, vlen))
		return "an ENV value is empty or holds a control character";
	memcpy(dst, eq + 1, vlen);
	dst[vlen] = '\0';
	return NULL;
}

static const char *
read_address(int type, const unsigned char *s, size_t len, struct packet *p)
{
	const char *why;

	if (p->addr[0] != '\0')
		return "it names two addresses";
	if (len != (type == ITEM_IPV4 ? 4u : 16u))
		return "an address item has the wrong length";
	why = addr_name(type == ITEM_IPV4 ? AF_INET : AF_INET6, s, p->addr);
	if (why != NULL)
		return why;
	if (type == ITEM_IPV6 && strchr(p->addr, ':') == NULL)
		return "its IPV6 item holds an IPv4-mapped address";
	return NULL;
}

static const char *
read_item(int type, const unsigned char *s, size_t len, struct packet *p)
{
	switch (type) {
	case ITEM_REQUEST:
	case ITEM_RESPONSE:
		if (len != 0)
			return "a REQUEST or RESPONSE item is not empty";
		if (p->kind != 0)
			return "it holds two REQUEST or RESPONSE items";
		p->kind = type;
		return NULL;
	case ITEM_TIMESTAMP:
		if (p->stamp[0] != '\0')
			return "it holds two TIMESTAMP items";
		return read_stamp(s, len, p);
	case ITEM_IPV4:
	case ITEM_IPV6:
		return read_address(type, s, len, p);
	case ITEM_ENV:
		return read_env(s, len, p);
	default:
		return "it holds an item of unknown type";
	}
}

/*
 * The only shape accepted: version 1; REQUEST or RESPONSE, TIMESTAMP, one
 * address and (requests) ENV USER and DOMAIN, each at most once, in any
 * order; MAC; END as the last byte.  The MAC is checked last, in constant
 * time.  Returns NULL and fills p, or why the datagram is refused.
 */
const char *
packet_decode(const unsigned char *buf, size_t len, const void *key,
    size_t keylen, struct packet *p)
{
	unsigned char want[SHA256_SIZE];
	const unsigned char *mac = NULL;
	size_t pos = 1, ilen, macpos = 0;
	const char *why;
	int type;

	memset(p, 0, sizeof(*p));
	if (len > PACKET_MAX)
		return "it is longer than 512 bytes";
	if (len < 1 || buf[0] != PACKET_VERSION)
		return "it is not a version 1 packet";
	for (;;) {
		if (pos >= len)
			return "it ends before its END item";
		type = buf[pos];
		if (type == ITEM_END)
			break;
		if (mac != NULL)
			return "an item follows the MAC";
		if (pos + 2 > len || pos + 2 + buf[pos + 1] > len)
			return "an item runs past the end of the datagram";
		ilen = buf[pos + 1];
		if (type == ITEM_MAC) {
			if (ilen != SHA256_SIZE)
				return "its MAC item has the wrong length";
			mac = buf + pos + 2;
			macpos = pos;
		} else if ((why = read_item(type, buf + pos + 2, ilen, p)) !=
		    NULL) {
			return why;
		}
		pos += 2 + ilen;
	}
	if (pos + 1 != len)
		return "bytes follow its END item";
	if (mac == NULL)
		return "it has no MAC";
	if (p->kind == 0 || p->stamp[0] == '\0' || p->addr[0] == '\0')
		return "it lacks REQUEST or RESPONSE, TIMESTAMP or the address";
	if (p->kind == ITEM_RESPONSE && (p->rec.user[0] || p->rec.domain[0]))
		return "a RESPONSE holds ENV items";
	hmac_sha256(key, keylen, buf, macpos, want);
	if (!mac_equal(mac, want, sizeof(want)))
		return "its MAC is wrong (another secret, or forged)";
	return NULL;
}

/*
 * Is a login at `when` still worth a record?  The bounds are the spool's
 * (spool_fresh), so that a record dated `when` is exactly as fresh to
 * check as the packet was to udp.  NULL, or why not.
 */
const char *
packet_timely(const struct timespec *when, time_t now, long expiry, long skew)
{
	if (when->tv_sec > now + skew)
		return "its TIMESTAMP lies more than RELAY_CTRL_CLOCK_SKEW "
		    "seconds in the future";
	if (!spool_fresh(when->tv_sec, now, expiry, skew))
		return "its TIMESTAMP is older than RELAY_CTRL_EXPIRY seconds";
	return NULL;
}

/* relay-ctrl 3.2's request: the dotted quad, no newline, no NUL. */
size_t
legacy_encode(const char *addr, unsigned char *buf, size_t size)
{
	size_t len = strlen(addr);

	if (strchr(addr, ':') != NULL || len > LEGACY_MAX || len > size)
		return 0;
	memcpy(buf, addr, len);
	return len;
}

const char *
legacy_decode(const unsigned char *buf, size_t len, char addr[ADDR_NAME_SIZE])
{
	char text[LEGACY_MAX + 1];
	unsigned char a[4];
	size_t i;

	if (len == 0 || len > LEGACY_MAX)
		return "it is not an IPv4 address in relay-ctrl 3.2's format";
	for (i = 0; i < len; i++)
		if ((buf[i] < '0' || buf[i] > '9') && buf[i] != '.')
			return "it is not an IPv4 address in relay-ctrl 3.2's "
			    "format";
	memcpy(text, buf, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, a) != 1)
		return "it is not an IPv4 address in relay-ctrl 3.2's format";
	return addr_name(AF_INET, a, addr);
}
