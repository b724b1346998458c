/* printf's formatting for the little that relayctl prints, without stdio's printf; see relayctl(8). */
#ifndef RELAYCTL_FMT_H
#define RELAYCTL_FMT_H

#include <stdarg.h>
#include <stddef.h>

#include "out.h"

#define FMT_PRINTF(f, a) __attribute__((format(printf, f, a)))

extern const char fmt_hex[];	/* the one hex digit table */

char *fmt_decimal(char *p, unsigned long long u, int min);

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) FMT_PRINTF(3, 4);
void fmt_out(struct out *o, const char *fmt, ...) FMT_PRINTF(2, 3);

#endif
