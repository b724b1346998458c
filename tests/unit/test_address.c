/* Unit tests for lib/address.c: canonical names of client addresses, and where they come from. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/address.h"

static const struct {
	const char *in;
	const char *out;	/* NULL: rejected */
} table[] = {
	/* IPv4 */
	{ "192.0.2.7", "192.0.2.7" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "127.0.0.1", "127.0.0.1" },
	{ "10.1.2.3", "10.1.2.3" },
	{ "192.0.2.07", NULL },			/* leading zero: octal in some parsers */
	{ "192.0.2.256", NULL },
	{ "192.0.2", NULL },
	{ "192.0.2.7.8", NULL },
	{ "192.0.2.", NULL },
	{ ".192.0.2.7", NULL },
	{ "192..2.7", NULL },
	{ "0x7f.0.0.1", NULL },
	{ "2130706433", NULL },			/* inet_aton would take it */
	{ "127.1", NULL },
	{ " 192.0.2.7", NULL },
	{ "192.0.2.7 ", NULL },
	{ "192.0.2.7\n", NULL },
	{ "192.0.2.7/24", NULL },
	{ "192.0.2.7:25", NULL },
	{ "+192.0.2.7", NULL },
	{ "192.0.2.-7", NULL },
	/* IPv6, RFC 5952 names */
	{ "2001:db8::7", "2001:db8::7" },
	{ "2001:DB8::7", "2001:db8::7" },
	{ "2001:db8:0:0::7", "2001:db8::7" },
	{ "2001:DB8:0:0:0:0:0:7", "2001:db8::7" },
	{ "2001:db8::0:7", "2001:db8::7" },
	{ "2001:0db8:0000:0000:0000:0000:0000:0007", "2001:db8::7" },
	{ "2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1" },	/* longest run */
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },	/* first of equal runs */
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },	/* one zero: no :: */
	{ "::1", "::1" },
	{ "0:0:0:0:0:0:0:1", "::1" },
	{ "fe80::1", "fe80::1" },
	{ "FE80::ABCD:1", "fe80::abcd:1" },
	{ "1::", "1::" },
	{ "1:0:0:0:0:0:0:0", "1::" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ "64:ff9b::192.0.2.7", "64:ff9b::c000:207" },
	/* IPv4-mapped: the IPv4 record */
	{ "::ffff:192.0.2.7", "192.0.2.7" },
	{ "::FFFF:192.0.2.7", "192.0.2.7" },
	{ "::ffff:c000:207", "192.0.2.7" },
	{ "0:0:0:0:0:ffff:192.0.2.7", "192.0.2.7" },
	{ "::ffff:127.0.0.2", "127.0.0.2" },
	/* unspecified and IPv4-compatible: no peer, ambiguous names */
	{ "::", NULL },
	{ "::192.0.2.7", NULL },
	{ "::2", NULL },
	{ "::0.0.0.1", "::1" },
	/* hostile */
	{ "", NULL },
	{ "fe80::1%eth0", NULL },
	{ "fe80::1%1", NULL },
	{ "..", NULL },
	{ ".", NULL },
	{ "../etc/passwd", NULL },
	{ "/etc/passwd", NULL },
	{ "192.0.2.7/../../x", NULL },
	{ "a/b", NULL },
	{ "localhost", NULL },
	{ "mail.example.com", NULL },
	{ "[2001:db8::7]", NULL },
	{ "2001:db8::7::1", NULL },
	{ ":::", NULL },
	{ "1:2:3:4:5:6:7:8:9", NULL },
	{ "12345::1", NULL },
	{ "g::1", NULL },
	{ "::1\t", NULL },
	{ "::1\r", NULL },
	{ "\x7f", NULL },
	{ "\xff\xfe", NULL },
	{ "2001:db8::7 ", NULL },
	{ "0000:0000:0000:0000:0000:0000:0000:0000:1", NULL },
	{ "::ffff:192.0.2.256", NULL },
	{ "::ffff:192.0.2", NULL },
	{ "1.2.3.4:5:6:7:8", NULL },
	{ "-1", NULL },
	{ "*", NULL },
	{ "192.0.2.7\\", NULL },
	{ ".allow.1.192.0.2.7", NULL },
};

static void
test_table(void **state)
{
	char name[ADDR_NAME_SIZE];
	size_t i;
	const char *why;

	(void)state;
	assert_true(sizeof(table) / sizeof(table[0]) >= 60);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		why = addr_canon(table[i].in, name);
		if (table[i].out == NULL) {
			if (why == NULL)
				fail_msg("accepted \"%s\" as \"%s\"",
				    table[i].in, name);
		} else {
			if (why != NULL)
				fail_msg("rejected \"%s\": %s", table[i].in, why);
			assert_string_equal(name, table[i].out);
		}
	}
}

static void
test_null_and_overlong(void **state)
{
	char name[ADDR_NAME_SIZE], big[200];

	(void)state;
	assert_non_null(addr_canon(NULL, name));
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_string_equal(addr_canon(big, name),
	    "it is longer than any IP address");
	/* 45 bytes, the longest valid spelling, is accepted */
	assert_null(addr_canon("0000:0000:0000:0000:0000:ffff:192.168.100.228",
	    name));
	assert_string_equal(name, "192.168.100.228");
	assert_non_null(addr_canon(
	    "00000:0000:0000:0000:0000:ffff:192.168.100.228", name));
}

/* Every name produced is its own canonical form and names no path. */
static void
test_idempotent(void **state)
{
	char name[ADDR_NAME_SIZE], again[ADDR_NAME_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (addr_canon(table[i].in, name) != NULL)
			continue;
		assert_null(addr_canon(name, again));
		assert_string_equal(name, again);
		assert_null(strchr(name, '/'));
		assert_true(name[0] != '.');
	}
}

/* The fast path for IPv4 names decides exactly as addr_canon does. */
static void
test_record_names(void **state)
{
	static const char *names[] = {
		"192.0.2.7", "0.0.0.0", "255.255.255.255", "2001:db8::7",
		"::1", "010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1",
		"1.2.3.4 ", " 1.2.3.4", "2001:DB8::7", "::ffff:1.2.3.4",
		".allow.1.2.3.4", ".age.9.1.2.3.4", "1.2.3.04", "", "..",
		"notes.txt", "1.2.3.4/", "fe80::1%lo", "0x7f.0.0.1",
	};
	char canon[ADDR_NAME_SIZE];
	size_t i;
	int want;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		want = addr_canon(names[i], canon) == NULL &&
		    strcmp(canon, names[i]) == 0;
		if (addr_is_name(names[i]) != want)
			fail_msg("addr_is_name(\"%s\") != %d", names[i], want);
	}
	assert_true(addr_is_name("192.0.2.7"));
	assert_false(addr_is_name("010.0.0.1"));
}

/*
 * relayctl writes IPv6 names itself; they must be what inet_ntop writes
 * (RFC 5952) for every address it names: random groups, with random runs
 * of zeros, but not the IPv4-mapped and IPv4-compatible ranges, which it
 * names otherwise or rejects.
 */
static void
test_ipv6_as_inet_ntop(void **state)
{
	char want[INET6_ADDRSTRLEN], name[ADDR_NAME_SIZE];
	unsigned char a[16];
	int i, j, n = 0;

	(void)state;
	srandom(5952);
	for (i = 0; i < 300000; i++) {
		for (j = 0; j < 16; j += 2) {
			/* a group is zero half the time: runs of every length */
			int g = random() % 2 ? 0 : (int)(random() & 0xffff);

			if (random() % 4 == 0)
				g &= 0x00ff;
			a[j] = (unsigned char)(g >> 8);
			a[j + 1] = (unsigned char)g;
		}
		if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0", 10) == 0 &&
		    ((a[10] == 0 && a[11] == 0) || (a[10] == 0xff && a[11] == 0xff)))
			continue;
		inet_ntop(AF_INET6, a, want, sizeof(want));
		if (addr_canon(want, name) != NULL)
			fail_msg("rejected %s", want);
		if (strcmp(name, want) != 0)
			fail_msg("%s named %s", want, name);
		n++;
	}
	assert_true(n > 100000);
}

static void
clear_env(void)
{
	unsetenv("PROTO");
	unsetenv("TCPREMOTEIP");
	unsetenv("TCP6REMOTEIP");
	unsetenv("SSLREMOTEIP");
	unsetenv("IP");
}

static void
test_from_env(void **state)
{
	const char *var = NULL;

	(void)state;
	clear_env();
	assert_null(addr_from_env(&var));
	setenv("IP", "192.0.2.1", 1);
	assert_string_equal(addr_from_env(&var), "192.0.2.1");
	assert_string_equal(var, "IP");
	setenv("TCPREMOTEIP", "192.0.2.2", 1);
	assert_string_equal(addr_from_env(&var), "192.0.2.2");
	assert_string_equal(var, "TCPREMOTEIP");
	setenv("PROTO", "TCP6", 1);
	setenv("TCP6REMOTEIP", "2001:db8::3", 1);
	assert_string_equal(addr_from_env(&var), "2001:db8::3");
	assert_string_equal(var, "TCP6REMOTEIP");
	setenv("PROTO", "SSL", 1);
	setenv("SSLREMOTEIP", "192.0.2.4", 1);
	assert_string_equal(addr_from_env(&var), "192.0.2.4");
	assert_string_equal(var, "SSLREMOTEIP");
	/* PROTO naming a variable that is not set: the next source */
	setenv("PROTO", "UNIX", 1);
	assert_string_equal(addr_from_env(&var), "192.0.2.2");
	/* a PROTO that is no short word names no variable */
	setenv("PROTO", "../X", 1);
	assert_string_equal(addr_from_env(&var), "192.0.2.2");
	setenv("PROTO", "TCPTCPTCP6", 1);
	assert_string_equal(addr_from_env(NULL), "192.0.2.2");
	clear_env();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_null_and_overlong),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_record_names),
		cmocka_unit_test(test_ipv6_as_inet_ntop),
		cmocka_unit_test(test_from_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
