/* What a successful login tells allow and send: that it succeeded, and USER and DOMAIN; see relay-ctrl-allow(8). */
#ifndef RELAYCTL_LOGIN_H
#define RELAYCTL_LOGIN_H

#include "spool.h"

int login_succeeded(void);
void login_values(struct record *r, const char *addr);

#endif
