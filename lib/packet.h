/* send's and udp's datagrams: the v1 signed packet and relay-ctrl 3.2's plain text; see relay-ctrl-udp(8), PACKETS. */
#ifndef RELAYCTL_PACKET_H
#define RELAYCTL_PACKET_H

#include <stddef.h>
#include <time.h>

#include "address.h"
#include "spool.h"

#define PACKET_MAX 512
#define PACKET_VERSION 1
#define STAMP_MAX 21		/* 11 digits, a point, 9 digits */
#define ITEM_MAX 255		/* a length byte */

enum item {
	ITEM_END, ITEM_REQUEST, ITEM_RESPONSE, ITEM_TIMESTAMP, ITEM_IPV4,
	ITEM_IPV6, ITEM_ENV, ITEM_MAC
};

struct packet {
	int kind;			/* ITEM_REQUEST or ITEM_RESPONSE */
	char stamp[STAMP_MAX + 1];	/* TIMESTAMP as sent */
	struct timespec when;		/* the same, read */
	char addr[ADDR_NAME_SIZE];	/* the client, named as in the spool */
	struct record rec;		/* requests only; "" when absent */
};

void packet_stamp(struct packet *p, const struct timespec *t);
size_t packet_encode(const struct packet *p, const void *key, size_t keylen,
    unsigned char *buf, size_t size);
const char *packet_decode(const unsigned char *buf, size_t len,
    const void *key, size_t keylen, struct packet *p);
const char *packet_timely(const struct timespec *when, time_t now,
    long expiry, long skew);

size_t legacy_encode(const char *addr, unsigned char *buf, size_t size);
const char *legacy_decode(const unsigned char *buf, size_t len,
    char addr[ADDR_NAME_SIZE]);

#endif
