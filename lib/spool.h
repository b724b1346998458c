/* The spool: one file per client address, NAME=VALUE\0 content, mtime = last login; see relayctl(8), FILES. */
#ifndef RELAYCTL_SPOOL_H
#define RELAYCTL_SPOOL_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#define RECORD_VALUE_MAX 255
#define RECORD_FILE_MAX 1024	/* USER and DOMAIN fit twice over */
#define RECORD_MODE 0644

#define TMP_ALLOW ".allow."	/* allow's temporary files: .allow.PID.ADDRESS */
#define TMP_AGE ".age."		/* age's records set aside: .age.PID.ADDRESS */

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
int spool_fresh(time_t mtime, time_t now, long expiry, long skew);

int record_value_ok(const char *v, size_t len);
size_t record_encode(const struct record *r, char *buf, size_t size);
void record_decode(const char *buf, size_t len, struct record *r,
    record_reject_fn *reject, void *ctx);

#endif
