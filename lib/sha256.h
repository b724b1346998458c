/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the packets of send and udp; see relay-ctrl-udp(8). */
#ifndef RELAYCTL_SHA256_H
#define RELAYCTL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32
#define SHA256_BLOCK 64

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;		/* message length so far */
	unsigned char block[SHA256_BLOCK];
	size_t fill;		/* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_SIZE]);
void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
    unsigned char out[SHA256_SIZE]);
int mac_equal(const unsigned char *a, const unsigned char *b, size_t len);

#endif
