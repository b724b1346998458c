/* The client's IP address from the environment, and its canonical name in the spool; see relayctl(8). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "config.h"
#include "fmt.h"

/*
 * What inet_ntop(AF_INET) writes, "%d.%d.%d.%d", without the snprintf it
 * calls: check runs this once a connection, and a format costs it a
 * thousand instructions.
 */
static void
ipv4_name(const unsigned char a[4], char name[ADDR_NAME_SIZE])
{
	char *p = name;
	int i;

	for (i = 0; i < 4; i++) {
		p = fmt_decimal(p, a[i], 1);
		*p++ = i < 3 ? '.' : '\0';
	}
}

/*
 * RFC 5952, as inet_ntop writes every address that gets here: groups in
 * lowercase hex without leading zeros, the longest run of two or more zero
 * groups (the first of equal runs) as "::".  inet_ntop would bring printf
 * into the binary (tests/unit/test_address.c compares the two).
 */
static void
ipv6_name(const unsigned char a[16], char name[ADDR_NAME_SIZE])
{
	unsigned w[8];
	int i, run, best = -1, bestlen = 1, shift;
	char *p = name;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		for (run = 0; i + run < 8 && w[i + run] == 0; run++)
			;
		if (run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			*p++ = ':';
		for (shift = 12; shift > 0 && (w[i] >> shift) == 0; shift -= 4)
			;
		for (; shift >= 0; shift -= 4)
			*p++ = fmt_hex[(w[i] >> shift) & 15];
	}
	*p = '\0';
}

/*
 * The name of an address held as bytes (4 for AF_INET, 16 for AF_INET6),
 * as addr_canon names its text: NULL and name filled, or why it is no
 * client's address.  udp names the addresses its packets carry with it.
 */
const char *
addr_name(int family, const unsigned char *a, char name[ADDR_NAME_SIZE])
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	static const unsigned char zero[12];

	if (family == AF_INET) {
		ipv4_name(a, name);
		return NULL;
	}
	if (memcmp(a, mapped, 12) == 0) {
		ipv4_name(a + 12, name);
		return NULL;
	}
	/*
	 * Deprecated IPv4-compatible addresses (::a.b.c.d) are no TCP peer,
	 * and C libraries disagree on how to write them back.
	 */
	if (memcmp(a, zero, 12) == 0 && memcmp(a + 12, "\0\0\0\1", 4) != 0)
		return "it is the unspecified or a deprecated IPv4-compatible address";
	ipv6_name(a, name);
	return NULL;
}

/*
 * Copies a dotted quad as inet_ntop writes it (four decimal parts of at
 * most 255, no leading zero) to name, or returns 0 for any other text.
 * inet_pton takes every such text and inet_ntop writes it back unchanged,
 * so it is its own name: the common spelling skips that round trip, which
 * check would pay once a connection.  Anything else goes the long way.
 */
static int
copy_ipv4_name(const char *s, char name[ADDR_NAME_SIZE])
{
	int part, digits;
	unsigned v;

	for (part = 0; part < 4; part++) {
		for (v = 0, digits = 0; *s >= '0' && *s <= '9' && digits < 4;
		    digits++) {
			v = v * 10 + (unsigned)(*s - '0');
			*name++ = *s++;
		}
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && s[-digits] == '0'))
			return 0;
		if (*s != (part < 3 ? '.' : '\0'))
			return 0;
		*name++ = *s++;
	}
	return 1;
}

/*
 * Returns NULL and fills name, or returns why text is not an address.
 * inet_pton does the parsing, so that no home-made parser widens what is
 * accepted; writing back what it read, as inet_ntop spells it, gives every
 * spelling of an address one name.
 */
const char *
addr_canon(const char *text, char name[ADDR_NAME_SIZE])
{
	unsigned char a[16];
	size_t len;

	if (text == NULL || *text == '\0')
		return "it is empty";
	if (copy_ipv4_name(text, name))
		return NULL;
	len = strnlen(text, ADDR_TEXT_MAX + 1);
	if (len > ADDR_TEXT_MAX)
		return "it is longer than any IP address";
	if (inet_pton(AF_INET, text, a) == 1)
		return addr_name(AF_INET, a, name);
	if (strchr(text, ':') == NULL || inet_pton(AF_INET6, text, a) != 1)
		return "it is not a numeric IPv4 or IPv6 address";
	return addr_name(AF_INET6, a, name);
}

/*
 * The value of the variable a PROTO of len bytes names, and in *var its
 * name: ucspi's three by their setting, any other built in key.
 */
static const char *
proto_value(const char *proto, size_t len, char key[32], const char **var)
{
	static const enum setting known[] = { CF_TCP, CF_TCP6, CF_SSL };
	const char *name;
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		name = config_name(known[k]);
		if (memcmp(name, proto, len) == 0 && name[len] == 'R') {
			*var = name;
			return config_env(known[k]);
		}
	}
	memcpy(key, proto, len);
	memcpy(key + len, "REMOTEIP", sizeof("REMOTEIP"));
	*var = key;
	return getenv(key);
}

/*
 * ucspi-tcp sets PROTO=TCP and TCPREMOTEIP, ucspi-tcp6 PROTO=TCP6 and
 * TCP6REMOTEIP, ucspi-ssl PROTO=SSL and SSLREMOTEIP; Dovecot sets IP.
 * A PROTO that is not a short word names no variable.  *var names the
 * variable read, as it is spelt (TCP6REMOTEIP), for messages.
 */
const char *
addr_from_env(const char **var)
{
	static char key[32];
	const char *proto, *name, *v;
	size_t i;

	proto = config_env(CF_PROTO);
	if (proto != NULL && strlen(proto) <= 8 && *proto != '\0') {
		for (i = 0; proto[i]; i++)
			if (!((proto[i] >= 'A' && proto[i] <= 'Z') ||
			    (proto[i] >= '0' && proto[i] <= '9')))
				break;
		if (proto[i] == '\0' &&
		    (v = proto_value(proto, i, key, &name)) != NULL) {
			if (var)
				*var = name;
			return v;
		}
	}
	if ((v = config_env(CF_TCP)) != NULL) {
		if (var)
			*var = "TCPREMOTEIP";
		return v;
	}
	if ((v = config_env(CF_IP)) != NULL) {
		if (var)
			*var = "IP";
		return v;
	}
	return NULL;
}

/*
 * Is name a record's name, i.e. its own canonical form (relayctl(8), SPOOL
 * RECORDS)?  An IPv4 text that inet_pton takes is canonical already (four
 * decimal parts, no leading zero), which spares a large spool's scan an
 * inet_ntop a name.
 */
int
addr_is_name(const char *name)
{
	char canon[ADDR_NAME_SIZE];
	unsigned char a[4];

	if (strchr(name, ':') == NULL)
		return inet_pton(AF_INET, name, a) == 1;
	return addr_canon(name, canon) == NULL && strcmp(canon, name) == 0;
}
