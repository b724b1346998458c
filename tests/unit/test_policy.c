/* Unit tests for applets/policy.c: the request parser, OK/DUNNO decisions, hanging up on malformed requests, and silence on fd 2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/wrap.h"
#include "applets/policy.c"

static char top[64], spooldir[128], confdir[128];

#define OK "action=OK\n\n"
#define DUNNO "action=DUNNO\n\n"
#define REQ(addr) "request=smtpd_access_policy\nprotocol_state=RCPT\n" \
	"client_address=" addr "\nclient_name=unknown\n\n"

static int
setup(void **state)
{
	(void)state;
	wrap_reset();
	strcpy(top, "/tmp/relayctl-policy.XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(spooldir, sizeof(spooldir), "%s/spool", top);
	snprintf(confdir, sizeof(confdir), "%s/conf", top);
	if (mkdir(spooldir, 0755) != 0 || mkdir(confdir, 0755) != 0)
		return -1;
	/* never the host's /etc/relay-ctrl */
	setenv("RELAY_CTRL_CONFIG", confdir, 1);
	setenv("RELAY_CTRL_DIR", spooldir, 1);
	unsetenv("RELAY_CTRL_DIR_FD");
	unsetenv("RELAY_CTRL_EXPIRY");
	unsetenv("RELAY_CTRL_CLOCK_SKEW");
	unsetenv("RELAY_CTRL_LOG_IPS");
	unsetenv("RELAY_CTRL_LOG");
	config_reset();
	msg_force_sink(SINK_NONE);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	wrap_reset();
	config_reset();
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", top, top);
	return system(cmd);
}

/* A record for name, last written age seconds ago (negative: ahead). */
static void
put_record(const char *name, long age)
{
	static const char content[] = "USER=alice\0";
	struct timespec t[2];
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", spooldir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, sizeof(content) - 1),
	    (ssize_t)sizeof(content) - 1);
	t[0].tv_sec = t[1].tv_sec = time(NULL) - age;
	t[0].tv_nsec = t[1].tv_nsec = 0;
	assert_int_equal(futimens(fd, t), 0);
	close(fd);
}

static void
put_conf(const char *name, const char *value)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", confdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", value);
	assert_int_equal(fclose(f), 0);
}

/* A file holding len bytes of text, rewound: the policy's stdin. */
static int
input_fd(const char *text, size_t len)
{
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	fd = dup(fileno(f));
	fclose(f);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static size_t
slurp(int fd, char *out, size_t size)
{
	size_t n = 0;
	ssize_t r;

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	while (n + 1 < size && (r = read(fd, out + n, size - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	return n;
}

/* Called by serve() once the input is written, so it is not the fault. */
static void (*arm_faults)(void);

/*
 * Serves text as one connection with settings from the environment;
 * returns the exit code, and the answers in out.
 */
static int
serve_len(const char *text, size_t len, char *out, size_t size)
{
	struct policy p;
	int in, o, rc;
	FILE *f = tmpfile();

	assert_non_null(f);
	o = dup(fileno(f));
	fclose(f);
	in = input_fd(text, len);
	policy_init(&p);
	if (arm_faults != NULL)
		arm_faults();
	rc = policy_serve(&p, in, o);
	wrap_reset();
	arm_faults = NULL;
	slurp(o, out, size);
	close(in);
	close(o);
	spool_close(p.dir);
	return rc;
}

static int
serve(const char *text, char *out, size_t size)
{
	return serve_len(text, strlen(text), out, size);
}

/* The one answer to one request for addr. */
static const char *
verdict(const char *addr)
{
	static char out[256];
	char req[512];

	snprintf(req, sizeof(req), "request=smtpd_access_policy\n"
	    "client_address=%s\n\n", addr);
	assert_int_equal(serve(req, out, sizeof(out)), 0);
	return out;
}

/* --- the parser ----------------------------------------------------------- */

static void
test_feed_lines(void **state)
{
	const char *why = NULL;
	char line[POLICY_LINE_MAX + 2];
	struct req r;

	(void)state;
	req_reset(&r);
	assert_int_equal(policy_feed(&r, "a=b", 3, &why), FEED_MORE);
	assert_int_equal(policy_feed(&r, "empty=", 6, &why), FEED_MORE);
	assert_int_equal(policy_feed(&r, "x==y", 4, &why), FEED_MORE);
	assert_int_equal(policy_feed(&r, "client_address=192.0.2.7\r", 25,
	    &why), FEED_MORE);
	assert_string_equal(r.addr, "192.0.2.7");
	assert_int_equal(r.addr_seen, 1);
	assert_int_equal(r.nattrs, 4);
	assert_int_equal(policy_feed(&r, "", 0, &why), FEED_END);
	assert_int_equal(policy_feed(&r, "\r", 1, &why), FEED_END);

	why = NULL;
	assert_int_equal(policy_feed(&r, "noequals", 8, &why), FEED_BAD);
	assert_non_null(why);
	assert_int_equal(policy_feed(&r, "=value", 6, &why), FEED_BAD);
	assert_int_equal(policy_feed(&r, "a=b\0c", 5, &why), FEED_BAD);
	/* "client_address=1.2.3.4\0junk" must not read as 1.2.3.4 */
	assert_int_equal(policy_feed(&r, "client_address=1.2.3.4\0x", 24,
	    &why), FEED_BAD);

	memset(line, 'a', sizeof(line));
	line[1] = '=';
	/* a longer line never gets here: next_line refuses it (test_serve) */
	assert_int_equal(policy_feed(&r, line, POLICY_LINE_MAX, &why),
	    FEED_MORE);
}

static void
test_feed_attribute_limit(void **state)
{
	const char *why = NULL;
	struct req r;
	int i;

	(void)state;
	req_reset(&r);
	for (i = 0; i < POLICY_ATTRS_MAX; i++)
		assert_int_equal(policy_feed(&r, "a=b", 3, &why), FEED_MORE);
	assert_int_equal(policy_feed(&r, "a=b", 3, &why), FEED_BAD);
	assert_non_null(why);
}

static void
test_feed_long_client_address(void **state)
{
	char line[200], name[ADDR_NAME_SIZE];
	const char *why = NULL;
	struct policy p;
	struct req r;

	(void)state;
	req_reset(&r);
	/* 1.2.3.4 followed by 60 spaces: cut, but never to 1.2.3.4 */
	snprintf(line, sizeof(line), "client_address=1.2.3.4%60s", "");
	assert_int_equal(policy_feed(&r, line, strlen(line), &why), FEED_MORE);
	put_record("1.2.3.4", 0);
	policy_init(&p);
	assert_int_equal(policy_decide(&p, &r, name, &why), 0);
	spool_close(p.dir);
}

/* --- decisions ------------------------------------------------------------ */

static void
test_fresh_stale_missing(void **state)
{
	(void)state;
	put_record("192.0.2.7", 10);
	put_record("192.0.2.8", 3600);
	put_record("192.0.2.9", -3600);	/* far in the future */
	put_record("192.0.2.10", -30);	/* within the clock skew */
	assert_string_equal(verdict("192.0.2.7"), OK);
	assert_string_equal(verdict("192.0.2.8"), DUNNO);
	assert_string_equal(verdict("192.0.2.9"), DUNNO);
	assert_string_equal(verdict("192.0.2.10"), OK);
	assert_string_equal(verdict("192.0.2.11"), DUNNO);
}

static void
test_expiry_from_config_dir(void **state)
{
	(void)state;
	put_record("192.0.2.7", 200);
	assert_string_equal(verdict("192.0.2.7"), OK);
	put_conf("RELAY_CTRL_EXPIRY", "100");
	config_reset();
	/* read only where the environment names no spool (SPEC §3) */
	assert_string_equal(verdict("192.0.2.7"), OK);
	put_conf("RELAY_CTRL_DIR", spooldir);
	unsetenv("RELAY_CTRL_DIR");
	config_reset();
	assert_string_equal(verdict("192.0.2.7"), DUNNO);
}

static void
test_ipv6_spellings(void **state)
{
	(void)state;
	put_record("2001:db8::7", 0);
	put_record("192.0.2.7", 0);
	assert_string_equal(verdict("2001:db8::7"), OK);
	assert_string_equal(verdict("2001:DB8:0:0::7"), OK);
	assert_string_equal(verdict("2001:db8:0:0:0:0:0:7"), OK);
	assert_string_equal(verdict("2001:db8::0:7"), OK);
	assert_string_equal(verdict("::ffff:192.0.2.7"), OK);
	assert_string_equal(verdict("::FFFF:192.0.2.7"), OK);
	assert_string_equal(verdict("2001:db8::8"), DUNNO);
	assert_string_equal(verdict("fe80::1%eth0"), DUNNO);
}

static void
test_unusable_client_address(void **state)
{
	char out[256];

	(void)state;
	put_record("192.0.2.7", 0);
	assert_string_equal(verdict(""), DUNNO);
	assert_string_equal(verdict("unknown"), DUNNO);
	assert_string_equal(verdict("192.0.2.7 "), DUNNO);
	assert_string_equal(verdict(" 192.0.2.7"), DUNNO);
	assert_string_equal(verdict("192.0.2.7/32"), DUNNO);
	assert_string_equal(verdict("../spool/192.0.2.7"), DUNNO);
	assert_string_equal(verdict("localhost"), DUNNO);
	/* no client_address at all, and an empty request */
	assert_int_equal(serve("request=smtpd_access_policy\n\n\n", out,
	    sizeof(out)), 0);
	assert_string_equal(out, DUNNO DUNNO);
	/* given twice: unsure, so DUNNO even if both are allowed */
	assert_int_equal(serve("client_address=192.0.2.7\n"
	    "client_address=192.0.2.7\n\n", out, sizeof(out)), 0);
	assert_string_equal(out, DUNNO);
	/* another request type */
	assert_int_equal(serve("request=something_else\n"
	    "client_address=192.0.2.7\n\n", out, sizeof(out)), 0);
	assert_string_equal(out, DUNNO);
	/* no request attribute: still an access policy question */
	assert_int_equal(serve("client_address=192.0.2.7\n\n", out,
	    sizeof(out)), 0);
	assert_string_equal(out, OK);
}

static void
test_record_not_a_file(void **state)
{
	char path[160];

	(void)state;
	put_record("192.0.2.7", 0);
	snprintf(path, sizeof(path), "%s/192.0.2.8", spooldir);
	assert_int_equal(symlink("192.0.2.7", path), 0);
	snprintf(path, sizeof(path), "%s/192.0.2.9", spooldir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/192.0.2.10", spooldir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_string_equal(verdict("192.0.2.8"), DUNNO);
	assert_string_equal(verdict("192.0.2.9"), DUNNO);
	assert_string_equal(verdict("192.0.2.10"), DUNNO);
}

static void
test_no_spool(void **state)
{
	(void)state;
	put_record("192.0.2.7", 0);
	unsetenv("RELAY_CTRL_DIR");
	config_reset();
	assert_string_equal(verdict("192.0.2.7"), DUNNO);
	setenv("RELAY_CTRL_DIR", "/nonexistent/relayctl-spool", 1);
	config_reset();
	assert_string_equal(verdict("192.0.2.7"), DUNNO);
}

/* A spool that appears while the connection is open is used. */
static void
test_spool_opened_later(void **state)
{
	char later[96], out[256];
	struct policy p;
	int in, o;
	FILE *f = tmpfile();

	(void)state;
	snprintf(later, sizeof(later), "%s/later", top);
	setenv("RELAY_CTRL_DIR", later, 1);
	config_reset();
	policy_init(&p);
	assert_true(p.dir < 0);
	assert_int_equal(mkdir(later, 0755), 0);
	snprintf(spooldir, sizeof(spooldir), "%s", later);
	put_record("192.0.2.7", 0);
	o = dup(fileno(f));
	fclose(f);
	in = input_fd(REQ("192.0.2.7"), strlen(REQ("192.0.2.7")));
	assert_int_equal(policy_serve(&p, in, o), 0);
	slurp(o, out, sizeof(out));
	assert_string_equal(out, OK);
	assert_true(p.dir >= 0);
	spool_close(p.dir);
	close(in);
	close(o);
}

/* --- connections ---------------------------------------------------------- */

static void
test_many_requests_one_connection(void **state)
{
	char in[16384], want[8192], out[8192];
	size_t n = 0, w = 0;
	int i;

	(void)state;
	put_record("192.0.2.7", 0);
	put_record("2001:db8::7", 0);
	for (i = 0; i < 120; i++) {
		switch (i % 3) {
		case 0:
			n += (size_t)snprintf(in + n, sizeof(in) - n, "%s",
			    REQ("192.0.2.7"));
			w += (size_t)snprintf(want + w, sizeof(want) - w, OK);
			break;
		case 1:
			n += (size_t)snprintf(in + n, sizeof(in) - n, "%s",
			    REQ("192.0.2.99"));
			w += (size_t)snprintf(want + w, sizeof(want) - w,
			    DUNNO);
			break;
		default:
			n += (size_t)snprintf(in + n, sizeof(in) - n, "%s",
			    REQ("2001:DB8::7"));
			w += (size_t)snprintf(want + w, sizeof(want) - w, OK);
		}
		assert_true(n < sizeof(in) - 200);
	}
	assert_int_equal(serve(in, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

/* Per request: one fstatat on the record, which is never opened, no directory work. */
static void
test_cost_per_request(void **state)
{
	char in[4096], out[1024];
	struct policy p;
	size_t n = 0;
	int i, fi, fo;
	FILE *f = tmpfile();

	(void)state;
	put_record("192.0.2.7", 0);
	for (i = 0; i < 10; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%s",
		    REQ("192.0.2.7"));
	fo = dup(fileno(f));
	fclose(f);
	fi = input_fd(in, n);
	policy_init(&p);
	assert_true(p.dir >= 0);
	wrap_reset();
	assert_int_equal(policy_serve(&p, fi, fo), 0);
	assert_int_equal(wrap_calls(W_OPEN), 0);
	assert_int_equal(wrap_calls(W_OPENAT), 0);
	assert_int_equal(wrap_calls(W_FSTAT), 0);
	assert_int_equal(wrap_calls(W_FSTATAT), 10);
	slurp(fo, out, sizeof(out));
	assert_int_equal(strlen(out), 10 * strlen(OK));
	spool_close(p.dir);
	close(fi);
	close(fo);
}

static void
test_malformed_hangs_up(void **state)
{
	char in[8192], out[1024];
	size_t n;
	int i;

	(void)state;
	put_record("192.0.2.7", 0);

	/* the first request is answered, the broken second one is not */
	assert_int_equal(serve(REQ("192.0.2.7") "client_address=192.0.2.7\n"
	    "no equals sign here\n\n" REQ("192.0.2.7"), out, sizeof(out)),
	    EXIT_USAGE);
	assert_string_equal(out, OK);

	assert_int_equal(serve("=192.0.2.7\n\n", out, sizeof(out)),
	    EXIT_USAGE);
	assert_string_equal(out, "");

	/* an overlong line without a newline: no waiting for the rest */
	n = (size_t)snprintf(in, sizeof(in), "client_address=192.0.2.7\n"
	    "helo_name=");
	memset(in + n, 'x', 2000);
	assert_int_equal(serve_len(in, n + 2000, out, sizeof(out)),
	    EXIT_USAGE);
	assert_string_equal(out, "");

	/* an overlong line with its newline */
	n = (size_t)snprintf(in, sizeof(in), "helo_name=");
	memset(in + n, 'x', POLICY_LINE_MAX);
	n += POLICY_LINE_MAX;
	n += (size_t)snprintf(in + n, sizeof(in) - n,
	    "\nclient_address=192.0.2.7\n\n");
	assert_int_equal(serve_len(in, n, out, sizeof(out)), EXIT_USAGE);
	assert_string_equal(out, "");

	/* the longest line allowed is fine */
	n = (size_t)snprintf(in, sizeof(in), "helo_name=");
	memset(in + n, 'x', POLICY_LINE_MAX - n);
	n = POLICY_LINE_MAX;
	n += (size_t)snprintf(in + n, sizeof(in) - n,
	    "\nclient_address=192.0.2.7\n\n");
	assert_int_equal(serve_len(in, n, out, sizeof(out)), 0);
	assert_string_equal(out, OK);

	/* 101 attributes: no answer; 100: an answer */
	n = (size_t)snprintf(in, sizeof(in), "client_address=192.0.2.7\n");
	for (i = 1; i < POLICY_ATTRS_MAX; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "x%d=y\n", i);
	n += (size_t)snprintf(in + n, sizeof(in) - n, "\n");
	assert_int_equal(serve(in, out, sizeof(out)), 0);
	assert_string_equal(out, OK);
	n = (size_t)snprintf(in, sizeof(in), "client_address=192.0.2.7\n");
	for (i = 1; i <= POLICY_ATTRS_MAX; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "x%d=y\n", i);
	n += (size_t)snprintf(in + n, sizeof(in) - n, "\n");
	assert_int_equal(serve(in, out, sizeof(out)), EXIT_USAGE);
	assert_string_equal(out, "");

	/* the limit counts per request, not per connection */
	n = 0;
	for (i = 0; i < 30; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%s",
		    REQ("192.0.2.7"));
	assert_int_equal(serve(in, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 30 * strlen(OK));
}

static void
test_end_of_input(void **state)
{
	char out[256];

	(void)state;
	put_record("192.0.2.7", 0);
	assert_int_equal(serve("", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* mid-request and mid-line: no answer, a clean exit */
	assert_int_equal(serve("client_address=192.0.2.7\n", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(serve(REQ("192.0.2.7") "client_addr", out,
	    sizeof(out)), 0);
	assert_string_equal(out, OK);
}

/* A request that arrives in pieces, split inside a line, is one request. */
static void
test_request_in_pieces(void **state)
{
	static const char req[] = REQ("192.0.2.7");
	struct policy p;
	char out[256];
	int in[2], o;
	pid_t pid;
	FILE *f = tmpfile();

	(void)state;
	put_record("192.0.2.7", 0);
	assert_int_equal(pipe(in), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(in[0]);
		if (write(in[1], req, 40) != 40)
			_exit(1);
		usleep(100000);
		if (write(in[1], req + 40, sizeof(req) - 41) !=
		    (ssize_t)sizeof(req) - 41)
			_exit(1);
		_exit(0);
	}
	close(in[1]);
	o = dup(fileno(f));
	fclose(f);
	policy_init(&p);
	assert_int_equal(policy_serve(&p, in[0], o), 0);
	assert_true(wrap_calls(W_READ) >= 3);
	slurp(o, out, sizeof(out));
	assert_string_equal(out, OK);
	close(in[0]);
	close(o);
	spool_close(p.dir);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

static void
write_fails(void)
{
	wrap_fail(W_WRITE, 0, 1, EIO);
}

static void
request_read_fails(void)
{
	wrap_fail(W_READ, 0, 1, EIO);
}

/* the request's read, then the record's */
static void
record_read_fails(void)
{
	wrap_fail(W_FSTATAT, 0, 1, EIO);
}

static void
interrupted(void)
{
	wrap_fail(W_READ, 0, 1, EINTR);
	wrap_fail(W_WRITE, 0, 1, EINTR);
	wrap_short_write(3);
}

static void
test_answer_errors(void **state)
{
	struct policy p;
	int in, pfd[2];
	char out[64];

	(void)state;
	put_record("192.0.2.7", 0);
	/* the SMTP server hung up: EPIPE, a quiet exit 0 */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(pfd), 0);
	close(pfd[0]);
	in = input_fd(REQ("192.0.2.7"), strlen(REQ("192.0.2.7")));
	policy_init(&p);
	assert_int_equal(policy_serve(&p, in, pfd[1]), 0);
	close(pfd[1]);
	close(in);
	spool_close(p.dir);
	signal(SIGPIPE, SIG_DFL);

	/* any other write error: 111 */
	arm_faults = write_fails;
	assert_int_equal(serve(REQ("192.0.2.7"), out, sizeof(out)),
	    EXIT_TEMP);
	/* a read error: 111, no answer */
	arm_faults = request_read_fails;
	assert_int_equal(serve(REQ("192.0.2.7"), out, sizeof(out)),
	    EXIT_TEMP);
	assert_string_equal(out, "");
	/* a record that cannot be read: DUNNO */
	arm_faults = record_read_fails;
	assert_int_equal(serve(REQ("192.0.2.7"), out, sizeof(out)), 0);
	assert_string_equal(out, DUNNO);
	/* interrupted reads and writes are retried, short writes finished */
	arm_faults = interrupted;
	assert_int_equal(serve(REQ("192.0.2.7"), out, sizeof(out)), 0);
	assert_string_equal(out, OK);
}

/* --- policy_main in a child: the real stdin, stdout and stderr ------------ */

/*
 * Runs policy_main in a child with stdin from text, stdout and stderr to
 * files.  Returns its exit status; out and err get what it wrote.
 */
static int
run_main(const char *text, int argc, char *out, size_t osize, char *err,
    size_t esize)
{
	char *argv[] = { "relayctl-policy", "extra", NULL };
	int in, o, e, status;
	pid_t pid;
	FILE *fo = tmpfile(), *fe = tmpfile();

	assert_non_null(fo);
	assert_non_null(fe);
	argv[argc] = NULL;	/* as for every main */
	in = input_fd(text, strlen(text));
	o = fileno(fo);
	e = fileno(fe);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(99);
		config_reset();
		msg_force_sink(SINK_AUTO);
		msg_init("relayctl-policy", "relayctl policy");
		_exit(policy_main(argc, argv));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	slurp(o, out, osize);
	slurp(e, err, esize);
	close(in);
	fclose(fo);
	fclose(fe);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* spawn(8) connects stderr to the SMTP daemon: not one byte goes there. */
static void
test_main_never_writes_stderr(void **state)
{
	char out[512], err[512], path[160];

	(void)state;
	put_record("192.0.2.7", 0);
	snprintf(path, sizeof(path), "%s/192.0.2.8", spooldir);
	assert_int_equal(symlink("192.0.2.7", path), 0);
	setenv("RELAY_CTRL_LOG_IPS", "1", 1);
	setenv("RELAY_CTRL_EXPIRY", "15m", 1);	/* a warning */

	/* a warning for the symlink, info lines, then a malformed request */
	assert_int_equal(run_main(REQ("192.0.2.7") REQ("192.0.2.8")
	    "bad line\n\n", 1, out, sizeof(out), err, sizeof(err)),
	    EXIT_USAGE);
	assert_string_equal(out, OK DUNNO);
	assert_string_equal(err, "");

	/* even when told to use stderr */
	setenv("RELAY_CTRL_LOG", "stderr", 1);
	assert_int_equal(run_main(REQ("192.0.2.8") "client_address=1", 1, out,
	    sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, DUNNO);
	assert_string_equal(err, "");

	/* a usage error too */
	assert_int_equal(run_main("", 2, out, sizeof(out), err, sizeof(err)),
	    EXIT_USAGE);
	assert_string_equal(out, "");
	assert_string_equal(err, "");

	/* no spool at all */
	setenv("RELAY_CTRL_DIR", "/nonexistent/relayctl-spool", 1);
	assert_int_equal(run_main(REQ("192.0.2.7"), 1, out, sizeof(out), err,
	    sizeof(err)), 0);
	assert_string_equal(out, DUNNO);
	assert_string_equal(err, "");
}

/* spawn's environment is minimal: the spool comes from the config directory. */
static void
test_main_spool_from_config_dir(void **state)
{
	char out[512], err[512];

	(void)state;
	put_record("192.0.2.7", 0);
	unsetenv("RELAY_CTRL_DIR");
	put_conf("RELAY_CTRL_DIR", spooldir);
	assert_int_equal(run_main(REQ("192.0.2.7") REQ("192.0.2.8"), 1, out,
	    sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, OK DUNNO);
	assert_string_equal(err, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_feed_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_feed_attribute_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed_long_client_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_stale_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expiry_from_config_dir,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_spellings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unusable_client_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_not_a_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_spool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_opened_later, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_many_requests_one_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cost_per_request, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_hangs_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_end_of_input, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_in_pieces, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answer_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_main_never_writes_stderr,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_main_spool_from_config_dir, setup, teardown),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
