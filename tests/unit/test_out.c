/* Unit tests for lib/out.c and lib/dir.c: the stdout writer's buffering and its first error, and reading a directory larger than one buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/dir.h"
#include "lib/out.h"
#include "tests/unit/capture.h"
#include "tests/unit/wrap.h"

/* Bytes are kept until the buffer is full, then written in one call. */
static void
test_buffered(void **state)
{
	static char big[3 * OUT_SIZE + 17];
	struct out o;
	char *text;
	size_t i;

	(void)state;
	wrap_reset();
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	capture_start(&o);
	out_str(&o, "x");
	out_char(&o, '\n');
	assert_int_equal(wrap_calls(W_WRITE), 0);
	out_put(&o, big, sizeof(big));
	assert_int_equal(wrap_calls(W_WRITE), 3);
	text = capture_text(&o);
	assert_int_equal(wrap_calls(W_WRITE), 4);
	assert_int_equal(strlen(text), 2 + sizeof(big));
	assert_memory_equal(text, "x\n", 2);
	assert_memory_equal(text + 2, big, sizeof(big));
	free(text);
}

/* The first error stays: later bytes are dropped, every flush reports it. */
static void
test_first_error_stays(void **state)
{
	struct out o;

	(void)state;
	wrap_reset();
	capture_start(&o);
	wrap_fail(W_WRITE, 0, 1, EPIPE);
	out_str(&o, "lost");
	assert_int_equal(out_flush(&o), -1);
	assert_int_equal(errno, EPIPE);
	errno = 0;
	out_str(&o, "after");
	assert_int_equal(o.len, 0);
	assert_int_equal(out_flush(&o), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(wrap_calls(W_WRITE), 1);
	/* a flush with nothing to write is no error, and leaves errno */
	capture_start(&o);
	errno = ENOENT;
	assert_int_equal(out_flush(&o), 0);
	assert_int_equal(errno, ENOENT);
	free(capture_text(&o));
}

/* To a terminal each line goes out when it ends, as stdio does. */
static void
test_terminal_lines(void **state)
{
	struct out o;
	int master, slave;

	(void)state;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0) {
		skip();
		return;
	}
	capture_to(&o, slave);
	out_str(&o, "no newline yet");
	assert_int_equal(o.tty, 1);
	assert_true(o.len > 0);
	out_str(&o, ", now\n");
	assert_int_equal(o.len, 0);
	close(slave);
	close(master);
	/* not a terminal: kept */
	capture_start(&o);
	out_str(&o, "line\n");
	assert_int_equal(o.tty, 2);
	assert_int_equal(o.len, 5);
	free(capture_text(&o));
}

/* More entries than one getdents64 call returns, each seen once. */
static void
test_dir_reads_all(void **state)
{
	static struct dir d;
	static unsigned char seen[3000];
	char path[] = "/tmp/relayctl-dir.XXXXXX", name[64], cmd[64];
	const struct dirent *e;
	int fd, i, n = 0, dots = 0;

	(void)state;
	assert_non_null(mkdtemp(path));
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "entry-%d-with-a-long-name", i);
		ut_put(fd, name, "", 0, 0);
	}
	dir_start(&d, fd);
	while ((e = dir_next(&d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			dots++;
			continue;
		}
		assert_int_equal(sscanf(e->d_name, "entry-%d", &i), 1);
		assert_false(seen[i]);
		seen[i] = 1;
		n++;
	}
	assert_int_equal(errno, 0);
	assert_int_equal(n, 3000);
	assert_int_equal(dots, 2);
	close(fd);
	/* an error is NULL with errno */
	dir_start(&d, fd);
	assert_null(dir_next(&d));
	assert_int_equal(errno, EBADF);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", path);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffered),
		cmocka_unit_test(test_first_error_stays),
		cmocka_unit_test(test_terminal_lines),
		cmocka_unit_test(test_dir_reads_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
