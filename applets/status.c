/* Placeholder until the status applet lands; see relayctl(8). */
#include "../lib/msg.h"

int
status_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	die_temp("the status applet is not implemented yet");
}
