/*
 * Shared by tests/unit/test_fault_*.c: a temporary spool, fd 2 captured in
 * a file, and the questions every fault test asks afterwards (did the next
 * program run, is a temporary file left, what did the warning say).
 */
#ifndef RELAYCTL_FAULT_H
#define RELAYCTL_FAULT_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/msg.h"
#include "tests/unit/wrap.h"

#define CLIENT "192.0.2.7"

static char fault_top[64], fault_spool[128], fault_err[128];
static int fault_saved_stderr = -1;

static int
fault_setup(void **state)
{
	int fd;

	(void)state;
	wrap_reset();
	strcpy(fault_top, "/tmp/relayctl-fault.XXXXXX");
	if (mkdtemp(fault_top) == NULL)
		return -1;
	snprintf(fault_spool, sizeof(fault_spool), "%s/spool", fault_top);
	snprintf(fault_err, sizeof(fault_err), "%s/stderr", fault_top);
	if (mkdir(fault_spool, 0755) != 0)
		return -1;
	/* never the host's /etc/relay-ctrl */
	setenv("RELAY_CTRL_CONFIG", fault_top, 1);
	setenv("RELAY_CTRL_DIR", fault_spool, 1);
	setenv("TCPREMOTEIP", CLIENT, 1);
	setenv("USER", "alice", 1);
	setenv("DOMAIN", "example.com", 1);
	unsetenv("PROTO");
	unsetenv("RELAY_CTRL_DIR_FD");
	unsetenv("RELAY_CTRL_EXPIRY");
	unsetenv("RELAY_CTRL_CLOCK_SKEW");
	unsetenv("RELAY_CTRL_LOG_IPS");
	unsetenv("RELAY_CTRL_LOG_ENV");
	unsetenv("RELAYCLIENT");
	unsetenv("AUTHUSER");
	unsetenv("AUTHARGV0");
	unsetenv("AUTHENTICATED");
	config_reset();
	fd = open(fault_err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	fflush(stderr);
	fault_saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
	msg_force_sink(SINK_STDERR);
	return 0;
}

static int
fault_teardown(void **state)
{
	char cmd[256];

	(void)state;
	wrap_reset();
	config_reset();
	dup2(fault_saved_stderr, 2);
	close(fault_saved_stderr);
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", fault_top,
	    fault_top);
	return system(cmd);
}

/* Later calls go through: the test looks at the spool with real calls. */
static void
fault_disarm(void)
{
	int fn;

	for (fn = 0; fn < W_NFN; fn++)
		wrap_fail((enum wrap_fn)fn, 0, 0, 0);
	wrap_short_write(0);
}

/* What the applet wrote to fd 2 so far (a static buffer). */
static const char *
fault_stderr(void)
{
	static char buf[8192];
	ssize_t n;
	int fd = open(fault_err, O_RDONLY);

	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

/* Entries of the spool whose name starts with '.': temporary files. */
static int
fault_temps(void)
{
	struct dirent *d;
	DIR *dp = opendir(fault_spool);
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] == '.' && strcmp(d->d_name, ".") != 0 &&
		    strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

/* The record's content, or -1 when there is none. */
static ssize_t
fault_record(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fault_spool, name);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

static void
fault_put(const char *name, const char *content, size_t len, time_t mtime)
{
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fault_spool, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len ||
	    futimens(fd, ts) != 0 || close(fd) != 0)
		abort();
}

#endif
