/* The dispatcher: picks an applet by the name it was run as or by its first argument; see relayctl(8). */
#include <errno.h>
#include <string.h>

#include "lib/cold.h"
#include "lib/escape.h"
#include "lib/fmt.h"
#include "lib/msg.h"
#include "lib/out.h"

#define VERSION "1.0.0"
/* The C library linked in: the Makefile names it for the shipped binary,
 * since musl defines no macro that says so. */
#ifndef RELAYCTL_LIBC
#ifdef __GLIBC__
#define RELAYCTL_LIBC "glibc"
#else
#define RELAYCTL_LIBC "unknown C library"
#endif
#endif

int age_main(int argc, char **argv);
int allow_main(int argc, char **argv);
int check_main(int argc, char **argv);
int chdir_main(int argc, char **argv);
int policy_main(int argc, char **argv);
int revoke_main(int argc, char **argv);
int send_main(int argc, char **argv);
int status_main(int argc, char **argv);
int udp_main(int argc, char **argv);

/* Sorted by name.  Each usage string is word for word its man page's SYNOPSIS. */
static const struct applet {
	const char *name;
	int (*main)(int, char **);
	const char *usage;
} applets[] = {
	{ "age", age_main, "relay-ctrl-age [-v] [-n]" },
	{ "allow", allow_main, "relay-ctrl-allow [PROGRAM [ARGS...]]" },
	{ "chdir", chdir_main, "relay-ctrl-chdir PROGRAM [ARGS...]" },
	{ "check", check_main, "relay-ctrl-check PROGRAM [ARGS...]" },
	{ "policy", policy_main, "relayctl policy" },
	{ "revoke", revoke_main, "relayctl revoke [-v] ADDRESS..." },
	{ "send", send_main, "relay-ctrl-send PROGRAM [ARGS...]" },
	{ "status", status_main,
	    "relayctl status [-a] [--json | --tsv] [ADDRESS...]" },
	{ "udp", udp_main, "relay-ctrl-udp" },
};
#define NAPPLETS (sizeof(applets) / sizeof(applets[0]))

static const char usage[] = "relayctl APPLET [ARGS...]";

static const struct applet *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NAPPLETS; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

/*
 * What follows prefix in s, or NULL.  A loop of our own: musl's strncmp
 * costs every SMTP connection's check twenty instructions a byte.
 */
static const char *
after(const char *s, const char *prefix)
{
	while (*prefix != '\0' && *s == *prefix) {
		s++;
		prefix++;
	}
	return *prefix == '\0' ? s : NULL;
}

/* "relay-ctrl-check" and "relayctl-check" both name check. */
static const struct applet *
by_invoked_name(const char *base)
{
	const char *rest;

	if ((rest = after(base, "relay-ctrl-")) == NULL)
		rest = after(base, "relayctl-");
	return rest != NULL ? find(rest) : NULL;
}

/* As perror(3) says it: before msg_init, there is no NAME[PID] yet. */
static int
flush_stdout(void)
{
	char line[256];
	int n;

	if (out_flush(&out_stdout) == 0)
		return 0;
	n = fmt_snprintf(line, sizeof(line), "relayctl: fatal: cannot write "
	    "to standard output: %s\n", strerror(errno));
	write_all(2, line, (size_t)n);
	return EXIT_TEMP;
}

static void
help(struct out *o)
{
	size_t i;

	fmt_out(o, "usage: %s\n\napplets:\n", usage);
	for (i = 0; i < NAPPLETS; i++)
		fmt_out(o, "  %s\n", applets[i].usage);
	out_str(o, "\nEach applet also runs as relay-ctrl-APPLET or "
	    "relayctl-APPLET.  See relayctl(8).\n");
}

/* Through the message sink: fd 2 may be a network socket. */
static int
unknown(const char *name)
{
	static char buf[OUT_SIZE] COLD;
	struct out err = { 2, 0, 0, 0, sizeof(buf), buf };
	char shown[VISIBLE_SIZE];

	fatal("%s is not a relayctl applet; see relayctl --list",
	    visible(name, shown, sizeof(shown)));
	if (msg_sink() == SINK_STDERR) {
		help(&err);
		out_flush(&err);
	}
	return EXIT_USAGE;
}

static int
list(void)
{
	size_t i;

	for (i = 0; i < NAPPLETS; i++)
		fmt_out(&out_stdout, "%s\n", applets[i].name);
	return flush_stdout();
}

static int
run(const struct applet *a, const char *name, int argc, char **argv)
{
	msg_init(name, a->usage);
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		return msg_help();
	return a->main(argc, argv);
}

/* The multiplexer: "relayctl APPLET ARGS..." runs as "relayctl-APPLET". */
static int
multiplex(int argc, char **argv)
{
	static char name[64];
	const struct applet *a;

	msg_init("relayctl", usage);
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		help(&out_stdout);
		return flush_stdout();
	}
	if (strcmp(argv[1], "--list") == 0)
		return list();
	if (strcmp(argv[1], "--version") == 0) {
		fmt_out(&out_stdout, "relayctl %s (%s)\n", VERSION,
		    RELAYCTL_LIBC);
		return flush_stdout();
	}
	if ((a = find(argv[1])) == NULL)
		return unknown(argv[1]);
	fmt_snprintf(name, sizeof(name), "relayctl-%s", a->name);
	return run(a, name, argc - 1, argv + 1);
}

int
main(int argc, char **argv)
{
	const struct applet *a;
	const char *base;

	if (argc < 1 || argv[0] == NULL)
		return EXIT_USAGE;
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if ((a = by_invoked_name(base)) != NULL)
		return run(a, base, argc, argv);
	if (after(base, "relayctl") != NULL)
		return multiplex(argc, argv);
	msg_init(base, usage);
	return unknown(base);
}
