/* The floor: a static program that only runs its argument, what relay-ctrl-check costs at best; see bench/run.sh. */
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc < 2)
		return 100;
	execv(argv[1], argv + 1);
	return 127;
}
