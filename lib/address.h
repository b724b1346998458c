/* The client's IP address: where to find it and its one canonical spelling; see relayctl(8), CLIENT ADDRESS. */
#ifndef RELAYCTL_ADDRESS_H
#define RELAYCTL_ADDRESS_H

#define ADDR_TEXT_MAX 45	/* the longest text an address may have */
#define ADDR_NAME_SIZE 46	/* INET6_ADDRSTRLEN: a canonical name and its NUL */

const char *addr_name(int family, const unsigned char *a,
    char name[ADDR_NAME_SIZE]);
const char *addr_canon(const char *text, char name[ADDR_NAME_SIZE]);
const char *addr_from_env(const char **var);
int addr_is_name(const char *name);

#endif
