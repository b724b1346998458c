#!/bin/bash
# The datagram corpus (tests/hostile/datagrams.txt) against relay-ctrl-udp,
# the static binary and, when make check built it, the ASan+UBSan build:
# one test per entry (tests/hostile/udp.py).
cd "$(dirname "$0")/../.." || exit 111
export ASAN_OPTIONS=detect_leaks=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
pass=0 fail=0
for bin in ./relayctl build/asan/relayctl; do
	[ -x "$bin" ] || continue
	out=$(python3 tests/hostile/udp.py "$bin" 2>&1)
	printf '%s\n' "$out" | grep -v '^PASS '
	line=$(printf '%s\n' "$out" | grep -E '^hostile-udp: [0-9]+ passed' | tail -n 1)
	if [ -z "$line" ]; then
		echo "hostile-udp: the runner broke on $bin"
		fail=$((fail + 1))
		continue
	fi
	p=$(echo "$line" | sed -E 's/^hostile-udp: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	echo "$bin: $p passed, $f failed"
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "hostile-udp: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
