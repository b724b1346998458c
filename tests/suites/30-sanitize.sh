#!/bin/bash
# The unit tests and the black-box suite again, built with ASan and UBSan
# (a dynamic clang build: the sanitizers need their runtime).
cd "$(dirname "$0")/../.." || exit 111
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
sh tests/run-unit.sh build/asan/unit/test_* | sed 's/^unit: /sanitize-unit: /'
u=${PIPESTATUS[0]}
bash tests/blackbox/run.sh build/asan/relayctl | sed 's/^blackbox: /sanitize: /'
b=${PIPESTATUS[0]}
[ "$u" -eq 0 ] && [ "$b" -eq 0 ]
