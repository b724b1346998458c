/* RELAY_CTRL_* settings from the environment or the config directory; see relayctl(8), ENVIRONMENT. */
#ifndef RELAYCTL_CONFIG_H
#define RELAYCTL_CONFIG_H

#define CONFIG_DIR_DEFAULT "/etc/relay-ctrl"
#define CONFIG_VALUE_MAX 4096

#define EXPIRY_DEFAULT 900
#define CLOCK_SKEW_DEFAULT 60

void config_snapshot(void);
const char *config_env(const char *name);
const char *config_entry(const char *name);
void config_unset(const char *name);
const char *config_get(const char *name);
int parse_number(const char *s, long *out);
void config_reset(void);

#endif
