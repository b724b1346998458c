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

/* For record_warn: whose record, and what happens next. */
struct reject_note {
	const char *name, *next;
};

void record_warn(const char *entry, size_t len, const char *why, void *note);

int spool_env_fd(void);
int spool_open(char *what, size_t whatsize);
void spool_what(char *what, size_t size);
const char *spool_strerror(int e);
int spool_open_admin(const char **path, const char *next);
#define SPOOL_AGE_BUSY (-2)	/* spool_lock_shared: age holds the lock */

int spool_lock_shared(int dir);
int spool_restore(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now);
int spool_write(int dir, const char *name, const char *content, size_t len,
    const struct timespec *now, const char **step);
void spool_close(int dir);
void spool_close_but_key(int dir);
int spool_fresh(time_t mtime, time_t now, long expiry, long skew);
void spool_freshness(long *expiry, long *skew);

/* What a lookup found under a record's name; a record found sorts last. */
enum found {
	REC_ABSENT,		/* no such entry */
	REC_FOREIGN,		/* a link, directory, FIFO, socket or device */
	REC_UNREADABLE,		/* err says why */
	REC_STALE,
	REC_FUTURE,		/* dated further ahead than the clock skew */
	REC_FRESH,
};

/*
 * What is exported is read from: no record (policy), a fresh one, any;
 * LOOK_EXEC is LOOK_FRESH for a process about to exec (check): the
 * record's descriptor, close-on-exec, is left open.
 */
enum look { LOOK_TIME, LOOK_FRESH, LOOK_ANY, LOOK_EXEC };

/*
 * expiry < 0: read now, expiry and skew at the first record found; a clock
 * that cannot be read leaves now at -1 and the record REC_UNREADABLE.
 */
struct freshness {
	time_t now;
	long expiry, skew;
};

struct lookup {
	enum found found;
	mode_t mode;		/* REC_FOREIGN: what it is */
	int err;		/* REC_UNREADABLE: errno */
	struct timespec mtime;	/* found: the login's time */
	int oversize;		/* read: larger than any record, nothing decoded */
	struct record rec;	/* read: what check would export */
};

void spool_lookup(int dir, const char *name, struct freshness *f,
    enum look want, struct lookup *l, record_reject_fn *reject, void *ctx);
const char *lookup_why(const struct lookup *l);
const char *spool_kind(mode_t mode);

size_t spool_tmp_prefix(char *buf, size_t size, const char *kind);
int spool_tmp_name_ok(const char *name);

int record_value_ok(const char *v, size_t len);
size_t record_encode(const struct record *r, char *buf, size_t size);
void record_decode(const char *buf, size_t len, struct record *r,
    record_reject_fn *reject, void *ctx);

#endif
