/* UDP peers of send and udp: "ADDRESS", "ADDRESS:PORT", "[IPV6]:PORT" lists, numeric only; see relay-ctrl-send(8). */
#ifndef RELAYCTL_NET_H
#define RELAYCTL_NET_H

#include <sys/socket.h>

#include "address.h"

#define PORT_DEFAULT 811
#define PEER_TEXT_MAX 64	/* "[" IPv6 "]:" port, and room to spare */
#define PEER_SHOW_SIZE 56	/* what net_show writes, and its NUL */

struct peer {
	struct sockaddr_storage sa;
	socklen_t len;
};

unsigned short config_port(void);
const char *net_next(const char **list, char *item, size_t size);
const char *net_parse(const char *text, unsigned short port, struct peer *p);
void net_show(const struct sockaddr *sa, char buf[PEER_SHOW_SIZE]);
const char *net_name(const struct sockaddr *sa, char name[ADDR_NAME_SIZE]);
int net_same(const struct sockaddr *a, const struct sockaddr *b);

#endif
