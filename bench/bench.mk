# The benchmark: "make bench" builds ./relayctl, then runs this file.
# Everything it builds goes to build/bench/; bench/run.sh prints the figures.

B = build/bench
MUSL := $(shell command -v musl-gcc 2>/dev/null)
BENCH_CC = $(if $(MUSL),musl-gcc,gcc)
WARN = -Wall -Wextra -Werror
# The floor, the no-op and the timer are static, as small as relayctl's peers.
BENCH_CFLAGS = -std=c11 -O2 $(WARN) -D_DEFAULT_SOURCE -static -s
STATIC_TOOLS = $(B)/floor $(B)/noop $(B)/timer $(B)/insns $(B)/policyload \
	$(B)/mkspool $(B)/rc32age
# peakrss needs the kernel's seccomp headers, which musl-gcc does not see.
HOST_TOOLS = $(B)/peakrss

# From the top Makefile: how it builds relayctl, less -s.
RELAYCTL_CC ?= musl-gcc
RELAYCTL_FLAGS ?=
SRCS = relayctl.c $(wildcard applets/*.c) $(wildcard lib/*.c)

bench: $(STATIC_TOOLS) $(HOST_TOOLS) $(B)/relayctl.syms relayctl
	@bash bench/run.sh

# The same code at the same addresses as ./relayctl, with its symbol table.
$(B)/relayctl.syms: $(SRCS) $(wildcard lib/*.h) Makefile bench/bench.mk
	@mkdir -p $(@D)
	$(RELAYCTL_CC) $(RELAYCTL_FLAGS) -o $@ $(SRCS)

$(STATIC_TOOLS): $(B)/%: bench/%.c bench/bench.mk
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $<

$(HOST_TOOLS): $(B)/%: bench/%.c bench/bench.mk
	@mkdir -p $(@D)
	gcc -std=c11 -O2 $(WARN) -D_DEFAULT_SOURCE -o $@ $<

.PHONY: bench
