/* Unit tests for lib/opt.c: one behaviour for bundled flags, "--", "-" and "--help" in every applet. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/msg.h"
#include "lib/opt.h"

/* The options of argv as letters ("W" for a long option), and where operands start. */
static const char *
options(char **argv, const char *flags, int *first)
{
	static char got[32];
	struct opt o;
	size_t n = 0;
	int c;

	opt_init(&o, argv);
	while ((c = opt_next(&o, flags)) != OPT_END && n < sizeof(got) - 1)
		got[n++] = c == OPT_WORD ? 'W' : (char)c;
	got[n] = '\0';
	*first = o.i;
	return got;
}

static void
test_bundles_and_ends(void **state)
{
	char *a[] = { "x", "-vn", "-v", "op", "-n", NULL };
	char *b[] = { "x", "-v", "--", "-n", NULL };
	char *c[] = { "x", "-", "-v", NULL };
	char *d[] = { "x", "-vx", NULL };
	char *e[] = { "x", "--json", "-a", NULL };
	char *f[] = { "x", NULL };
	int first;

	(void)state;
	assert_string_equal(options(a, "vn", &first), "vnv");
	assert_int_equal(first, 3);	/* options stop at the first operand */
	assert_string_equal(options(b, "vn", &first), "v");
	assert_int_equal(first, 3);
	assert_string_equal(options(c, "v", &first), "");
	assert_int_equal(first, 1);	/* "-" is an operand */
	assert_string_equal(options(d, "v", &first), "v?");
	assert_string_equal(options(e, "a", &first), "Wa");
	assert_string_equal(options(f, "", &first), "");
	assert_int_equal(first, 1);
}

static void
test_flags_only(void **state)
{
	char *a[] = { "x", "-nv", "op", NULL };
	char *b[] = { "x", "-v", "--tsv", NULL };
	char *c[] = { "x", "--", "-v", NULL };
	int on[2] = { 0, 0 };

	(void)state;
	assert_int_equal(opt_flags(a, "vn", on), 2);
	assert_true(on[0] && on[1]);
	assert_int_equal(opt_flags(b, "vn", on), -1);
	assert_int_equal(opt_flags(c, "", NULL), 2);
	assert_int_equal(opt_flags(b, "", NULL), -1);
}

/* "--help" among the options prints the usage and exits 0. */
static void
test_help_anywhere(void **state)
{
	char *a[] = { "x", "-v", "--help", NULL };
	int p[2], status, first;
	char out[64] = "";
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		msg_init("relay-ctrl-age", "relay-ctrl-age [-v] [-n]");
		options(a, "v", &first);
		_exit(99);
	}
	close(p[1]);
	assert_true(read(p[0], out, sizeof(out) - 1) > 0);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(out, "usage: relay-ctrl-age [-v] [-n]\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundles_and_ends),
		cmocka_unit_test(test_flags_only),
		cmocka_unit_test(test_help_anywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
