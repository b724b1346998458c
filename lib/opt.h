/* The one option parser of every applet: bundled flags, "--", "--help"; see relayctl(8). */
#ifndef RELAYCTL_OPT_H
#define RELAYCTL_OPT_H

#define OPT_END 0	/* argv[o->i] is the first operand, or NULL */
#define OPT_WORD 1	/* a long option "--WORD": o->word is WORD */
#define OPT_BAD '?'	/* a letter that flags does not name */

struct opt {
	char **argv;
	int i;			/* the next word to read */
	const char *p;		/* the rest of a bundle of flags */
	const char *word;
};

void opt_init(struct opt *o, char **argv);
int opt_next(struct opt *o, const char *flags);
int opt_flags(char **argv, const char *flags, int *on);

#endif
