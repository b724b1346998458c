/* Times commands with fork, exec and wait, alternately round by round, and reports each one's median and its median ratio to the first (the floor); see bench/run.sh. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_WORDS 64
#define MAX_ENV 256

extern char **environ;

/*
 * A command is one word list: "LABEL:[@rm=PATH...] [NAME=VALUE...] PROGRAM
 * [ARGS...]".  Its environment and argv are built once, before any timing,
 * so that every run costs the same fork and execve and nothing else.
 */
struct cmd {
	const char *label;
	char *argv[MAX_WORDS];
	char *envp[MAX_ENV];
	char *rm[4];		/* unlinked before each run, untimed */
	int nrm;
	double *us;		/* per round */
	double *ratio;		/* per round, against the first command */
	double *cpu;		/* per round, user and system µs */
	double *faults;		/* per round, minor page faults */
	int fails;
};

static struct cmd cmds[MAX_CMDS];
static int ncmds;
static int devnull;

static void
usage(void)
{
	fprintf(stderr, "usage: timer [-r ROUNDS] [-w WARMUP] "
	    "'LABEL:[@rm=PATH] [NAME=VALUE...] PROGRAM [ARGS...]'...\n");
	exit(100);
}

static void
set_env(struct cmd *c, char *nv)
{
	size_t klen = strcspn(nv, "=") + 1;
	int i;

	for (i = 0; c->envp[i] != NULL; i++)
		if (strncmp(c->envp[i], nv, klen) == 0) {
			c->envp[i] = nv;
			return;
		}
	if (i + 1 >= MAX_ENV) {
		fprintf(stderr, "timer: too many environment variables\n");
		exit(100);
	}
	c->envp[i] = nv;
	c->envp[i + 1] = NULL;
}

static void
parse(struct cmd *c, char *spec, int rounds)
{
	char *colon = strchr(spec, ':'), *w;
	int i, n = 0;

	if (colon == NULL)
		usage();
	*colon = '\0';
	c->label = spec;
	for (i = 0; environ[i] != NULL && i + 1 < MAX_ENV; i++)
		c->envp[i] = environ[i];
	c->envp[i] = NULL;
	for (w = strtok(colon + 1, " "); w != NULL; w = strtok(NULL, " ")) {
		if (n == 0 && strncmp(w, "@rm=", 4) == 0 && c->nrm < 4)
			c->rm[c->nrm++] = w + 4;
		else if (n == 0 && strchr(w, '=') != NULL && w[0] != '/')
			set_env(c, w);
		else if (n + 1 < MAX_WORDS)
			c->argv[n++] = w;
	}
	if (n == 0)
		usage();
	c->argv[n] = NULL;
	c->us = calloc((size_t)rounds, sizeof(double));
	c->ratio = calloc((size_t)rounds, sizeof(double));
	c->cpu = calloc((size_t)rounds, sizeof(double));
	c->faults = calloc((size_t)rounds, sizeof(double));
	if (c->us == NULL || c->ratio == NULL || c->cpu == NULL ||
	    c->faults == NULL) {
		perror("timer: calloc");
		exit(111);
	}
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double
tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1e6 + tv->tv_usec;
}

/*
 * Returns the wall time in microseconds of one fork, execve and wait, in
 * *cpu the time the child spent on a CPU and in *faults its minor page
 * faults.  (Its ru_maxrss is no use: the kernel folds per-CPU RSS counts
 * in lazily; see peakrss.c.)
 */
static double
run(struct cmd *c, double *cpu, double *faults)
{
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int i, status;

	for (i = 0; i < c->nrm; i++)
		unlink(c->rm[i]);
	t0 = now_us();
	pid = fork();
	if (pid == 0) {
		dup2(devnull, 1);
		execve(c->argv[0], c->argv, c->envp);
		_exit(127);
	}
	if (pid < 0) {
		perror("timer: fork");
		exit(111);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("timer: wait4");
			exit(111);
		}
	t1 = now_us();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		c->fails++;
	*cpu = tv_us(&ru.ru_utime) + tv_us(&ru.ru_stime);
	*faults = (double)ru.ru_minflt;
	return t1 - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The order turns by one each round, so that no command always runs just
 * after the same other one (a cache warmed or a page cache flushed).
 */
static void
measure(int rounds, int warmup)
{
	double t[MAX_CMDS], cpu[MAX_CMDS], faults[MAX_CMDS];
	int r, k, i;

	for (r = -warmup; r < rounds; r++) {
		for (k = 0; k < ncmds; k++) {
			i = (k + (r < 0 ? -r : r)) % ncmds;
			t[i] = run(&cmds[i], &cpu[i], &faults[i]);
		}
		if (r < 0)
			continue;
		for (i = 0; i < ncmds; i++) {
			cmds[i].us[r] = t[i];
			cmds[i].ratio[r] = t[i] / t[0];
			cmds[i].cpu[r] = cpu[i];
			cmds[i].faults[r] = faults[i];
		}
	}
}

int
main(int argc, char **argv)
{
	int rounds = 1000, warmup = 20, opt, i;
	struct cmd *c;

	while ((opt = getopt(argc, argv, "r:w:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'w')
			warmup = atoi(optarg);
		else
			usage();
	}
	if (rounds < 1 || warmup < 0 || optind >= argc ||
	    argc - optind > MAX_CMDS)
		usage();
	if ((devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		perror("timer: /dev/null");
		return 111;
	}
	for (i = optind; i < argc; i++)
		parse(&cmds[ncmds++], argv[i], rounds);
	measure(rounds, warmup);
	/*
	 * label, median µs, median ratio to the first, median CPU µs, fails,
	 * median page faults
	 */
	for (i = 0; i < ncmds; i++) {
		c = &cmds[i];
		printf("%s\t%.1f\t%.3f\t%.0f\t%d\t%.0f\n", c->label,
		    median(c->us, rounds), median(c->ratio, rounds),
		    median(c->cpu, rounds), c->fails,
		    median(c->faults, rounds));
	}
	return fflush(stdout) == 0 ? 0 : 111;
}
