/* For admins: which addresses may relay now, since when, for how long, and for whom; see relayctl-status(8). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../lib/address.h"
#include "../lib/cold.h"
#include "../lib/dir.h"
#include "../lib/escape.h"
#include "../lib/fmt.h"
#include "../lib/msg.h"
#include "../lib/opt.h"
#include "../lib/out.h"
#include "../lib/spool.h"

#define MREMAP_MAYMOVE_FLAG 1	/* linux/mman.h; glibc shows it to _GNU_SOURCE only */

enum format { FMT_HUMAN, FMT_JSON, FMT_TSV };

/*
 * What the full listing keeps of a record it shows: the sort key and the
 * two values check would export, as "USER\0DOMAIN\0" at off in one arena.
 * So each record shown costs 64 bytes, 16 more to sort it, and at most
 * 2 x 256 for its values, whatever its file holds; a record not shown
 * (stale, without -a) costs nothing, and no file is read twice.
 */
struct entry {
	time_t sec;
	int32_t nsec;
	uint32_t off;
	char name[ADDR_NAME_SIZE];
	unsigned char fresh;
};

/* The full listing between the scan and the print. */
struct listing {
	struct entry *ents;	/* in the order read */
	size_t n, cap;
	struct entry **order;	/* newest first, and as much again to sort */
	char *vals;		/* the arena of USER\0DOMAIN\0 values */
	size_t len, size;
};

/* What a row says about an address: only a fresh record lets it relay. */
struct row {
	const char *addr;
	enum found state;
	time_t mtime;
	const char *user, *domain;	/* "" when not recorded */
};

struct widths {
	size_t addr, age, left, user;
};

struct status {
	struct out *out;
	enum format format;
	int all;
	int dir;
	const char *dirname;
	time_t now;
	long expiry, skew;
	unsigned long allowed, stale, missing, rows;
	int failed;		/* something could not be read: exit 111 */
	int bad_addr;		/* an argument is no address: exit 100 */
	struct widths w;
};

/* --- scan: each record read once, what is shown kept -------------------- */

/* The record called name, as check would see it, having said what is amiss. */
static enum found
look(struct status *s, const char *name, enum look want, struct lookup *l)
{
	struct freshness f = { s->now, s->expiry, s->skew };
	struct reject_note note = { name, "it is not shown" };

	spool_lookup(s->dir, name, &f, want, l, record_warn, &note);
	if (l->found == REC_FOREIGN)
		warn("%s in %s is %s, not a record; check does not relay for it",
		    name, s->dirname, spool_kind(l->mode));
	else if (l->found == REC_UNREADABLE) {
		warn("cannot read record %s in %s: %s; it is not shown", name,
		    s->dirname, strerror(l->err));
		s->failed = 1;
	} else if (l->oversize)
		warn("record %s is larger than %d bytes; check exports no USER "
		    "or DOMAIN from it, and none is shown", name,
		    RECORD_FILE_MAX);
	return l->found;
}

/*
 * Memory from the kernel, not from malloc: status is the one applet whose
 * memory grows with the spool, and musl's malloc with free and realloc is
 * 8 KiB of code in a binary that every SMTP connection maps; by the
 * system calls, as musl's mmap and mremap only add checks that these
 * sizes never need.  n bytes at p, moved or made; NULL when there is no
 * more.
 */
static void *
pages(void *p, size_t old, size_t n)
{
	void *q = p != NULL ?
	    (void *)syscall(SYS_mremap, p, old, n, MREMAP_MAYMOVE_FLAG) :
	    (void *)syscall(SYS_mmap, NULL, n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1L, 0L);

	return q == MAP_FAILED ? NULL : q;
}

static void
pages_free(void *p, size_t n)
{
	if (p != NULL)
		syscall(SYS_munmap, p, n);
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t want = *cap ? *cap : 256;
	void *q;

	while (want < need)
		want *= 2;
	if (want == *cap)
		return 0;
	if (want > SIZE_MAX / size ||
	    (q = pages(*p, *cap * size, want * size)) == NULL)
		return -1;
	*p = q;
	*cap = want;
	return 0;
}

/* USER\0DOMAIN\0, at an offset that stays valid when the arena moves */
static int
keep_values(struct listing *ls, const struct record *rec, uint32_t *off)
{
	size_t u = strlen(rec->user) + 1, d = strlen(rec->domain) + 1;

	if (ls->len + u + d > UINT32_MAX ||
	    grow((void **)&ls->vals, &ls->size, ls->len + u + d, 1) != 0)
		return -1;
	*off = (uint32_t)ls->len;
	memcpy(ls->vals + ls->len, rec->user, u);
	memcpy(ls->vals + ls->len + u, rec->domain, d);
	ls->len += u + d;
	return 0;
}

static int
keep(struct listing *ls, const char *name, const struct lookup *l)
{
	struct entry *e;
	size_t len;

	if (grow((void **)&ls->ents, &ls->cap, ls->n + 1, sizeof(*ls->ents)) !=
	    0)
		return -1;
	e = &ls->ents[ls->n];
	if (keep_values(ls, &l->rec, &e->off) != 0)
		return -1;
	ls->n++;
	e->sec = l->mtime.tv_sec;
	e->nsec = (int32_t)l->mtime.tv_nsec;
	e->fresh = l->found == REC_FRESH;
	/* addr_is_name() has bounded it */
	len = strnlen(name, ADDR_TEXT_MAX);
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	return 0;
}

/*
 * Looks at one directory entry: a record is read once, here, which is
 * what it costs to know its time and its content; one not shown is not
 * read at all.
 */
static int
scan_one(struct status *s, const struct dirent *d, struct listing *ls)
{
	struct lookup l;

	if (!addr_is_name(d->d_name))
		return 0;
	switch (look(s, d->d_name, s->all ? LOOK_ANY : LOOK_FRESH, &l)) {
	case REC_FRESH:
		s->allowed++;
		break;
	case REC_STALE:
	case REC_FUTURE:
		s->stale++;
		if (s->all)
			break;
		/* FALLTHROUGH */
	default:
		return 0;
	}
	return keep(ls, d->d_name, &l);
}

/* Every record of the spool, as it is now, into ls. */
static int
scan(struct status *s, struct listing *ls)
{
	static struct dir dir COLD;
	const struct dirent *d;

	dir_start(&dir, s->dir);
	while ((d = dir_next(&dir)) != NULL)
		if (scan_one(s, d, ls) != 0) {
			fatal("cannot list %s: out of memory after %zu "
			    "records; nothing is shown", s->dirname, ls->n);
			return -1;
		}
	if (errno != 0) {
		fatal("cannot read spool directory %s: %s; nothing is shown",
		    s->dirname, strerror(errno));
		return -1;
	}
	return 0;
}

/* --- sort: newest first ------------------------------------------------- */

static int
newer(const struct entry *x, const struct entry *y)
{
	if (x->sec != y->sec)
		return x->sec > y->sec;
	if (x->nsec != y->nsec)
		return x->nsec > y->nsec;
	return strcmp(x->name, y->name) < 0;
}

/*
 * Newest first, by a bottom-up merge sort of pointers into tmp: musl's
 * qsort took a third of a 100,000-record listing's time.
 */
static void
sort_newest_first(struct entry **v, struct entry **tmp, size_t n)
{
	struct entry **from = v, **to = tmp, **t;
	size_t width, lo, mid, hi, i, j, k;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = mid + width < n ? mid + width : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				to[k] = j >= hi || (i < mid &&
				    !newer(from[j], from[i])) ?
				    from[i++] : from[j++];
		}
		t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

static int
sort(struct status *s, struct listing *ls)
{
	size_t i;

	if (ls->n == 0)
		return 0;
	if (ls->n > SIZE_MAX / 2 / sizeof(*ls->order) || (ls->order =
	    pages(NULL, 0, 2 * ls->n * sizeof(*ls->order))) == NULL) {
		fatal("cannot sort %zu records of %s: out of memory; nothing "
		    "is shown", ls->n, s->dirname);
		return -1;
	}
	for (i = 0; i < ls->n; i++)
		ls->order[i] = &ls->ents[i];
	sort_newest_first(ls->order, ls->order + ls->n, ls->n);
	return 0;
}

/* --- print: numbers and times ------------------------------------------- */

static void
put_num(struct out *f, long long v)
{
	char buf[24], *p = buf;

	if (v < 0)
		*p++ = '-';
	p = fmt_decimal(p, v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v, 1);
	out_put(f, buf, (size_t)(p - buf));
}

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

#define DURATION_SIZE 32

/* "42s", "12m05s", "3h07m", "5d03h": minutes and seconds while they matter. */
static void
fmt_duration(long long s, char buf[DURATION_SIZE])
{
	unsigned long long u = s < 0 ? 0ULL - (unsigned long long)s :
	    (unsigned long long)s;
	char *p = buf;

	if (s < 0)
		*p++ = '-';
	if (u < 60) {
		p = fmt_decimal(p, u, 1);
		*p++ = 's';
	} else if (u < 3600) {
		p = fmt_decimal(p, u / 60, 1);
		*p++ = 'm';
		p = fmt_decimal(p, u % 60, 2);
		*p++ = 's';
	} else if (u < 86400) {
		p = fmt_decimal(p, u / 3600, 1);
		*p++ = 'h';
		p = fmt_decimal(p, u / 60 % 60, 2);
		*p++ = 'm';
	} else {
		p = fmt_decimal(p, u / 86400, 1);
		*p++ = 'd';
		p = fmt_decimal(p, u / 3600 % 24, 2);
		*p++ = 'h';
	}
	*p = '\0';
}

#define ISO8601_SIZE 21

/*
 * 2024-05-01T12:00:00Z, or "" for a time outside the years 0 to 9999.
 * The date from the day number by Howard Hinnant's civil_from_days, in
 * eras of 400 years (146,097 days) counted from -0400-03-01, so that
 * every number is small and positive: musl's gmtime_r would bring its
 * whole calendar code.
 */
#define ISO8601_MIN (-62167219200LL)	/* 0000-01-01T00:00:00Z */
#define ISO8601_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */
#define FROM_ERA0 (62167219200LL + 146097LL * 86400 - 60LL * 86400)

static void
fmt_iso8601(time_t t, char buf[ISO8601_SIZE])
{
	unsigned long days, sec, era, doe, yoe, doy, mp, y, m, d, v[6];
	char *p = buf;
	int i;

	buf[0] = '\0';
	if (t < ISO8601_MIN || t > ISO8601_MAX)
		return;
	days = (unsigned long)((t + FROM_ERA0) / 86400);
	sec = (unsigned long)((t + FROM_ERA0) % 86400);
	era = days / 146097;
	doe = days % 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;		/* March is 0 */
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2) - 400;
	v[0] = y;
	v[1] = m;
	v[2] = d;
	v[3] = sec / 3600;
	v[4] = sec / 60 % 60;
	v[5] = sec % 60;
	for (i = 0; i < 6; i++) {
		p = fmt_decimal(p, v[i], i ? 2 : 4);
		*p++ = "--T::Z"[i];
	}
	*p = '\0';
}

/* A record dated ahead is shown as stale: check does not relay for it. */
static int
found(const struct row *r)
{
	return r->state >= REC_STALE;
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
	return r->state == REC_FRESH ?
	    span(r->mtime, s->now) + s->expiry : 0;
}

/* --- print: one row in each format -------------------------------------- */

static void
human_cells(const struct status *s, const struct row *r,
    char age[DURATION_SIZE], char left[DURATION_SIZE])
{
	static const char *const none[] = {
		[REC_FRESH] = "", [REC_STALE] = "stale", [REC_FUTURE] = "stale",
		[REC_ABSENT] = "no record", [REC_FOREIGN] = "not a record",
		[REC_UNREADABLE] = "unreadable",
	};

	if (found(r))
		fmt_duration(row_age(s, r), age);
	else
		strcpy(age, "-");
	if (r->state == REC_FRESH)
		fmt_duration(row_left(s, r), left);
	else
		strcpy(left, none[r->state]);
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
widen(size_t *w, size_t n)
{
	if (n > *w)
		*w = n;
}

static void
widths_add(struct widths *w, const struct status *s, const struct row *r)
{
	char age[DURATION_SIZE], left[DURATION_SIZE];

	human_cells(s, r, age, left);
	widen(&w->addr, strlen(r->addr));
	widen(&w->age, strlen(age));
	widen(&w->left, strlen(left));
	widen(&w->user, r->user[0] ? esc_put(NULL, ESC_HUMAN, r->user) : 1);
}

/* text, then blanks up to the next column */
static void
cell(struct out *f, size_t shown, size_t width)
{
	for (; shown < width + 2; shown++)
		out_char(f, ' ');
}

static void
put_human_header(struct out *f, const struct widths *w)
{
	out_str(f, "ADDRESS");
	cell(f, strlen("ADDRESS"), w->addr);
	out_str(f, "AGE");
	cell(f, strlen("AGE"), w->age);
	out_str(f, "LEFT");
	cell(f, strlen("LEFT"), w->left);
	out_str(f, "USER");
	cell(f, strlen("USER"), w->user);
	out_str(f, "DOMAIN\n");
}

/* Columns line up; an empty value is "-". */
static void
put_human_row(struct out *f, const struct status *s, const struct row *r,
    const struct widths *w)
{
	char age[DURATION_SIZE], left[DURATION_SIZE];

	human_cells(s, r, age, left);
	out_str(f, r->addr);
	cell(f, strlen(r->addr), w->addr);
	out_str(f, age);
	cell(f, strlen(age), w->age);
	out_str(f, left);
	cell(f, strlen(left), w->left);
	cell(f, esc_put(f, ESC_HUMAN, r->user[0] ? r->user : "-"), w->user);
	esc_put(f, ESC_HUMAN, r->domain[0] ? r->domain : "-");
	out_char(f, '\n');
}

static void
put_json_field(struct out *f, const char *name, const char *value)
{
	out_str(f, name);
	if (value != NULL)
		esc_put(f, ESC_JSON, value);
	else
		out_str(f, "null");
}

/* What there is no record for is null, not a made-up value. */
static void
put_json_row(struct out *f, const struct status *s, const struct row *r)
{
	char when[ISO8601_SIZE];

	fmt_iso8601(r->mtime, when);
	out_str(f, s->rows > 0 ? ",\n{" : "\n{");
	put_json_field(f, "\"address\":", r->addr);
	put_json_field(f, ",\"login_time\":", found(r) && when[0] ? when :
	    NULL);
	if (found(r)) {
		out_str(f, ",\"age_s\":");
		put_num(f, row_age(s, r));
		out_str(f, ",\"expires_in_s\":");
		put_num(f, row_left(s, r));
	} else
		out_str(f, ",\"age_s\":null,\"expires_in_s\":null");
	put_json_field(f, ",\"user\":", found(r) ? r->user : NULL);
	put_json_field(f, ",\"domain\":", found(r) ? r->domain : NULL);
	out_str(f, r->state == REC_FRESH ? ",\"fresh\":true}" :
	    ",\"fresh\":false}");
}

static const char tsv_header[] =
    "address\tlogin_time\tage_s\texpires_in_s\tuser\tdomain\tfresh\n";

/* Without a record every field but address and fresh is empty. */
static void
put_tsv_row(struct out *f, const struct status *s, const struct row *r)
{
	char when[ISO8601_SIZE];

	esc_put(f, ESC_TSV, r->addr);
	if (found(r)) {
		fmt_iso8601(r->mtime, when);
		out_char(f, '\t');
		out_str(f, when);
		out_char(f, '\t');
		put_num(f, row_age(s, r));
		out_char(f, '\t');
		put_num(f, row_left(s, r));
		out_char(f, '\t');
		esc_put(f, ESC_TSV, r->user);
		out_char(f, '\t');
		esc_put(f, ESC_TSV, r->domain);
	} else
		out_str(f, "\t\t\t\t\t");
	out_str(f, r->state == REC_FRESH ? "\ttrue\n" : "\tfalse\n");
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
		out_str(s->out, "[");
	else if (s->format == FMT_TSV)
		out_str(s->out, tsv_header);
	else if (rows > 0)
		put_human_header(s->out, &s->w);
}

/* The summary is for people; programs count the rows. */
static void
put_footer(struct status *s, int by_address)
{
	if (s->format == FMT_JSON)
		out_str(s->out, s->rows > 0 ? "\n]\n" : "]\n");
	else if (s->format == FMT_HUMAN && by_address)
		fmt_out(s->out, "%lu allowed, %lu stale, %lu without a record\n",
		    s->allowed, s->stale, s->missing);
	else if (s->format == FMT_HUMAN)
		fmt_out(s->out, "%lu allowed, %lu stale\n", s->allowed,
		    s->stale);
}

/* Past the first write error there is no point in going on. */
static int
out_failed(const struct status *s)
{
	return s->out->err != 0;
}

/* --- the two listings: scan, sort, print -------------------------------- */

static void
entry_row(const struct listing *ls, size_t i, struct row *r)
{
	const struct entry *e = ls->order[i];

	r->addr = e->name;
	r->mtime = e->sec;
	r->state = e->fresh ? REC_FRESH : REC_STALE;
	r->user = ls->vals + e->off;
	r->domain = r->user + strlen(r->user) + 1;
}

static void
print(struct status *s, const struct listing *ls)
{
	struct row r;
	size_t i;

	if (s->format == FMT_HUMAN)
		for (i = 0; i < ls->n; i++) {
			entry_row(ls, i, &r);
			widths_add(&s->w, s, &r);
		}
	put_header(s, ls->n);
	for (i = 0; i < ls->n && !out_failed(s); i++) {
		entry_row(ls, i, &r);
		put_row(s, &r);
	}
	put_footer(s, 0);
}

static void
listing_free(struct listing *ls)
{
	pages_free(ls->order, 2 * ls->n * sizeof(*ls->order));
	pages_free(ls->ents, ls->cap * sizeof(*ls->ents));
	pages_free(ls->vals, ls->size);
}

/* Every record, newest first: a snapshot of the spool as it was read. */
static int
list_spool(struct status *s)
{
	struct listing ls = { NULL, 0, 0, NULL, NULL, 0, 0 };
	int rc = EXIT_TEMP;

	if (scan(s, &ls) == 0 && sort(s, &ls) == 0) {
		print(s, &ls);
		rc = 0;
	}
	listing_free(&ls);
	return rc;
}

/* One address asked for by name, looked up directly. */
static void
address_row(struct status *s, const char *name, struct row *r,
    struct lookup *l)
{
	r->addr = name;
	r->state = look(s, name, LOOK_ANY, l);
	r->mtime = found(r) ? l->mtime.tv_sec : 0;
	r->user = l->rec.user;
	r->domain = l->rec.domain;
}

static void
count(struct status *s, const struct row *r)
{
	if (r->state == REC_FRESH)
		s->allowed++;
	else if (found(r))
		s->stale++;
	else
		s->missing++;
}

/*
 * Only the addresses asked for, in the order given, every spelling of one
 * address shown under its record's name.  An argument that is no address
 * is a warning, and the exit code says so once the others are shown.
 * Each record is read once and its row kept until all are measured:
 * memory grows with the arguments, which a shell has already bounded.
 */
static int
list_addresses(struct status *s, char **args, int nargs)
{
	struct asked {
		char name[ADDR_NAME_SIZE];
		struct lookup look;
		struct row row;
	} *l;
	char shown[VISIBLE_SIZE];
	const char *why;
	int i, n = 0;

	if ((size_t)nargs > SIZE_MAX / sizeof(*l) ||
	    (l = pages(NULL, 0, (size_t)nargs * sizeof(*l))) == NULL) {
		fatal("cannot look up %d addresses: out of memory; nothing is "
		    "shown", nargs);
		return EXIT_TEMP;
	}
	for (i = 0; i < nargs; i++) {
		if ((why = addr_canon(args[i], l[n].name)) != NULL) {
			warn("%s is not an address: %s; it is not shown",
			    visible(args[i], shown, sizeof(shown)), why);
			s->bad_addr = 1;
			continue;
		}
		address_row(s, l[n].name, &l[n].row, &l[n].look);
		count(s, &l[n].row);
		if (s->format == FMT_HUMAN)
			widths_add(&s->w, s, &l[n].row);
		n++;
	}
	put_header(s, (size_t)n);
	for (i = 0; i < n && !out_failed(s); i++)
		put_row(s, &l[i].row);
	put_footer(s, 1);
	pages_free(l, (size_t)nargs * sizeof(*l));
	return 0;
}

/* --- the applet ---------------------------------------------------------- */

static int
parse_options(char **argv, struct status *s)
{
	struct opt o;
	int c, json = 0, tsv = 0;

	opt_init(&o, argv);
	while ((c = opt_next(&o, "a")) != OPT_END) {
		if (c == 'a')
			s->all = 1;
		else if (c == OPT_WORD && strcmp(o.word, "json") == 0)
			json = 1;
		else if (c == OPT_WORD && strcmp(o.word, "tsv") == 0)
			tsv = 1;
		else
			return -1;
	}
	if (json && tsv)
		return -1;
	s->format = json ? FMT_JSON : tsv ? FMT_TSV : FMT_HUMAN;
	return o.i;
}

/* 111 beats 100 beats 1: a failure to see outranks a typo and a "no". */
static int
finish(struct status *s, int by_address)
{
	if (out_flush(s->out) != 0) {
		fatal("cannot write to standard output: %s; the listing is "
		    "incomplete", strerror(errno));
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

	s.out = &out_stdout;
	s.dir = -1;
	widths_init(&s.w);
	if ((first = parse_options(argv, &s)) < 0)
		die_usage();
	/* RELAY_CTRL_DIR itself: RELAY_CTRL_DIR_FD is chdir's */
	if ((s.dir = spool_open_admin(&s.dirname, "nothing is shown")) < 0)
		return EXIT_TEMP;
	s.now = time(NULL);
	spool_freshness(&s.expiry, &s.skew);
	if (first < argc)
		rc = list_addresses(&s, argv + first, argc - first);
	else
		rc = list_spool(&s);
	if (rc != 0)
		return rc;
	return finish(&s, first < argc);
}
