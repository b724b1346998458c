/* Unit tests for lib/msg.c: one-line messages, and never a byte to a socket on fd 2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/config.h"
#include "lib/msg.h"

static int saved2 = -1;

/* Points fd 2 at fd, runs nothing else; restore_stderr() undoes it. */
static void
stderr_to(int fd)
{
	if (saved2 < 0)
		saved2 = dup(2);
	dup2(fd, 2);
}

static void
restore_stderr(void)
{
	dup2(saved2, 2);
}

static void
test_line_format(void **state)
{
	char out[512], want[128];
	int p[2];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	stderr_to(p[1]);
	msg_init("relay-ctrl-allow", "relay-ctrl-allow [PROGRAM [ARGS...]]");
	msg_force_sink(SINK_AUTO);
	unsetenv("RELAY_CTRL_LOG");
	setenv("RELAY_CTRL_CONFIG", "/nonexistent", 1);
	warn("cannot write record for %s: %s; continuing without relay",
	    "2001:db8::7", "No space left on device");
	info("x");
	restore_stderr();
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	assert_true(n > 0);
	out[n] = '\0';
	snprintf(want, sizeof(want), "relay-ctrl-allow[%ld]: warning: cannot "
	    "write record for 2001:db8::7: No space left on device; continuing "
	    "without relay\n", (long)getpid());
	assert_memory_equal(out, want, strlen(want));
	assert_string_equal(out + strlen(want) + strlen("relay-ctrl-allow[") +
	    snprintf(NULL, 0, "%ld", (long)getpid()), "]: info: x\n");
}

static void
test_socket_on_fd2_means_syslog(void **state)
{
	char c;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	stderr_to(sv[0]);
	unsetenv("RELAY_CTRL_LOG");
	config_reset();
	msg_force_sink(SINK_AUTO);
	assert_int_equal(msg_sink(), SINK_SYSLOG);
	warn("this must not reach the peer");
	restore_stderr();
	close(sv[0]);
	/* the peer sees end of file, not a byte */
	assert_int_equal(read(sv[1], &c, 1), 0);
	close(sv[1]);
}

static void
test_override(void **state)
{
	static const struct {
		const char *v;
		enum msg_sink want;
	} t[] = {
		{ "stderr", SINK_STDERR }, { "syslog", SINK_SYSLOG },
		{ "none", SINK_NONE }, { "bogus", SINK_STDERR },
	};
	size_t i;
	int devnull = open("/dev/null", O_WRONLY);

	(void)state;
	stderr_to(devnull);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setenv("RELAY_CTRL_LOG", t[i].v, 1);
		msg_force_sink(SINK_AUTO);
		assert_int_equal(msg_sink(), t[i].want);
	}
	restore_stderr();
	close(devnull);
	unsetenv("RELAY_CTRL_LOG");
}

/* A closed pipe on fd 2 must not kill the applet before its exec. */
static void
test_epipe_survives(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	stderr_to(p[1]);
	setenv("RELAY_CTRL_LOG", "stderr", 1);
	msg_force_sink(SINK_AUTO);
	warn("nobody reads this");
	restore_stderr();
	close(p[1]);
	unsetenv("RELAY_CTRL_LOG");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_format),
		cmocka_unit_test(test_socket_on_fd2_means_syslog),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_epipe_survives),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
