/* libFuzzer target for record_decode and record_encode (lib/spool.c); see tests/fuzz/README. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/spool.h"

struct seen {
	const char *buf;
	size_t len;
	int rejects;
};

/* Every rejected entry must lie inside the record that was read. */
static void
reject(const char *entry, size_t len, const char *why, void *ctx)
{
	struct seen *s = ctx;

	if (why == NULL || entry < s->buf || entry + len > s->buf + s->len)
		abort();
	s->rejects++;
}

/* An exported value came from the record word for word, as KEY=value\0. */
static void
check_value(const char *key, const char *v, const uint8_t *data, size_t size)
{
	size_t klen = strlen(key), vlen = strlen(v), i;

	if (!record_value_ok(v, vlen))
		abort();
	if (vlen == 0)
		return;
	for (i = 0; i + klen + vlen < size; i++)
		if ((i == 0 || data[i - 1] == '\0') &&
		    memcmp(data + i, key, klen) == 0 &&
		    memcmp(data + i + klen, v, vlen) == 0 &&
		    data[i + klen + vlen] == '\0')
			return;
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[2 * RECORD_FILE_MAX];
	struct record r, back;
	struct seen s = { (const char *)data, size, 0 };
	size_t n;

	record_decode((const char *)data, size, &r, reject, &s);
	check_value("USER=", r.user, data, size);
	check_value("DOMAIN=", r.domain, data, size);

	/* What allow writes, check reads back unchanged and without a word. */
	n = record_encode(&r, buf, sizeof(buf));
	if (n > RECORD_FILE_MAX || (n == 0 && (r.user[0] || r.domain[0])))
		abort();
	s.buf = buf;
	s.len = n;
	s.rejects = 0;
	record_decode(buf, n, &back, reject, &s);
	if (s.rejects != 0 || strcmp(r.user, back.user) != 0 ||
	    strcmp(r.domain, back.domain) != 0)
		abort();

	/* A record cut anywhere (a torn write) yields no partial value. */
	if (n > 0) {
		s.len = size % n;
		record_decode(buf, s.len, &back, reject, &s);
		if ((back.user[0] && strcmp(back.user, r.user) != 0) ||
		    (back.domain[0] && strcmp(back.domain, r.domain) != 0))
			abort();
	}
	return 0;
}
