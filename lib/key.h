/* The secret that signs send's and udp's packets, read from a file root opened; see relay-ctrl-udp(8), SECRET. */
#ifndef RELAYCTL_KEY_H
#define RELAYCTL_KEY_H

#include <stddef.h>

#define KEY_MIN 16		/* bytes, after the trailing newline is cut */
#define KEY_MAX 1024

struct key {
	unsigned char bytes[KEY_MAX];
	size_t len;
};

int key_fd_of(const char *s);
int key_env_fd(void);
int key_open(const char *path);
const char *key_read(int fd, struct key *k);
void key_close(void);
void key_forget(struct key *k);

#endif
