#!/bin/bash
# Runs one black-box script (tests/blackbox/SCRIPT NAME) with the static
# binary and, when make check has built it, the ASan/UBSan one, and adds up
# the "NAME: N passed, M failed" lines they end with.
# Usage: bash tests/blackbox/both-builds.sh SCRIPT NAME
script=$1 name=$2
cd "$(dirname "$0")/../.." || exit 111
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
pass=0 fail=0
for bin in ./relayctl build/asan/relayctl; do
	if [ ! -x "$bin" ]; then
		echo "SKIP: $bin is not built"
		continue
	fi
	out=$(mktemp)
	bash "tests/blackbox/$script" "$bin" 2>&1 | tee "$out" |
	    grep -v '^PASS: '
	rc=${PIPESTATUS[0]}
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$out" | tail -n 1)
	rm -f "$out"
	p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.*passed, ([0-9]+) failed.*/\1/p')
	if [ -z "$line" ]; then
		echo "FAIL: $script with $bin ended without a summary (exit $rc)"
		f=1 p=0
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $script with $bin exited $rc"
		f=1
	fi
	echo "$bin: $p passed, $f failed"
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
