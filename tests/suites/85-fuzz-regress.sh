#!/bin/bash
# Every seed of every libFuzzer target, run once (tests/fuzz/fuzz.mk):
# what the long runs found stays found.  One test per seed.
cd "$(dirname "$0")/../.." || exit 111
if ! make -s -f tests/fuzz/fuzz.mk all >/dev/null 2>build/fuzz-build.log; then
	cat build/fuzz-build.log
	echo "fuzz-regress: 0 passed, 1 failed"
	exit 1
fi
pass=0 fail=0
for t in address record policy packet; do
	n=$(find "tests/fuzz/seeds_$t" -type f | wc -l)
	if out=$(find "tests/fuzz/seeds_$t" -type f -print0 |
	    xargs -0 "build/fuzz/fuzz_$t" 2>&1); then
		echo "fuzz_$t: $n seeds"
		pass=$((pass + n))
	else
		printf '%s\n' "$out" | tail -n 30
		echo "fuzz_$t: a seed failed"
		fail=$((fail + 1))
	fi
done
echo "fuzz-regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
