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

/*
 * Courier 5's login programs set AUTHENTICATED to the login name and no
 * USER: the name is taken from there unless USER says otherwise.
 */
static const char *
user_var(void)
{
	const char *u = getenv("USER");

	return u != NULL && *u != '\0' ? "USER" : "AUTHENTICATED";
}

/* USER and DOMAIN as a record may hold them; the others are left out. */
void
login_values(struct record *r, const char *addr)
{
	take_value(user_var(), r->user, addr);
	take_value("DOMAIN", r->domain, addr);
}
