/* Placeholder until the revoke applet lands; see relayctl(8). */
#include "../lib/msg.h"

int
revoke_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	die_temp("the revoke applet is not implemented yet");
}
