/*
 * The "next program" of the hostile corpus: writes to the file named by
 * argv[1] its argv, open descriptors ("F"), what each of them is ("I": fd,
 * device, inode, file type), the signals it starts with ignored ("S") and
 * its environment ("E") as NUL-terminated entries, byte for byte (hostile
 * values may hold newlines), and writes nothing to fds 0, 1 and 2.  It
 * first lifts the soft file-size and descriptor limits an entry may set
 * for the applet, so that it can still write its file.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define FD_SCAN 1024	/* relay-ctrl-chdir puts its descriptor below 1024 */

extern char **environ;

static int
put(int fd, char tag, const char *s)
{
	size_t len = strlen(s) + 1;

	return write(fd, &tag, 1) == 1 && write(fd, s, len) == (ssize_t)len;
}

static void
lift(int resource)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(resource, &rl);
	}
}

int
main(int argc, char **argv)
{
	static struct stat st[FD_SCAN];
	static int fds[FD_SCAN];
	char num[96];
	struct sigaction sa;
	int n = 0, fd, i, ok = 1;

	/* before this program opens anything of its own */
	for (fd = 0; fd < FD_SCAN; fd++)
		if (fcntl(fd, F_GETFD) != -1 && fstat(fd, &st[n]) == 0)
			fds[n++] = fd;
	lift(RLIMIT_FSIZE);
	lift(RLIMIT_NOFILE);
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
		snprintf(num, sizeof(num), "%d %llu %llu %o", fds[i],
		    (unsigned long long)st[i].st_dev,
		    (unsigned long long)st[i].st_ino,
		    (unsigned)(st[i].st_mode & S_IFMT));
		ok &= put(fd, 'I', num);
	}
	for (i = 1; i < NSIG; i++)
		if (sigaction(i, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
			snprintf(num, sizeof(num), "%d", i);
			ok &= put(fd, 'S', num);
		}
	for (i = 0; environ[i]; i++)
		ok &= put(fd, 'E', environ[i]);
	if (close(fd) != 0 || !ok)
		return 97;
	return 0;
}
