/* Placeholder until the policy applet lands; see relayctl(8). */
#include "../lib/msg.h"

int
policy_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	die_temp("the policy applet is not implemented yet");
}
