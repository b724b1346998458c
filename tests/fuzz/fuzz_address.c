/* libFuzzer target for addr_canon (lib/address.c); see tests/fuzz/README. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/address.h"

/*
 * A name is used as a file name in the spool: it must never be able to
 * leave the directory, hide as a temporary file or carry control bytes.
 */
static void
check_name(const char *name)
{
	size_t i, len = strnlen(name, ADDR_NAME_SIZE);
	unsigned char a[16];

	if (len == 0 || len > ADDR_TEXT_MAX)
		abort();
	if (name[0] == '.' || strchr(name, '/') != NULL)
		abort();
	for (i = 0; i < len; i++)
		if (strchr("0123456789abcdef.:", name[i]) == NULL)
			abort();
	if (inet_pton(AF_INET, name, a) != 1 &&
	    inet_pton(AF_INET6, name, a) != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[256], name[ADDR_NAME_SIZE], again[ADDR_NAME_SIZE];
	unsigned char a[16];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	/* The environment holds C strings: the text ends at the first NUL. */
	memcpy(text, data, n);
	text[n] = '\0';
	memset(name, 0x5a, sizeof(name));
	if (addr_canon(text, name) != NULL)
		return 0;
	/* Nothing that inet_pton refuses may name a record. */
	if (inet_pton(AF_INET, text, a) != 1 &&
	    inet_pton(AF_INET6, text, a) != 1)
		abort();
	check_name(name);
	/* One address, one name: the canonical name is its own fixed point. */
	if (addr_canon(name, again) != NULL || strcmp(name, again) != 0)
		abort();
	return 0;
}
