/*
 * Test helper: the "next program" in black-box tests.  Writes to the file
 * named by argv[1] the argv, cwd, open descriptors and environment it was
 * started with, then exits with argv[2] (default 0).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static const char *
kind(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return "?";
	if (S_ISDIR(st.st_mode))
		return "dir";
	if (S_ISREG(st.st_mode))
		return "file";
	if (S_ISFIFO(st.st_mode))
		return "fifo";
	if (S_ISSOCK(st.st_mode))
		return "socket";
	if (S_ISCHR(st.st_mode))
		return "chr";
	return "other";
}

int
main(int argc, char **argv)
{
	char cwd[PATH_MAX];
	int open_fds[1024], n = 0, fd, i;
	FILE *f;

	/* before this program opens anything of its own */
	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			open_fds[n++] = fd;
	if (argc < 2)
		return 99;
	if ((f = fopen(argv[1], "w")) == NULL)
		return 98;
	for (i = 0; i < argc; i++)
		fprintf(f, "argv[%d]=%s\n", i, argv[i]);
	fprintf(f, "cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	for (i = 0; i < n; i++)
		fprintf(f, "fd=%d %s\n", open_fds[i], kind(open_fds[i]));
	for (i = 0; environ[i]; i++)
		fprintf(f, "env=%s\n", environ[i]);
	if (fclose(f) != 0)
		return 97;
	return argc > 2 ? atoi(argv[2]) : 0;
}
