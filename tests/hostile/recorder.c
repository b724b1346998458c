/*
 * The "next program" of the hostile corpus: writes to the file named by
 * argv[1] its argv, open descriptors and environment as NUL-terminated
 * "A...", "F...", "E..." entries, byte for byte (hostile values may hold
 * newlines), and writes nothing to fds 0, 1 and 2.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static int
put(int fd, char tag, const char *s)
{
	size_t len = strlen(s) + 1;

	return write(fd, &tag, 1) == 1 && write(fd, s, len) == (ssize_t)len;
}

int
main(int argc, char **argv)
{
	char num[16];
	int fds[256], n = 0, fd, i, ok = 1;

	/* before this program opens anything of its own */
	for (fd = 0; fd < 256; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			fds[n++] = fd;
	if (argc < 2)
		return 99;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return 98;
	for (i = 0; i < argc; i++)
		ok &= put(fd, 'A', argv[i]);
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%d", fds[i]);
		ok &= put(fd, 'F', num);
	}
	for (i = 0; environ[i]; i++)
		ok &= put(fd, 'E', environ[i]);
	if (close(fd) != 0 || !ok)
		return 97;
	return 0;
}
