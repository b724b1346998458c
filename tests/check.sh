#!/bin/bash
# make check: runs every suite in tests/suites/ in name order, each of which
# ends with a line "NAME: N passed, M failed", and adds them up.
set -u
cd "$(dirname "$0")/.." || exit 111
total_p=0 total_f=0 broken=
for s in tests/suites/*.sh; do
	name=$(basename "$s" .sh)
	echo "=== $name"
	out=$(mktemp)
	bash "$s" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "$name: no summary line (exit $rc)"
		broken="$broken $name"
		continue
	fi
	p=$(echo "$line" | sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && broken="$broken $name"
done
[ -n "$broken" ] && echo "suites that ended abnormally:$broken"
echo "total: $total_p passed, $total_f failed"
[ "$total_f" -eq 0 ] && [ -z "$broken" ]
