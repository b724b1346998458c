/* Plays Postfix's smtpd against a policy server over one connection, one request at a time, and reports requests per second; see bench/run.sh. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIME_CAP 3.0		/* seconds: a slow server ends the run early */

/* What smtpd 3.x sends at RCPT, give or take: about 700 bytes. */
static const char request_head[] =
    "request=smtpd_access_policy\n"
    "protocol_state=RCPT\n"
    "protocol_name=ESMTP\n"
    "helo_name=client.example.org\n"
    "queue_id=\n"
    "sender=alice@example.org\n"
    "recipient=bob@example.net\n"
    "recipient_count=0\n"
    "client_name=client.example.org\n"
    "reverse_client_name=client.example.org\n"
    "instance=1a2b.6571c3e4.8f0a1.0\n"
    "sasl_method=\n"
    "sasl_username=\n"
    "sasl_sender=\n"
    "size=12345\n"
    "ccert_subject=\n"
    "ccert_issuer=\n"
    "ccert_fingerprint=\n"
    "ccert_pubkey_fingerprint=\n"
    "encryption_protocol=TLSv1.3\n"
    "encryption_cipher=TLS_AES_256_GCM_SHA384\n"
    "encryption_keysize=256\n"
    "etrn_domain=\n"
    "stress=\n"
    "server_address=192.0.2.1\n"
    "server_port=25\n"
    "policy_context=\n"
    "compatibility_level=3.6\n"
    "mail_version=3.7.11\n";

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one answer, up to its empty line; 1: OK, 0: anything else, -1: EOF. */
static int
read_answer(int fd)
{
	char buf[512];
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (len >= 2 && strcmp(buf + len - 2, "\n\n") == 0)
			return strncmp(buf, "action=OK\n", 10) == 0;
		if (len >= sizeof(buf) - 1)
			return -1;
	}
}

/*
 * Both ends on the CPU this one runs on, the server inheriting it: one
 * request and its answer then cost two switches between processes on one
 * CPU, what relayctl controls.  Left to the scheduler, on a virtual machine
 * the figure measured how fast the hypervisor wakes the other CPU: 15,000
 * to 140,000 requests a second for the same binary, run to run.
 */
static void
pin_to_one_cpu(void)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		perror("policyload: sched_setaffinity (left unpinned)");
}

int
main(int argc, char **argv)
{
	char req[2048];
	const char *addr[2];
	long i, n, ok = 0;
	double t0, t;
	int sv[2], len, status, r = 0;
	pid_t pid;

	if (argc < 6) {
		fprintf(stderr, "usage: policyload REQUESTS FRESH_ADDR "
		    "OTHER_ADDR PROGRAM [ARGS...]\n");
		return 100;
	}
	n = atol(argv[1]);
	addr[0] = argv[2];
	addr[1] = argv[3];
	signal(SIGPIPE, SIG_IGN);
	pin_to_one_cpu();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("policyload: socketpair");
		return 111;
	}
	if ((pid = fork()) == 0) {
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		close(sv[0]);
		close(sv[1]);
		execv(argv[4], argv + 4);
		_exit(127);
	}
	close(sv[1]);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		len = snprintf(req, sizeof(req), "%sclient_address=%s\n\n",
		    request_head, addr[i % 2]);
		if (write_all(sv[0], req, (size_t)len) != 0 ||
		    (r = read_answer(sv[0])) < 0)
			break;
		ok += r;
		if (i % 256 == 255 && now_s() - t0 > TIME_CAP) {
			i++;
			break;
		}
	}
	t = now_s() - t0;
	close(sv[0]);
	waitpid(pid, &status, 0);
	if (r < 0) {
		fprintf(stderr, "policyload: %s stopped answering after %ld "
		    "requests\n", argv[4], i);
		return 1;
	}
	/* requests, requests per second, answers OK (half should be) */
	printf("%ld\t%.0f\t%ld\n", i, i / t, ok);
	return fflush(stdout) == 0 && ok == (i + 1) / 2 ? 0 : 1;
}
