/* Processes of a program with one thread: fork by its system call; see relayctl(8). */
#ifndef RELAYCTL_PROC_H
#define RELAYCTL_PROC_H

#include <sys/types.h>

pid_t proc_fork(void);

#endif
