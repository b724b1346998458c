/* The spool: one file per client address, NAME=VALUE\0 content, mtime = last login; see relayctl(8), FILES. */
#ifndef RELAYCTL_SPOOL_H
#define RELAYCTL_SPOOL_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "address.h"

#define RECORD_VALUE_MAX 255
#define RECORD_FILE_MAX 1024	/* USER and DOMAIN fit twice over */
#define RECORD_MODE 0644

/*
 * Temporary names: KIND PID "." HOST "." ADDRESS, HOST being this host's
 * name cut to [A-Za-z0-9-], so that hosts sharing a spool over NFS, or
 * containers with pid namespaces of their own, never pick the same name.
 */
#define TMP_ALLOW ".allow."	/* allow's temporary files: .allow.PID.HOST.ADDRESS */
#define TMP_AGE ".age."		/* age's records set aside: .age.PID.HOST.ADDRESS */
#define TMP_HOST_MAX 64		/* HOST_NAME_MAX on Linux */
#define TMP_PREFIX_SIZE (sizeof(TMP_ALLOW) + 20 + 1 + TMP_HOST_MAX + 1)
#define TMP_NAME_SIZE (TMP_PREFIX_SIZE + ADDR_NAME_SIZE)

struct record {
	char user[RECORD_VALUE_MAX + 1];	/* "" when absent */
	char domain[RECORD_VALUE_MAX + 1];
};

/* Called for each entry of a record that is not exported, and why. */
typedef void record_reject_fn(const char *entry, size_t len, const char *why,
    void *ctx);

int spool_env_fd(void);
int spool_open(char *what, size_t whatsize);
const char *spool_strerror(int e);
int spool_open_admin(const char **path, const char *next);
int spool_read(int dir, const char *name, struct stat *st, char *buf,
    size_t *len);
#define SPOOL_AGE_BUSY (-2)	/* spool_lock_shared: age holds the lock */

int spool_lock_shared(int dir);
int spool_restore(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now);
int spool_read_exec(int dir, const char *name, struct stat *st, char *buf,
    size_t *len);
int spool_write(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now, const char **step);
void spool_close(int dir);
void spool_close_but_key(int dir);
int spool_fresh(time_t mtime, time_t now, long expiry, long skew);
size_t spool_tmp_prefix(char *buf, size_t size, const char *kind);
int spool_tmp_name_ok(const char *name);

int record_value_ok(const char *v, size_t len);
size_t record_encode(const struct record *r, char *buf, size_t size);
void record_decode(const char *buf, size_t len, struct record *r,
    record_reject_fn *reject, void *ctx);

#endif
