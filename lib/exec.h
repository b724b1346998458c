/* The one way an applet runs the next program; see relayctl(8), EXIT STATUS. */
#ifndef RELAYCTL_EXEC_H
#define RELAYCTL_EXEC_H

char **chain_args(char **argv);
_Noreturn void xexec(char **argv);

#endif
