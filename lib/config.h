/* RELAY_CTRL_* settings from the environment or the config directory; see relayctl(8), ENVIRONMENT. */
#ifndef RELAYCTL_CONFIG_H
#define RELAYCTL_CONFIG_H

#include <stddef.h>

#define CONFIG_DIR_DEFAULT "/etc/relay-ctrl"
#define CONFIG_VALUE_MAX 4096

#define EXPIRY_DEFAULT 900
#define CLOCK_SKEW_DEFAULT 60

/*
 * Every variable relayctl reads, by number: check looks each up by its
 * index, never by comparing names.  CF_RC_RELAYCLIENT is
 * RELAY_CTRL_RELAYCLIENT; the rest are RELAY_CTRL_ + their tail, or the
 * name after CF_ where no RELAY_CTRL_ comes first (config_name has them).
 */
enum setting {
	CF_RELAYCLIENT, CF_PROTO, CF_TCP, CF_TCP6, CF_SSL, CF_IP, CF_USER,
	CF_DOMAIN, CF_DIR_FD, CF_DIR, CF_EXPIRY, CF_CLOCK_SKEW, CF_CONFIG,
	CF_LOG_IPS, CF_LOG_ENV, CF_LOG, CF_LISTEN, CF_LEGACY_FROM,
	CF_RC_RELAYCLIENT, CF_REMOTES, CF_KEY_FD, CF_KEYFILE, CF_PORT, CF_TIMEOUT,
	CF_TRIES,
	CF_SETTINGS
};

const char *config_name(enum setting k);
size_t config_name_len(enum setting k);
void config_snapshot(void);
const char *config_env(enum setting k);
const char *config_entry(enum setting k);
void config_unset(enum setting k);
const char *config_get(enum setting k);
int parse_number(const char *s, long *out);
void config_reset(void);

#endif
