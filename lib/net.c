/* Parse, name and compare the UDP peers of send and udp, numeric addresses only (no DNS); see relay-ctrl-send(8). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "config.h"
#include "escape.h"
#include "fmt.h"
#include "msg.h"
#include "net.h"

/* RELAY_CTRL_PORT, 811 unless it is a number from 1 to 65535. */
unsigned short
config_port(void)
{
	char shown[VISIBLE_SIZE];
	const char *s = config_get(CF_PORT);
	long v;

	if (s == NULL)
		return PORT_DEFAULT;
	if (parse_number(s, &v) != 0 || v < 1 || v > 65535) {
		warn("RELAY_CTRL_PORT=%s is not a port number from 1 to 65535; "
		    "using %d", visible(s, shown, sizeof(shown)), PORT_DEFAULT);
		return PORT_DEFAULT;
	}
	return (unsigned short)v;
}

/*
 * The next comma-separated item of *list, copied into item; NULL at the
 * end.  An item too long for any peer is cut, and then fails to parse.
 */
const char *
net_next(const char **list, char *item, size_t size)
{
	const char *s = *list, *comma;
	size_t len;

	while (*s == ',')
		s++;
	if (*s == '\0')
		return NULL;
	comma = strchr(s, ',');
	len = comma ? (size_t)(comma - s) : strlen(s);
	*list = s + len;
	if (len >= size)
		len = size - 1;
	memcpy(item, s, len);
	item[len] = '\0';
	return item;
}

static int
read_port(const char *s, unsigned short *port)
{
	long v;

	if (parse_number(s, &v) != 0 || v < 1 || v > 65535)
		return -1;
	*port = (unsigned short)v;
	return 0;
}

/*
 * "192.0.2.25", "192.0.2.25:8811", "2001:db8::25", "[2001:db8::25]" or
 * "[2001:db8::25]:8811"; `port` where none is given.  NULL, or why not.
 */
const char *
net_parse(const char *text, unsigned short port, struct peer *p)
{
	char host[PEER_TEXT_MAX];
	struct sockaddr_in *in = (struct sockaddr_in *)&p->sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&p->sa;
	const char *colon, *end;
	int bracketed = text[0] == '[';
	size_t len;

	memset(p, 0, sizeof(*p));
	if (bracketed) {
		if ((end = strchr(text, ']')) == NULL)
			return "it has '[' without ']'";
		if (end[1] != '\0' && (end[1] != ':' ||
		    read_port(end + 2, &port) != 0))
			return "what follows ']' is not ':' and a port number";
		text++;
		len = (size_t)(end - text);
	} else if ((colon = strchr(text, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		if (read_port(colon + 1, &port) != 0)
			return "what follows ':' is not a port number";
		len = (size_t)(colon - text);
	} else {
		len = strlen(text);
	}
	if (len == 0 || len >= sizeof(host))
		return "it is not a numeric IPv4 or IPv6 address";
	memcpy(host, text, len);
	host[len] = '\0';
	if (strchr(host, ':') == NULL &&
	    inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		p->len = sizeof(*in);
		return bracketed ? "an IPv4 address in brackets" : NULL;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		p->len = sizeof(*in6);
		return NULL;
	}
	return "it is not a numeric IPv4 or IPv6 address";
}

/* The address as the spool names it: an IPv4-mapped source is IPv4. */
const char *
net_name(const struct sockaddr *sa, char name[ADDR_NAME_SIZE])
{
	if (sa->sa_family == AF_INET)
		return addr_name(AF_INET, (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr, name);
	if (sa->sa_family == AF_INET6)
		return addr_name(AF_INET6, (const unsigned char *)
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, name);
	return "it is neither IPv4 nor IPv6";
}

/* For messages: "192.0.2.25:811", "[2001:db8::25]:811". */
void
net_show(const struct sockaddr *sa, char buf[PEER_SHOW_SIZE])
{
	char name[ADDR_NAME_SIZE];
	unsigned port;

	if (sa->sa_family == AF_INET6) {
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
		/* the unspecified address has no spool name, but a sender */
		if (net_name(sa, name) != NULL)
			fmt_snprintf(name, sizeof(name), "::");
		fmt_snprintf(buf, PEER_SHOW_SIZE, strchr(name, ':') ?
		    "[%s]:%u" : "%s:%u", name, port);
	} else if (sa->sa_family == AF_INET) {
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
		net_name(sa, name);
		fmt_snprintf(buf, PEER_SHOW_SIZE, "%s:%u", name, port);
	} else {
		fmt_snprintf(buf, PEER_SHOW_SIZE, "(not an IP address)");
	}
}

/* Same family, address and port. */
int
net_same(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	return 0;
}
