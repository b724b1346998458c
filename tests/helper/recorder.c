/*
 * The one "next program" of the tests (black-box, hostile corpus, install):
 * writes to the file named by argv[1] the argv, cwd, open descriptors and
 * environment it was started with, one "argv[N]=", "cwd=", "fd=N KIND" or
 * "env=" line each, then exits with argv[2] as a number (0 if it is none).
 * A backslash and a newline in a value are written as \\ and \n, so that
 * hostile values come back byte for byte; it writes nothing to fds 0-2.
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

static void
line(FILE *f, const char *tag, const char *v)
{
	fputs(tag, f);
	for (; *v; v++)
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			putc(*v, f);
	putc('\n', f);
}

int
main(int argc, char **argv)
{
	char cwd[PATH_MAX], tag[32];
	int open_fds[1024], n = 0, fd, i;
	FILE *f;

	/* before this program opens anything of its own */
	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			open_fds[n++] = fd;
	if (argc < 2)
		return 99;
	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0 || (f = fdopen(fd, "w")) == NULL)
		return 98;
	for (i = 0; i < argc; i++) {
		snprintf(tag, sizeof(tag), "argv[%d]=", i);
		line(f, tag, argv[i]);
	}
	line(f, "cwd=", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	for (i = 0; i < n; i++)
		fprintf(f, "fd=%d %s\n", open_fds[i], kind(open_fds[i]));
	for (i = 0; environ[i]; i++)
		line(f, "env=", environ[i]);
	if (fclose(f) != 0)
		return 97;
	return argc > 2 ? atoi(argv[2]) : 0;
}
