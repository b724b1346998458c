/* For admins: which addresses may relay now, since when, for how long, and for whom; see relayctl-status(8). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/config.h"
#include "../lib/msg.h"
#include "../lib/spool.h"

enum format { FMT_HUMAN, FMT_JSON, FMT_TSV };

/* What a row says about an address: only a fresh record lets it relay. */
enum state { ST_FRESH, ST_STALE, ST_NONE, ST_FOREIGN, ST_UNREADABLE };

/*
 * All that the full listing keeps per record: enough to sort and to judge
 * freshness, never the content, which is read again while printing.  So
 * memory grows with the number of records shown, not with what they hold.
 */
struct entry {
	time_t sec;
	long nsec;
	char name[ADDR_NAME_SIZE];
	unsigned char fresh;
};

struct row {
	const char *addr;
	enum state state;
	time_t mtime;
	struct record rec;
};

struct widths {
	size_t addr, age, left, user;
};

struct status {
	FILE *out;
	enum format format;
	int all;
	int dir;
	const char *dirname;
	time_t now;
	long expiry, skew;
	unsigned long allowed, stale, missing, rows;
	int failed;		/* something could not be read: exit 111 */
	int bad_addr;		/* an argument is no address: exit 100 */
	int out_errno;		/* the first write error on out */
	struct widths w;
};

struct reject_ctx {
	const char *addr;
	int quiet;
};

/* --- escaping: every byte a record may hold, for each reader ----------- */

/*
 * The length of one well-formed UTF-8 sequence at p and its code point,
 * or 0: overlong forms, surrogates and values past U+10FFFF are not text.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n, unsigned long *cp)
{
	unsigned long c, min;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int
is_control(unsigned long c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

/*
 * For a terminal: printable ASCII as it is, everything else as \xHH, so
 * that no byte of a record can move the cursor or change the terminal,
 * and one byte shown is one column wide.  Returns the width printed
 * (f may be NULL to measure).
 */
static size_t
put_human(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	for (; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			if (f)
				putc(*p, f);
			w++;
		} else {
			if (f)
				fprintf(f, *p == '\\' ? "\\\\" : "\\x%02x", *p);
			w += *p == '\\' ? 2 : 4;
		}
	}
	return w;
}

/*
 * For programs, one field of a tab-separated line: \t \n \r \\ as such,
 * other control characters and bytes that are not UTF-8 text as \xHH;
 * UTF-8 text is passed on, so that unescaping gives back the exact bytes.
 */
static void
put_tsv(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len, i;
	unsigned long c;

	while (n > 0) {
		len = utf8_seq(p, n, &c);
		if (len == 0 || is_control(c)) {
			len = len ? len : 1;
			for (i = 0; i < len; i++) {
				if (p[i] == '\t')
					fputs("\\t", f);
				else if (p[i] == '\n')
					fputs("\\n", f);
				else if (p[i] == '\r')
					fputs("\\r", f);
				else
					fprintf(f, "\\x%02x", p[i]);
			}
		} else if (c == '\\')
			fputs("\\\\", f);
		else
			fwrite(p, 1, len, f);
		p += len;
		n -= len;
	}
}

/*
 * A JSON string in plain ASCII: text beyond ASCII as \uXXXX (surrogate
 * pairs past U+FFFF).  JSON strings are Unicode and cannot carry a byte
 * that is not UTF-8: such a byte becomes U+FFFD (--tsv keeps it exactly).
 */
static void
put_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	unsigned long c;

	putc('"', f);
	while (n > 0) {
		len = utf8_seq(p, n, &c);
		if (len == 0) {
			len = 1;
			c = 0xfffd;
		}
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", (int)c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c >= 0x20 && c < 0x7f)
			putc((int)c, f);
		else if (c < 0x10000)
			fprintf(f, "\\u%04lx", c);
		else
			fprintf(f, "\\u%04lx\\u%04lx", 0xd800 + ((c - 0x10000) >> 10),
			    0xdc00 + ((c - 0x10000) & 0x3ff));
		p += len;
		n -= len;
	}
	putc('"', f);
}

/* --- times --------------------------------------------------------------- */

/* a - b without overflow, for times that a hand-set file may carry */
static long long
span(time_t a, time_t b)
{
	if (b < 0 && a > LLONG_MAX + b)
		return LLONG_MAX;
	if (b > 0 && a < LLONG_MIN + b)
		return LLONG_MIN;
	return (long long)a - b;
}

/* "42s", "12m05s", "3h07m", "5d03h": minutes and seconds while they matter. */
static void
fmt_duration(long long s, char *buf, size_t size)
{
	const char *sign = s < 0 ? "-" : "";
	unsigned long long u = s < 0 ? 0ULL - (unsigned long long)s :
	    (unsigned long long)s;

	if (u < 60)
		snprintf(buf, size, "%s%llus", sign, u);
	else if (u < 3600)
		snprintf(buf, size, "%s%llum%02llus", sign, u / 60, u % 60);
	else if (u < 86400)
		snprintf(buf, size, "%s%lluh%02llum", sign, u / 3600,
		    u / 60 % 60);
	else
		snprintf(buf, size, "%s%llud%02lluh", sign, u / 86400,
		    u / 3600 % 24);
}

/* ISO 8601 in UTC, or "" for a time that no calendar year holds. */
static void
fmt_iso8601(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year > 9999 - 1900 ||
	    tm.tm_year < -1900 ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
}

static long long
row_age(const struct status *s, const struct row *r)
{
	return span(s->now, r->mtime);
}

/* Seconds until check stops relaying for it; 0 once it has. */
static long long
row_left(const struct status *s, const struct row *r)
{
	return r->state == ST_FRESH ?
	    span(r->mtime, s->now) + s->expiry : 0;
}

/* --- one row in each format ---------------------------------------------- */

static void
human_cells(const struct status *s, const struct row *r, char *age,
    char *left, size_t size)
{
	switch (r->state) {
	case ST_FRESH:
		fmt_duration(row_age(s, r), age, size);
		fmt_duration(row_left(s, r), left, size);
		break;
	case ST_STALE:
		fmt_duration(row_age(s, r), age, size);
		snprintf(left, size, "stale");
		break;
	case ST_NONE:
		snprintf(age, size, "-");
		snprintf(left, size, "no record");
		break;
	case ST_FOREIGN:
		snprintf(age, size, "-");
		snprintf(left, size, "not a record");
		break;
	case ST_UNREADABLE:
		snprintf(age, size, "-");
		snprintf(left, size, "unreadable");
		break;
	}
}

static void
widen(size_t *w, size_t n)
{
	if (n > *w)
		*w = n;
}

/* A column is at least as wide as its heading. */
static void
widths_init(struct widths *w)
{
	w->addr = strlen("ADDRESS");
	w->age = strlen("AGE");
	w->left = strlen("LEFT");
	w->user = strlen("USER");
}

static void
widths_add(struct widths *w, const struct status *s, const struct row *r)
{
	char age[32], left[32];

	human_cells(s, r, age, left, sizeof(age));
	widen(&w->addr, strlen(r->addr));
	widen(&w->age, strlen(age));
	widen(&w->left, strlen(left));
	widen(&w->user, r->rec.user[0] ? put_human(NULL, r->rec.user) : 1);
}

static void
pad(FILE *f, size_t shown, size_t width)
{
	for (; shown < width + 2; shown++)
		putc(' ', f);
}

static void
put_human_header(FILE *f, const struct widths *w)
{
	fprintf(f, "%-*s  %-*s  %-*s  %-*s  DOMAIN\n", (int)w->addr,
	    "ADDRESS", (int)w->age, "AGE", (int)w->left, "LEFT",
	    (int)w->user, "USER");
}

/* Columns line up; an empty value is "-". */
static void
put_human_row(FILE *f, const struct status *s, const struct row *r,
    const struct widths *w)
{
	char age[32], left[32];

	human_cells(s, r, age, left, sizeof(age));
	fprintf(f, "%-*s  %-*s  %-*s  ", (int)w->addr, r->addr, (int)w->age,
	    age, (int)w->left, left);
	if (r->rec.user[0])
		pad(f, put_human(f, r->rec.user), w->user);
	else
		pad(f, put_human(f, "-"), w->user);
	put_human(f, r->rec.domain[0] ? r->rec.domain : "-");
	putc('\n', f);
}

/* What there is no record for is null, not a made-up value. */
static void
put_json_row(FILE *f, const struct status *s, const struct row *r)
{
	char when[32];
	int found = r->state == ST_FRESH || r->state == ST_STALE;

	fputs(s->rows > 0 ? ",\n{\"address\":" : "\n{\"address\":", f);
	put_json_string(f, r->addr);
	fmt_iso8601(r->mtime, when, sizeof(when));
	fputs(",\"login_time\":", f);
	if (found && when[0])
		put_json_string(f, when);
	else
		fputs("null", f);
	if (found)
		fprintf(f, ",\"age_s\":%lld,\"expires_in_s\":%lld,\"user\":",
		    row_age(s, r), row_left(s, r));
	else
		fputs(",\"age_s\":null,\"expires_in_s\":null,\"user\":", f);
	if (found)
		put_json_string(f, r->rec.user);
	else
		fputs("null", f);
	fputs(",\"domain\":", f);
	if (found)
		put_json_string(f, r->rec.domain);
	else
		fputs("null", f);
	fprintf(f, ",\"fresh\":%s}", r->state == ST_FRESH ? "true" : "false");
}

static const char tsv_header[] =
    "address\tlogin_time\tage_s\texpires_in_s\tuser\tdomain\tfresh\n";

/* Without a record every field but address and fresh is empty. */
static void
put_tsv_row(FILE *f, const struct status *s, const struct row *r)
{
	char when[32];

	put_tsv(f, r->addr);
	if (r->state == ST_FRESH || r->state == ST_STALE) {
		fmt_iso8601(r->mtime, when, sizeof(when));
		fprintf(f, "\t%s\t%lld\t%lld\t", when, row_age(s, r),
		    row_left(s, r));
		put_tsv(f, r->rec.user);
		putc('\t', f);
		put_tsv(f, r->rec.domain);
	} else
		fputs("\t\t\t\t\t", f);
	fprintf(f, "\t%s\n", r->state == ST_FRESH ? "true" : "false");
}

static void
put_row(struct status *s, const struct row *r)
{
	switch (s->format) {
	case FMT_HUMAN:
		put_human_row(s->out, s, r, &s->w);
		break;
	case FMT_JSON:
		put_json_row(s->out, s, r);
		break;
	case FMT_TSV:
		put_tsv_row(s->out, s, r);
		break;
	}
	s->rows++;
}


static void
put_header(struct status *s, size_t rows)
{
	if (s->format == FMT_JSON)
		fputs("[", s->out);
	else if (s->format == FMT_TSV)
		fputs(tsv_header, s->out);
	else if (rows > 0)
		put_human_header(s->out, &s->w);
}

/* The summary is for people; programs count the rows. */
static void
put_footer(struct status *s, int by_address)
{
	if (s->format == FMT_JSON)
		fputs(s->rows > 0 ? "\n]\n" : "]\n", s->out);
	else if (s->format == FMT_HUMAN && by_address)
		fprintf(s->out, "%lu allowed, %lu stale, %lu without a record\n",
		    s->allowed, s->stale, s->missing);
	else if (s->format == FMT_HUMAN)
		fprintf(s->out, "%lu allowed, %lu stale\n", s->allowed,
		    s->stale);
}

/* Past the first write error there is no point in going on. */
static int
out_failed(struct status *s)
{
	if (!ferror(s->out))
		return 0;
	if (s->out_errno == 0)
		s->out_errno = errno ? errno : EIO;
	return 1;
}

/* --- reading the spool --------------------------------------------------- */

static void
not_shown(const char *entry, size_t len, const char *why, void *ctx)
{
	const struct reject_ctx *c = ctx;
	char copy[RECORD_VALUE_MAX + 1], text[VISIBLE_SIZE];

	if (c->quiet)
		return;
	if (len > RECORD_VALUE_MAX)
		len = RECORD_VALUE_MAX;
	memcpy(copy, entry, len);
	copy[len] = '\0';
	warn("record for %s holds \"%s\", which check does not export (%s); "
	    "it is not shown", c->addr, visible(copy, text, sizeof(text)),
	    why);
}

static const char *
kind(mode_t mode)
{
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a device or other special file";
}

static void
foreign(const struct status *s, const char *name, mode_t mode)
{
	warn("%s in %s is %s, not a record; check does not relay for it",
	    name, s->dirname, kind(mode));
}

static void
unreadable(struct status *s, const char *name)
{
	warn("cannot read record %s in %s: %s; it is not shown", name,
	    s->dirname, strerror(errno));
	s->failed = 1;
}

/*
 * Reads what check would export from the record called name, as USER and
 * DOMAIN, and its time.  Returns its state: ST_FRESH when it was read (the
 * caller judges freshness), or why there is nothing to show.  quiet: the
 * first of two passes, which only measures; the second one complains.
 */
static enum state
read_content(struct status *s, const char *name, struct stat *st,
    struct record *rec, int quiet)
{
	char buf[RECORD_FILE_MAX + 1];
	struct reject_ctx c = { name, quiet };
	size_t len;
	int r;

	rec->user[0] = rec->domain[0] = '\0';
	r = spool_read(s->dir, name, st, buf, &len);
	if (r < 0 && errno == ENOENT)
		return ST_NONE;
	if (r < 0 && errno == ELOOP) {
		if (!quiet)
			foreign(s, name, S_IFLNK);
		return ST_FOREIGN;
	}
	if (r > 0) {
		if (!quiet)
			foreign(s, name, st->st_mode);
		return ST_FOREIGN;
	}
	if (r < 0) {
		if (!quiet)
			unreadable(s, name);
		return ST_UNREADABLE;
	}
	if (len > RECORD_FILE_MAX) {
		if (!quiet)
			warn("record %s is larger than %d bytes; its USER and "
			    "DOMAIN are not shown, and check does not export "
			    "them", name, RECORD_FILE_MAX);
		return ST_FRESH;
	}
	record_decode(buf, len, rec, not_shown, &c);
	return ST_FRESH;
}

/* Names that are no canonical address are never records (SPEC 5). */
static int
is_record_name(const char *name)
{
	char canon[ADDR_NAME_SIZE];

	return addr_canon(name, canon) == NULL && strcmp(canon, name) == 0;
}

static int
newest_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? 1 : -1;
	if (x->nsec != y->nsec)
		return x->nsec < y->nsec ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int
append(struct entry **ents, size_t *n, size_t *cap, const char *name,
    const struct stat *st, int fresh)
{
	struct entry *e;
	size_t want, len;

	if (*n == *cap) {
		want = *cap ? *cap * 2 : 256;
		if ((e = realloc(*ents, want * sizeof(*e))) == NULL)
			return -1;
		*ents = e;
		*cap = want;
	}
	e = &(*ents)[(*n)++];
	e->sec = st->st_mtim.tv_sec;
	e->nsec = st->st_mtim.tv_nsec;
	e->fresh = (unsigned char)fresh;
	/* is_record_name() has bounded it */
	len = strnlen(name, ADDR_TEXT_MAX);
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	return 0;
}

/*
 * One pass over the directory with one fstatat per name: freshness needs
 * only the time.  Stale records are counted, and kept only for -a.
 */
static int
scan(struct status *s, DIR *dp, struct entry **ents, size_t *n)
{
	struct dirent *d;
	struct stat st;
	size_t cap = 0;
	int fresh;

	for (errno = 0; (d = readdir(dp)) != NULL; errno = 0) {
		if (!is_record_name(d->d_name))
			continue;
		if (fstatat(s->dir, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno != ENOENT)
				unreadable(s, d->d_name);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			foreign(s, d->d_name, st.st_mode);
			continue;
		}
		fresh = spool_fresh(st.st_mtime, s->now, s->expiry, s->skew);
		if (fresh)
			s->allowed++;
		else
			s->stale++;
		if ((fresh || s->all) &&
		    append(ents, n, &cap, d->d_name, &st, fresh) != 0) {
			fatal("cannot list %s: out of memory after %zu "
			    "records; nothing is shown", s->dirname, *n);
			return -1;
		}
	}
	if (errno != 0) {
		fatal("cannot read spool directory %s: %s; nothing is shown",
		    s->dirname, strerror(errno));
		return -1;
	}
	return 0;
}

/* The time and freshness seen by the scan, which sorted on them. */
static int
entry_row(struct status *s, const struct entry *e, struct row *r, int quiet)
{
	struct stat st;

	r->addr = e->name;
	r->mtime = e->sec;
	r->state = e->fresh ? ST_FRESH : ST_STALE;
	return read_content(s, e->name, &st, &r->rec, quiet) == ST_FRESH ?
	    0 : -1;
}

/*
 * Every record, newest first.  A record that is revoked or aged between
 * the scan and its line is left out, and out of the summary.
 */
static int
list_spool(struct status *s)
{
	struct entry *ents = NULL;
	struct row r;
	size_t n = 0, i;
	DIR *dp;

	if ((dp = fdopendir(s->dir)) == NULL) {
		fatal("cannot read spool directory %s: %s; nothing is shown",
		    s->dirname, strerror(errno));
		return EXIT_TEMP;
	}
	if (scan(s, dp, &ents, &n) != 0) {
		free(ents);
		closedir(dp);
		return EXIT_TEMP;
	}
	qsort(ents, n, sizeof(*ents), newest_first);
	if (s->format == FMT_HUMAN)
		for (i = 0; i < n; i++)
			if (entry_row(s, &ents[i], &r, 1) == 0)
				widths_add(&s->w, s, &r);
	put_header(s, n);
	for (i = 0; i < n && !out_failed(s); i++) {
		if (entry_row(s, &ents[i], &r, 0) == 0)
			put_row(s, &r);
		else if (ents[i].fresh)
			s->allowed--;
		else
			s->stale--;
	}
	put_footer(s, 0);
	free(ents);
	closedir(dp);
	return 0;
}

/* One address asked for by name: looked at, never the directory. */
static void
address_row(struct status *s, const char *name, struct row *r, int quiet)
{
	struct stat st;

	r->addr = name;
	r->mtime = 0;
	r->rec.user[0] = r->rec.domain[0] = '\0';
	if (fstatat(s->dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			r->state = ST_NONE;
		else {
			if (!quiet)
				unreadable(s, name);
			r->state = ST_UNREADABLE;
		}
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		/* never opened: a device node might do something on open */
		if (!quiet)
			foreign(s, name, st.st_mode);
		r->state = ST_FOREIGN;
		return;
	}
	r->state = read_content(s, name, &st, &r->rec, quiet);
	if (r->state != ST_FRESH)
		return;
	r->mtime = st.st_mtime;
	if (!spool_fresh(st.st_mtime, s->now, s->expiry, s->skew))
		r->state = ST_STALE;
}

static void
count(struct status *s, const struct row *r)
{
	if (r->state == ST_FRESH)
		s->allowed++;
	else if (r->state == ST_STALE)
		s->stale++;
	else
		s->missing++;
}

/*
 * Only the addresses asked for, in the order given, every spelling of one
 * address shown under its record's name.  An argument that is no address
 * is a warning, and the exit code says so once the others are shown.
 */
static int
list_addresses(struct status *s, char **args, int nargs)
{
	char (*names)[ADDR_NAME_SIZE], shown[VISIBLE_SIZE];
	const char *why;
	struct row r;
	int i, n = 0;

	if ((names = calloc((size_t)nargs, sizeof(*names))) == NULL) {
		fatal("cannot look up %d addresses: out of memory; nothing is "
		    "shown", nargs);
		return EXIT_TEMP;
	}
	for (i = 0; i < nargs; i++) {
		if ((why = addr_canon(args[i], names[n])) != NULL) {
			warn("%s is not an address: %s; it is not shown",
			    visible(args[i], shown, sizeof(shown)), why);
			s->bad_addr = 1;
		} else
			n++;
	}
	if (s->format == FMT_HUMAN)
		for (i = 0; i < n; i++) {
			address_row(s, names[i], &r, 1);
			widths_add(&s->w, s, &r);
		}
	put_header(s, (size_t)n);
	for (i = 0; i < n && !out_failed(s); i++) {
		address_row(s, names[i], &r, 0);
		count(s, &r);
		put_row(s, &r);
	}
	put_footer(s, 1);
	free(names);
	return 0;
}

/* --- the applet ---------------------------------------------------------- */

static int
parse_options(char **argv, struct status *s)
{
	int i, json = 0, tsv = 0;

	for (i = 1; argv[i] != NULL && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-a") == 0)
			s->all = 1;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--tsv") == 0)
			tsv = 1;
		else
			return -1;
	}
	if (json && tsv)
		return -1;
	s->format = json ? FMT_JSON : tsv ? FMT_TSV : FMT_HUMAN;
	return i;
}

/* Admin tools open RELAY_CTRL_DIR itself: RELAY_CTRL_DIR_FD is chdir's. */
static int
open_spool(struct status *s)
{
	const char *conf = getenv("RELAY_CTRL_CONFIG");

	s->dirname = config_get("RELAY_CTRL_DIR");
	if (s->dirname == NULL || *s->dirname == '\0') {
		if (conf == NULL || *conf == '\0')
			conf = CONFIG_DIR_DEFAULT;
		fatal("RELAY_CTRL_DIR is set neither in the environment nor "
		    "in the config directory %.200s (RELAY_CTRL_CONFIG); "
		    "nothing is shown", conf);
		return -1;
	}
	s->dir = open(s->dirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir < 0) {
		fatal("cannot open spool directory %.200s (RELAY_CTRL_DIR): "
		    "%s; nothing is shown", s->dirname, strerror(errno));
		return -1;
	}
	return 0;
}

/* 111 beats 100 beats 1: a failure to see outranks a typo and a "no". */
static int
finish(struct status *s, int by_address)
{
	if (fflush(s->out) != 0 || out_failed(s)) {
		if (s->out_errno == 0)
			s->out_errno = errno;
		fatal("cannot write to standard output: %s; the listing is "
		    "incomplete", strerror(s->out_errno));
		return EXIT_TEMP;
	}
	if (s->failed)
		return EXIT_TEMP;
	if (s->bad_addr)
		return EXIT_USAGE;
	if (by_address && (s->stale > 0 || s->missing > 0))
		return 1;
	return 0;
}

int
status_main(int argc, char **argv)
{
	struct status s = { 0 };
	int first, rc;

	s.out = stdout;
	s.dir = -1;
	widths_init(&s.w);
	if ((first = parse_options(argv, &s)) < 0)
		die_usage();
	if (open_spool(&s) != 0)
		return EXIT_TEMP;
	s.now = time(NULL);
	s.expiry = config_seconds("RELAY_CTRL_EXPIRY", EXPIRY_DEFAULT);
	s.skew = config_seconds("RELAY_CTRL_CLOCK_SKEW", CLOCK_SKEW_DEFAULT);
	if (first < argc)
		rc = list_addresses(&s, argv + first, argc - first);
	else
		rc = list_spool(&s);
	if (rc != 0)
		return rc;
	return finish(&s, first < argc);
}
