/* Fills a spool directory with N records, every Kth one stale, as age and status find it in operation; see bench/run.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Records are rewritten in place on each call, so that a spool that age
 * has just thinned is whole again without removing the directory; with a
 * fourth argument "stale", only the stale records are written (what age
 * removed), and the fresh ones are left alone.  Fresh records are spread
 * over the last ten minutes, for status to sort.
 */
int
main(int argc, char **argv)
{
	struct timespec t[2];
	char name[32], content[64];
	long i, n, every;
	time_t now = time(NULL);
	int dir, fd, len, only_stale;

	if (argc < 4 || argc > 5 || (n = atol(argv[2])) <= 0 ||
	    (every = atol(argv[3])) <= 0 ||
	    (argc == 5 && strcmp(argv[4], "stale") != 0)) {
		fprintf(stderr,
		    "usage: mkspool DIR RECORDS EVERY_KTH_STALE [stale]\n");
		return 100;
	}
	only_stale = argc == 5;
	mkdir(argv[1], 0755);
	if ((dir = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0) {
		perror(argv[1]);
		return 111;
	}
	for (i = 0; i < n; i++) {
		if (only_stale && i % every != 0)
			continue;
		snprintf(name, sizeof(name), "10.%ld.%ld.%ld", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		len = snprintf(content, sizeof(content),
		    "USER=user%ld%cDOMAIN=example.com%c", i, 0, 0);
		t[0].tv_sec = t[1].tv_sec = i % every == 0 ? now - 3600 :
		    now - i % 600;
		t[0].tv_nsec = t[1].tv_nsec = 0;
		fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, content, (size_t)len) != len ||
		    futimens(fd, t) != 0 || close(fd) != 0) {
			perror(name);
			return 111;
		}
	}
	return 0;
}
