/* COLD: where the large buffers live that check never touches; see bench/RESULTS.md. */
#ifndef RELAYCTL_COLD_H
#define RELAYCTL_COLD_H

/*
 * x86-64's large-data section, which the linker places after every other
 * variable: the few that check touches (the snapshot, musl's own) then
 * share a page or two, where buffers of 4 to 100 KiB between them spread
 * them over four, a page fault each per SMTP connection.  gcc only: clang
 * would give the section file contents.  Elsewhere an ordinary variable.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define COLD __attribute__((section(".lbss")))
#else
#define COLD
#endif

#endif
