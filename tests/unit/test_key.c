/* Unit tests for lib/key.c: which secret files are refused, what is read, and the descriptor chdir passes down. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/key.h"

static char dir[] = "/tmp/test_key.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL;
}

static int
teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A file holding len bytes of s, with mode; its open descriptor. */
static int
key_file(const char *name, const char *s, size_t len, mode_t mode)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	return fd;
}

static const char *
read_it(const char *s, size_t len, mode_t mode, struct key *k)
{
	int fd = key_file("k", s, len, mode);
	const char *why = key_read(fd, k);

	close(fd);
	return why;
}

static void
test_refused(void **state)
{
	struct key k;
	char big[KEY_MAX + 2];
	int fd;

	(void)state;
	assert_string_equal(read_it("0123456789abcdef", 16, 0640, &k),
	    "its group or others may read or write it (chmod 600)");
	assert_string_equal(read_it("0123456789abcdef", 16, 0604, &k),
	    "its group or others may read or write it (chmod 600)");
	assert_string_equal(read_it("0123456789abcdef", 16, 0620, &k),
	    "its group or others may read or write it (chmod 600)");
	assert_string_equal(read_it("0123456789abcde\n", 16, 0600, &k),
	    "it holds fewer than 16 bytes");
	assert_string_equal(read_it("", 0, 0600, &k),
	    "it holds fewer than 16 bytes");
	assert_int_equal(k.len, 0);
	memset(big, 'k', sizeof(big));
	assert_string_equal(read_it(big, KEY_MAX + 1, 0600, &k),
	    "it is longer than 1024 bytes");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_string_equal(key_read(fd, &k), "it is not a regular file");
	close(fd);
}

static void
test_read(void **state)
{
	struct key k;
	char big[KEY_MAX + 1];
	int fd;

	(void)state;
	assert_null(read_it("0123456789abcdef", 16, 0600, &k));
	assert_int_equal(k.len, 16);
	assert_memory_equal(k.bytes, "0123456789abcdef", 16);
	/* one trailing newline is cut, no more, and nothing else */
	assert_null(read_it("0123456789abcdef\n", 17, 0400, &k));
	assert_int_equal(k.len, 16);
	assert_null(read_it("0123456789abcdef\n\n", 18, 0600, &k));
	assert_int_equal(k.len, 17);
	assert_null(read_it(" 0123456789abcdef \r", 19, 0600, &k));
	assert_int_equal(k.len, 19);
	assert_null(read_it("0123456789\0abcdef", 17, 0600, &k));
	assert_int_equal(k.len, 17);
	/* KEY_MAX bytes and a newline still fit */
	memset(big, 'k', KEY_MAX);
	big[KEY_MAX] = '\n';
	assert_null(read_it(big, KEY_MAX + 1, 0600, &k));
	assert_int_equal(k.len, KEY_MAX);
	/* from offset 0 whatever the shared offset, which it leaves alone */
	fd = key_file("k", "0123456789abcdefXYZ", 19, 0600);
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	assert_null(key_read(fd, &k));
	assert_int_equal(k.len, 19);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 5);
	close(fd);
	key_forget(&k);
	assert_int_equal(k.len, 0);
	assert_int_equal(k.bytes[0], 0);
}

static void
test_env_fd(void **state)
{
	char num[16];
	int fd, d;

	(void)state;
	unsetenv("RELAY_CTRL_KEY_FD");
	assert_int_equal(key_env_fd(), -1);
	fd = key_file("k", "0123456789abcdef", 16, 0600);
	snprintf(num, sizeof(num), "%d", fd);
	setenv("RELAY_CTRL_KEY_FD", num, 1);
	assert_int_equal(key_env_fd(), fd);
	/* not a descriptor a secret can be on */
	setenv("RELAY_CTRL_KEY_FD", "0", 1);
	assert_int_equal(key_env_fd(), -1);
	setenv("RELAY_CTRL_KEY_FD", "2", 1);
	assert_int_equal(key_env_fd(), -1);
	setenv("RELAY_CTRL_KEY_FD", "", 1);
	assert_int_equal(key_env_fd(), -1);
	setenv("RELAY_CTRL_KEY_FD", "7x", 1);
	assert_int_equal(key_env_fd(), -1);
	setenv("RELAY_CTRL_KEY_FD", "99999999999999999999", 1);
	assert_int_equal(key_env_fd(), -1);
	setenv("RELAY_CTRL_KEY_FD", "1000", 1);
	assert_int_equal(key_env_fd(), -1);	/* closed */
	d = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(num, sizeof(num), "%d", d);
	setenv("RELAY_CTRL_KEY_FD", num, 1);
	assert_int_equal(key_env_fd(), -1);	/* a directory: the spool's? */
	/* key_close leaves a descriptor that is no secret's alone */
	key_close();
	assert_null(getenv("RELAY_CTRL_KEY_FD"));
	assert_true(fcntl(d, F_GETFD) != -1);
	close(d);
	/* and closes the secret's */
	snprintf(num, sizeof(num), "%d", fd);
	setenv("RELAY_CTRL_KEY_FD", num, 1);
	key_close();
	assert_null(getenv("RELAY_CTRL_KEY_FD"));
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	key_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_env_fd),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
