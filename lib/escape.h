/* Bytes from the network, the environment or the spool, escaped for whoever reads them; see relayctl(8), DIAGNOSTICS, and relayctl-status(8). */
#ifndef RELAYCTL_ESCAPE_H
#define RELAYCTL_ESCAPE_H

#include <stddef.h>

#include "out.h"

/*
 * One rule for each reader, and no output without one:
 *
 * ESC_HUMAN, for a terminal (every log line, status's listing, age -n and
 *   -v, revoke -v): printable ASCII as it is, a backslash as "\\", every
 *   other byte as "\xHH".  No byte can move the cursor, change the
 *   terminal or reorder the line (control and bidirectional-control
 *   characters are all bytes outside printable ASCII), and one byte shown
 *   is one column wide.
 * ESC_TSV, one field of status --tsv: printable ASCII as it is, "\t" "\n"
 *   "\r" "\\"; UTF-8 text as it is, except control characters (C0, DEL,
 *   C1) and the bidirectional controls (U+061C, U+200E, U+200F,
 *   U+202A..U+202E, U+2066..U+2069), whose bytes are "\xHH" like every byte
 *   that is not well-formed UTF-8.  Unescaping gives back the exact bytes.
 * ESC_JSON, a JSON string (quotes included) in plain ASCII: "\"" "\\" "\n"
 *   "\t" "\r", everything else outside printable ASCII as "\uXXXX"
 *   (surrogate pairs past U+FFFF); a byte that is not UTF-8 becomes U+FFFD,
 *   since a JSON string cannot carry it (--tsv keeps it).
 */
enum esc_rule { ESC_HUMAN, ESC_TSV, ESC_JSON };

size_t esc_put(struct out *o, enum esc_rule rule, const char *s);

/* For a log line: ESC_HUMAN, at most 64 bytes shown, then "...". */
#define VISIBLE_SIZE 272	/* 64 bytes shown as \xHH, "..." and a NUL */

const char *visible(const char *s, char *buf, size_t size);
const char *visible_mem(const char *s, size_t len, char *buf, size_t size);

#endif
