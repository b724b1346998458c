# The benchmark: "make bench" builds ./relayctl, then runs this file.
# Everything it builds goes to build/bench/; bench/run.sh prints the figures.

B = build/bench
MUSL := $(shell command -v musl-gcc 2>/dev/null)
BENCH_CC = $(if $(MUSL),musl-gcc,gcc)
BENCH_CFLAGS = -std=c11 -O2 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -static -s
TOOLS = $(B)/floor $(B)/noop $(B)/timer $(B)/insns $(B)/policyload \
	$(B)/mkspool

bench: $(TOOLS) relayctl
	@sh bench/run.sh

$(B)/%: bench/%.c bench/bench.mk
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $<

.PHONY: bench
