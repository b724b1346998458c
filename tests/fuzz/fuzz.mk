# Fuzzing with libFuzzer (clang): "make fuzz" runs every target for
# FUZZ_TIME seconds, "make -f tests/fuzz/fuzz.mk regress" runs each seed
# corpus once (make check does, through tests/suites/85-fuzz-regress.sh).

SHELL = /bin/bash
FUZZ_TIME ?= 60
FUZZ_TARGETS = address record policy packet
FUZZ_BIN = $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_CFLAGS = -std=c11 -g -O1 -Wall -Wextra -Werror \
	-D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LIB_SRCS = $(wildcard lib/*.c)
HDRS = $(wildcard lib/*.h)

all: $(FUZZ_BIN)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(HDRS) applets/policy.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS)

# New inputs go to build/fuzz/corpus_NAME, never into the committed seeds.
fuzz: $(FUZZ_BIN)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus_$$t; \
		d=; [ -f tests/fuzz/$$t.dict ] && d=-dict=tests/fuzz/$$t.dict; \
		echo "fuzz_$$t: $(FUZZ_TIME) s"; \
		nice -n 19 build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
		    -print_final_stats=1 $$d build/fuzz/corpus_$$t \
		    tests/fuzz/seeds_$$t || exit 1; \
	done

regress: $(FUZZ_BIN)
	@for t in $(FUZZ_TARGETS); do \
		build/fuzz/fuzz_$$t tests/fuzz/seeds_$$t/* 2>&1 | tail -n 1; \
		[ "$${PIPESTATUS[0]}" -eq 0 ] || exit 1; \
	done

.PHONY: all fuzz regress
