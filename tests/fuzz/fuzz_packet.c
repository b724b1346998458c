/* libFuzzer target for packet_decode, packet_encode and legacy_decode (lib/packet.c); see tests/fuzz/README. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/packet.h"
#include "../../lib/sha256.h"

static const char key[] = "fuzz-secret-0123456789";
#define KEYLEN (sizeof(key) - 1)

/* What a decoded packet holds is what the spool and check accept. */
static void
check_fields(const struct packet *p)
{
	char again[ADDR_NAME_SIZE];

	if (p->kind != ITEM_REQUEST && p->kind != ITEM_RESPONSE)
		abort();
	if (addr_canon(p->addr, again) != NULL || strcmp(again, p->addr) != 0)
		abort();
	if (!record_value_ok(p->rec.user, strlen(p->rec.user)) ||
	    !record_value_ok(p->rec.domain, strlen(p->rec.domain)))
		abort();
	if (p->when.tv_nsec < 0 || p->when.tv_nsec > 999999999)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char buf[PACKET_MAX], mac[SHA256_SIZE];
	char addr[ADDR_NAME_SIZE];
	struct packet p, q;
	size_t n;

	/* As received: accepted only if it is what the key signed. */
	if (packet_decode(data, size, key, KEYLEN, &p) == NULL) {
		check_fields(&p);
		hmac_sha256(key, KEYLEN, data, size - 35, mac);
		if (data[size - 1] != ITEM_END || data[size - 35] != ITEM_MAC ||
		    memcmp(mac, data + size - 33, SHA256_SIZE) != 0)
			abort();
	}

	/* Signed by us: the fuzzer's items are then judged on their shape. */
	if (size >= 1 && size <= PACKET_MAX - 35 && data[0] == PACKET_VERSION) {
		memcpy(buf, data, size);
		hmac_sha256(key, KEYLEN, buf, size, mac);
		buf[size] = ITEM_MAC;
		buf[size + 1] = SHA256_SIZE;
		memcpy(buf + size + 2, mac, SHA256_SIZE);
		buf[size + 34] = ITEM_END;
		if (packet_decode(buf, size + 35, key, KEYLEN, &p) == NULL) {
			check_fields(&p);
			/* and what we encode from it reads back the same */
			n = packet_encode(&p, key, KEYLEN, buf, sizeof(buf));
			if (n == 0 || packet_decode(buf, n, key, KEYLEN, &q) ||
			    q.kind != p.kind || strcmp(q.addr, p.addr) ||
			    strcmp(q.stamp, p.stamp) ||
			    strcmp(q.rec.user, p.rec.user) ||
			    strcmp(q.rec.domain, p.rec.domain))
				abort();
			/* with another key, never */
			if (packet_decode(buf, n, "another-secret-012", 18, &q) ==
			    NULL)
				abort();
		}
	}

	/* relay-ctrl 3.2's text: only a dotted quad names a record. */
	if (legacy_decode(data, size, addr) == NULL &&
	    (strchr(addr, ':') != NULL || strlen(addr) != size ||
	    memcmp(addr, data, size) != 0))
		abort();
	return 0;
}
