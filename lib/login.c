/* Did the login succeed, and which USER and DOMAIN may be recorded; shared by allow and send; see relay-ctrl-allow(8). */
#include <stdlib.h>
#include <string.h>

#include "login.h"
#include "msg.h"

/*
 * In a Courier authlib chain every module runs, logged in or not; only
 * AUTHENTICATED says the login succeeded.  Elsewhere (checkpassword,
 * pop3front-auth, Dovecot post-login) being run at all means success.
 */
int
login_succeeded(void)
{
	const char *a;

	if (getenv("AUTHUSER") == NULL || getenv("AUTHARGV0") == NULL)
		return 1;
	a = getenv("AUTHENTICATED");
	return a != NULL && *a != '\0';
}

static void
take_value(const char *var, char *dst, const char *addr)
{
	const char *v = getenv(var);

	dst[0] = '\0';
	if (v == NULL || *v == '\0')
		return;
	if (!record_value_ok(v, strlen(v))) {
		warn("%s for %s is longer than 255 bytes or holds a control "
		    "character; it is left out of the record", var, addr);
		return;
	}
	strcpy(dst, v);
}

/* USER and DOMAIN as a record may hold them; the others are left out. */
void
login_values(struct record *r, const char *addr)
{
	take_value("USER", r->user, addr);
	take_value("DOMAIN", r->domain, addr);
}
