/* Unit tests for lib/sha256.c: FIPS 180-4 examples, RFC 4231 HMAC cases, python3's hashlib and hmac on random inputs, mac_equal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/sha256.h"

static void
hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
unhex(const char *s, unsigned char *out, size_t *n)
{
	unsigned v;

	for (*n = 0; s[0] && s[1]; s += 2) {
		sscanf(s, "%2x", &v);
		out[(*n)++] = (unsigned char)v;
	}
}

static void
digest_is(const void *msg, size_t len, const char *want)
{
	unsigned char d[SHA256_SIZE];
	char got[2 * SHA256_SIZE + 1];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, msg, len);
	sha256_final(&s, d);
	hex(d, sizeof(d), got);
	assert_string_equal(got, want);
}

/* FIPS 180-4's examples (NIST CSRC "Examples with Intermediate Values"). */
static void
test_fips_examples(void **state)
{
	static const char two_blocks[] =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);
	unsigned char d1[SHA256_SIZE], d2[SHA256_SIZE];
	struct sha256 s;
	size_t i;

	(void)state;
	digest_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	digest_is(two_blocks, strlen(two_blocks),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	digest_is("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	digest_is(million, 1000000,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* fed in odd pieces, the same digest */
	sha256_init(&s);
	for (i = 0; i < 1000000; i += 997)
		sha256_update(&s, million + i, i + 997 > 1000000 ?
		    1000000 - i : 997);
	sha256_final(&s, d1);
	sha256_init(&s);
	sha256_update(&s, million, 1000000);
	sha256_final(&s, d2);
	assert_memory_equal(d1, d2, SHA256_SIZE);
	free(million);
}

struct hmac_case {
	const char *key, *data, *mac;	/* hex; mac may be truncated */
};

/* RFC 4231, section 4: test cases 1 to 7. */
static const struct hmac_case rfc4231[] = {
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "4a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	  "546573742057697468205472756e636174696f6e",
	  "a3b6167473100ee06e0c796c2955552b" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaa",
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaa",
	  "5468697320697320612074657374207573696e672061206c6172676572207468"
	  "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
	  "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
	  "647320746f20626520686173686564206265666f7265206265696e6720757365"
	  "642062792074686520484d414320616c676f726974686d2e",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

static void
test_rfc4231(void **state)
{
	unsigned char key[256], data[256], mac[SHA256_SIZE];
	char got[2 * SHA256_SIZE + 1];
	size_t klen, dlen, i;

	(void)state;
	for (i = 0; i < sizeof(rfc4231) / sizeof(rfc4231[0]); i++) {
		unhex(rfc4231[i].key, key, &klen);
		unhex(rfc4231[i].data, data, &dlen);
		hmac_sha256(key, klen, data, dlen, mac);
		hex(mac, sizeof(mac), got);
		got[strlen(rfc4231[i].mac)] = '\0';
		assert_string_equal(got, rfc4231[i].mac);
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned char
next_byte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned char)(rng >> 24);
}

/*
 * 2000 random keys and messages, every length from 0 to 300 bytes and keys
 * on both sides of the 64-byte block, against python3's hashlib and hmac.
 */
static void
test_against_python(void **state)
{
	static const char script[] =
	    "import sys, hmac, hashlib\n"
	    "for l in sys.stdin:\n"
	    "    k, m = (bytes.fromhex(x) for x in l.split(','))\n"
	    "    print(hashlib.sha256(m).hexdigest(),"
	    " hmac.new(k, m, hashlib.sha256).hexdigest(), flush=False)\n";
	char path[] = "/tmp/test_sha256.XXXXXX", cmd[256], line[256];
	char dhex[2 * SHA256_SIZE + 1], mhex[2 * SHA256_SIZE + 1];
	char want[2 * (2 * SHA256_SIZE + 1)];
	static unsigned char key[2000][200], msg[2000][301];
	unsigned char d[SHA256_SIZE], mac[SHA256_SIZE];
	static char in[2 * (200 + 301) + 4];
	size_t klen[2000], mlen[2000], i, j;
	struct sha256 s;
	FILE *f, *p;
	int fd;

	(void)state;
	if (system("command -v python3 >/dev/null 2>&1") != 0)
		skip();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	for (i = 0; i < 2000; i++) {
		klen[i] = next_byte() % 2 ? i % 200 : 60 + i % 10;
		mlen[i] = i % 301;
		for (j = 0; j < klen[i]; j++)
			key[i][j] = next_byte();
		for (j = 0; j < mlen[i]; j++)
			msg[i][j] = next_byte();
		hex(key[i], klen[i], in);
		strcat(in, ",");
		hex(msg[i], mlen[i], in + strlen(in));
		fprintf(f, "%s\n", in);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 -c \"$TEST_SCRIPT\" < %s", path);
	setenv("TEST_SCRIPT", script, 1);
	p = popen(cmd, "r");
	assert_non_null(p);
	for (i = 0; i < 2000; i++) {
		assert_non_null(fgets(line, sizeof(line), p));
		line[strcspn(line, "\n")] = '\0';
		sha256_init(&s);
		sha256_update(&s, msg[i], mlen[i]);
		sha256_final(&s, d);
		hmac_sha256(key[i], klen[i], msg[i], mlen[i], mac);
		hex(d, sizeof(d), dhex);
		hex(mac, sizeof(mac), mhex);
		snprintf(want, sizeof(want), "%s %s", dhex, mhex);
		assert_string_equal(line, want);
	}
	assert_int_equal(pclose(p), 0);
	unlink(path);
}

static void
test_mac_equal(void **state)
{
	unsigned char a[SHA256_SIZE], b[SHA256_SIZE];
	size_t i;

	(void)state;
	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(mac_equal(a, b, sizeof(a)));
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		assert_false(mac_equal(a, b, sizeof(a)));
		b[i] ^= 0x81;
		assert_false(mac_equal(a, b, sizeof(a)));
		b[i] ^= 0x01;
	}
	assert_true(mac_equal(a, b, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_examples),
		cmocka_unit_test(test_rfc4231),
		cmocka_unit_test(test_against_python),
		cmocka_unit_test(test_mac_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
