#!/bin/bash
# The hostile-input corpus (tests/hostile) against the static binary and,
# when make check built it, the ASan+UBSan build: one test per entry.
cd "$(dirname "$0")/../.." || exit 111
make -s build/recorder || { echo "hostile: 0 passed, 1 failed"; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
pass=0 fail=0
for bin in ./relayctl build/asan/relayctl; do
	[ -x "$bin" ] || continue
	echo "--- $bin"
	out=$(python3 tests/hostile/run.py "$bin" build/recorder 2>&1)
	printf '%s\n' "$out" | grep -v '^hostile: '
	line=$(printf '%s\n' "$out" | grep -E '^hostile: [0-9]+ passed' | tail -n 1)
	if [ -z "$line" ]; then
		echo "hostile: the runner broke on $bin"
		fail=$((fail + 1))
		continue
	fi
	echo "$bin: ${line#hostile: }"
	p=$(echo "$line" | sed -E 's/^hostile: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
	f=$(echo "$line" | sed -E 's/^hostile: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
