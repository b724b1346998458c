/* libFuzzer target for the Postfix policy server (applets/policy.c): requests in, answers out; see tests/fuzz/README. */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../applets/policy.c"

static struct policy pol;
static int in_fd, out_fd;
static char dir[] = "/tmp/fuzz_policy.XXXXXX";

/* libFuzzer ends with exit(): the spool goes with it. */
static void
remove_spool(void)
{
	static const char *names[] = { "192.0.2.7", "192.0.2.8", "2001:db8::7",
	    "192.0.2.10", ".in", ".out" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(pol.dir, names[i], 0);
	unlinkat(pol.dir, "192.0.2.9", AT_REMOVEDIR);
	rmdir(dir);
}

/*
 * A spool where only 192.0.2.7 is fresh; the others are each a way to be
 * refused: dated in the future, a symlink to a fresh record, a directory,
 * a FIFO.  The expiry is as long as can be, so that the record stays
 * fresh however long the fuzzer runs.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[64];
	struct timespec ts[2];
	int fd;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	pol.dir = open(dir, O_RDONLY | O_DIRECTORY);
	if (pol.dir < 0)
		abort();
	atexit(remove_spool);
	fd = openat(pol.dir, "192.0.2.7", O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "USER=a\0", 7) != 7 || close(fd) != 0)
		abort();
	fd = openat(pol.dir, "192.0.2.8", O_WRONLY | O_CREAT, 0644);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec += 100000;
	ts[1] = ts[0];
	if (fd < 0 || futimens(fd, ts) != 0 || close(fd) != 0)
		abort();
	if (symlinkat("192.0.2.7", pol.dir, "2001:db8::7") != 0 ||
	    mkdirat(pol.dir, "192.0.2.9", 0755) != 0 ||
	    mkfifoat(pol.dir, "192.0.2.10", 0644) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/.in", dir);
	in_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	snprintf(path, sizeof(path), "%s/.out", dir);
	out_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (in_fd < 0 || out_fd < 0)
		abort();
	pol.expiry = INT_MAX;
	pol.skew = 60;
	msg_force_sink(SINK_NONE);
	return 0;
}

/* Lines "client_address=X" of data whose X is 192.0.2.7 in any spelling. */
static int
fresh_addresses(const uint8_t *data, size_t size)
{
	static const char key[] = "client_address=";
	char text[ADDR_TEXT_MAX + 2], name[ADDR_NAME_SIZE];
	const uint8_t *p = data, *end = data + size, *nl;
	size_t len, vlen;
	int n = 0;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len < sizeof(key) - 1 || memcmp(p, key, sizeof(key) - 1))
			continue;
		vlen = len - (sizeof(key) - 1);
		if (vlen > ADDR_TEXT_MAX || memchr(p, '\0', len) != NULL)
			continue;
		memcpy(text, p + sizeof(key) - 1, vlen);
		text[vlen] = '\0';
		if (addr_canon(text, name) == NULL &&
		    strcmp(name, "192.0.2.7") == 0)
			n++;
	}
	return n;
}

/*
 * The server may only ever write whole answers, at most one per empty
 * line of input, and OK only where a request named the fresh client.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[1 << 20];
	size_t i, empty = 0, answers = 0, oks = 0;
	ssize_t n;
	off_t o;
	int rc;

	if (ftruncate(in_fd, 0) != 0 || pwrite(in_fd, data, size, 0) !=
	    (ssize_t)size || lseek(in_fd, 0, SEEK_SET) != 0 ||
	    ftruncate(out_fd, 0) != 0 || lseek(out_fd, 0, SEEK_SET) != 0)
		abort();
	rc = policy_serve(&pol, in_fd, out_fd);
	if (rc != 0 && rc != EXIT_USAGE)
		abort();
	n = pread(out_fd, out, sizeof(out), 0);
	if (n < 0)
		abort();
	for (i = 0; i < size; i++)
		if (data[i] == '\n' && (i == 0 || data[i - 1] == '\n' ||
		    (data[i - 1] == '\r' && (i == 1 || data[i - 2] == '\n'))))
			empty++;
	for (o = 0; o < n;) {
		if ((size_t)(n - o) >= sizeof(ANSWER_OK) - 1 &&
		    memcmp(out + o, ANSWER_OK, sizeof(ANSWER_OK) - 1) == 0) {
			o += sizeof(ANSWER_OK) - 1;
			oks++;
		} else if ((size_t)(n - o) >= sizeof(ANSWER_DUNNO) - 1 &&
		    memcmp(out + o, ANSWER_DUNNO,
		    sizeof(ANSWER_DUNNO) - 1) == 0)
			o += sizeof(ANSWER_DUNNO) - 1;
		else
			abort();
		answers++;
	}
	if (answers > empty || oks > (size_t)fresh_addresses(data, size))
		abort();
	return 0;
}
