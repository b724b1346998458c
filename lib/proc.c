/* fork(2) without the C library's locks, for send's and the spool's detached children; see relayctl(8). */
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"

/*
 * By its system call: musl's fork() takes and resets the locks of a
 * threaded program (740 bytes of the binary), and relayctl has one
 * thread.
 */
pid_t
proc_fork(void)
{
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0L, 0L, 0L, 0L);
}
