# relayctl: one static binary.  "make" builds it, "make test" runs the quick
# tests (unit and black-box), "make check" runs every test.

SRCS = relayctl.c $(wildcard applets/*.c) $(wildcard lib/*.c)
HDRS = $(wildcard lib/*.h)
WARN = -Wall -Wextra -Werror
DEFS = -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE
# The shipped binary is linked with musl (Debian: musl-tools); without
# musl-gcc it is linked with the static C library the compiler has, and
# the build says so.  LIBC names it for "make" and "relayctl --version".
MUSL := $(shell command -v musl-gcc 2>/dev/null)
ifeq ($(MUSL),)
STATIC_CC = $(or $(filter-out cc,$(CC)),gcc)
LIBC := $(shell printf '\043include <stdio.h>\n\043ifdef __GLIBC__\nglibc\n\043endif\n' | \
	$(STATIC_CC) -E -P -x c - 2>/dev/null | grep -x glibc || \
	{ $(STATIC_CC) -dumpmachine 2>/dev/null | grep -q musl && echo musl; } || \
	echo "the C library of $(STATIC_CC)")
else
STATIC_CC = musl-gcc
LIBC = musl
endif
CFLAGS = -std=c11 $(WARN) $(DEFS)
# The shipped binary is built for size: exec maps it for every SMTP
# connection, and a smaller one is measurably cheaper to start (bench/).
# No RELRO: a static non-PIE binary has no loader to apply it, so it was
# only a page of padding.  A common page size of 8 keeps ld from starting
# the data on a page of its own in the file (up to 4 KiB of zeros) to
# spare a page of memory that bss would otherwise share.
# Link-time optimisation inlines and drops across files (600 bytes); no
# floating point anywhere, so variadic functions (warn, fatal, the
# formatters) need not save the vector registers (400 bytes), where the
# compiler has the option.  Switches as compares, not tables of
# addresses, and no inlining of static functions only because they are
# called once (here gcc's guess that this saves space is wrong): 400 bytes.
GENERAL_REGS := $(shell echo 'int x;' | $(STATIC_CC) -mgeneral-regs-only \
	-c -x c -o /dev/null - 2>/dev/null && echo -mgeneral-regs-only)
SIZE_CFLAGS = -Os -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-pie -flto $(GENERAL_REGS) \
	-fno-jump-tables -fno-inline-functions-called-once
LDFLAGS = -static -s -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro \
	-Wl,-z,common-page-size=8
HOSTCC = gcc

all: relayctl

relayctl: $(SRCS) $(HDRS) Makefile build/cc.stamp
	$(STATIC_CC) $(CFLAGS) $(SIZE_CFLAGS) $(LDFLAGS) \
		-DRELAYCTL_LIBC='"$(LIBC), static"' -o $@ $(SRCS)
	@echo "relayctl: built with $(LIBC), static, $$(wc -c <$@) bytes"
ifeq ($(MUSL),)
	@echo "relayctl: note: musl-gcc not found (Debian: apt-get install" \
		"musl-tools); this $(LIBC) build is larger and starts slower for" \
		"every SMTP connection than the musl build bench/RESULTS.md measures"
endif

# The compiler's path, version and C library: rewritten only when they
# change, so that a new compiler (musl-tools installed after a glibc
# build) rebuilds relayctl.
build/cc.stamp: FORCE
	@mkdir -p $(@D)
	@{ command -v $(STATIC_CC) || echo "$(STATIC_CC): not found"; \
		$(STATIC_CC) --version 2>&1; echo "libc: $(LIBC)"; } >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
FORCE:

# --- tests -----------------------------------------------------------------
# build/ holds everything that is not the shipped binary.

LIB_SRCS = $(wildcard lib/*.c)
APPLET_SRCS = $(wildcard applets/*.c)
UNIT_TESTS = $(patsubst tests/unit/%.c,build/unit/%,$(wildcard tests/unit/test_*.c))
# Fault injection: every test binary may wrap these calls (tests/unit/wrap.h).
WRAPS = open openat read write close fstat fstatat futimens fchmod renameat time \
	unlinkat linkat clock_gettime setenv execvp execve flock \
	syscall
WRAP_FLAGS = $(foreach f,$(WRAPS),-Wl,--wrap=$(f))
UNIT_CFLAGS = -std=c11 -O1 -g $(WARN) $(DEFS) -Wno-unused-function -I.
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

build/unit/%: tests/unit/%.c tests/unit/wrap.c tests/unit/wrap.h \
		$(LIB_SRCS) $(APPLET_SRCS) $(HDRS) relayctl.c
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< tests/unit/wrap.c \
		$(LIB_SRCS) $(WRAP_FLAGS) -lcmocka

build/asan/unit/%: tests/unit/%.c tests/unit/wrap.c tests/unit/wrap.h \
		$(LIB_SRCS) $(APPLET_SRCS) $(HDRS) relayctl.c
	@mkdir -p $(@D)
	clang $(UNIT_CFLAGS) $(SAN_FLAGS) -o $@ $< tests/unit/wrap.c \
		$(LIB_SRCS) $(WRAP_FLAGS) -lcmocka

build/asan/relayctl: $(SRCS) $(HDRS)
	@mkdir -p $(@D)
	clang $(CFLAGS) -O2 -g $(SAN_FLAGS) -o $@ $(SRCS)

build/recorder: tests/helper/recorder.c
	@mkdir -p $(@D)
	$(HOSTCC) -std=c11 -O2 $(WARN) $(DEFS) -static -o $@ $<

deps:
	@sh tests/deps.sh

unit: $(UNIT_TESTS)
	@sh tests/run-unit.sh $(UNIT_TESTS)

# The edit-build-test loop: unit tests and the static binary from the
# outside, in seconds, as any user, with nothing installed but the compilers
# and cmocka.  make check is the full run that CI uses.
test: relayctl build/recorder $(UNIT_TESTS)
	@sh tests/run-unit.sh $(UNIT_TESTS) >build/unit.log 2>&1 || \
	    { cat build/unit.log; exit 1; }
	@tail -n 1 build/unit.log
	@bash tests/blackbox/run.sh ./relayctl | grep -v '^PASS: '
	@bash tests/blackbox/status.sh ./relayctl | grep -v '^PASS: '

blackbox: relayctl build/recorder
	@bash tests/blackbox/run.sh ./relayctl

sanitize: build/asan/relayctl build/recorder $(patsubst build/%,build/asan/%,$(UNIT_TESTS))
	@sh tests/run-unit.sh $(patsubst build/%,build/asan/%,$(UNIT_TESTS))
	@bash tests/blackbox/run.sh build/asan/relayctl

check: deps
	@$(MAKE) --no-print-directory relayctl build/recorder $(UNIT_TESTS) \
		build/asan/relayctl $(patsubst build/%,build/asan/%,$(UNIT_TESTS))
	@bash tests/check.sh

# End-to-end suites with real servers (root: inside a private network namespace).
e2e: deps relayctl
	@for s in tests/suites/*e2e*.sh; do bash "$$s" || exit 1; done

# Fuzzing lives in tests/fuzz/fuzz.mk, the benchmark in bench/bench.mk.
fuzz:
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk fuzz

# The benchmark also links relayctl unstripped, with the same flags, to
# name the functions its instruction count goes to.
bench: relayctl
	@$(MAKE) --no-print-directory -f bench/bench.mk bench \
		RELAYCTL_CC="$(STATIC_CC)" \
		RELAYCTL_FLAGS="$(CFLAGS) $(SIZE_CFLAGS) $(filter-out -s,$(LDFLAGS))"

# install.sh does the work; packagers: make install DESTDIR=... PREFIX=...
install: relayctl
	@sh ./install.sh $(if $(PREFIX),--prefix $(PREFIX)) $(if $(DESTDIR),--destdir $(DESTDIR))

# The Debian package, built in a clean copy of the tree (tests/install/build-deb.sh):
# build/deb/relayctl_VERSION-1_ARCH.deb.
deb:
	@sh tests/install/build-deb.sh
.PHONY: deb

clean:
	rm -rf relayctl build

.PHONY: FORCE all deps unit test blackbox sanitize check e2e fuzz bench clean install
