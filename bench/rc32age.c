/* The bound for age: relay-ctrl 3.2's relay-ctrl-age algorithm and nothing more (readdir; a stat per entry, an unlink per stale one), timed on the same spools; see bench/run.sh. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * relay-ctrl 3.2 changes into the spool and stat()s and unlink()s each name
 * there; the same two calls relative to a directory descriptor cost the
 * same, and keep this program from changing its working directory.
 */
int
main(int argc, char **argv)
{
	struct dirent *d;
	struct stat st;
	time_t old;
	DIR *dp;
	int dir;

	if (argc != 3) {
		fprintf(stderr, "usage: rc32age DIR EXPIRY\n");
		return 100;
	}
	old = time(NULL) - atol(argv[2]);
	if ((dir = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0 ||
	    (dp = fdopendir(dir)) == NULL) {
		perror(argv[1]);
		return 111;
	}
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if (fstatat(dir, d->d_name, &st, 0) != 0)
			continue;
		if (st.st_mtime < old && unlinkat(dir, d->d_name, 0) != 0)
			perror(d->d_name);
	}
	return 0;
}
