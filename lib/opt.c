/* Options as every applet reads them, getopt's way without its globals; see relayctl(8). */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "opt.h"

void
opt_init(struct opt *o, char **argv)
{
	o->argv = argv;
	o->i = 1;
	o->p = NULL;
	o->word = NULL;
}

/*
 * The next option: a letter of flags, OPT_BAD for any other letter,
 * OPT_WORD for "--WORD", or OPT_END.  Flags bundle ("-vn" is "-v -n"),
 * "--" ends the options, "-" alone is an operand, and "--help" anywhere
 * among them prints the usage and exits 0, as it does first.
 */
int
opt_next(struct opt *o, const char *flags)
{
	const char *w;
	int c;

	if (o->p == NULL || *o->p == '\0') {
		w = o->argv[o->i];
		if (w == NULL || w[0] != '-' || w[1] == '\0')
			return OPT_END;
		o->i++;
		if (w[1] == '-' && w[2] == '\0')
			return OPT_END;
		if (w[1] == '-') {
			if (strcmp(w + 2, "help") == 0)
				exit(msg_help());
			o->word = w + 2;
			return OPT_WORD;
		}
		o->p = w + 1;
	}
	c = (unsigned char)*o->p++;
	return strchr(flags, c) != NULL ? c : OPT_BAD;
}

/*
 * For an applet whose options are all flags: on[k] is set to 1 for each
 * flags[k] given.  Returns the index of the first operand, or -1 for any
 * other option.
 */
int
opt_flags(char **argv, const char *flags, int *on)
{
	struct opt o;
	int c;

	opt_init(&o, argv);
	while ((c = opt_next(&o, flags)) != OPT_END) {
		if (c == OPT_BAD || c == OPT_WORD)
			return -1;
		on[strchr(flags, c) - flags] = 1;
	}
	return o.i;
}
