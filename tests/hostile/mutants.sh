#!/bin/bash
# Mutation proof for SECURITY.md: removes one safety check of lib/ at a
# time, in a copy of the tree (the checkout is never touched), and runs the
# hostile corpus and the fuzz seed regressions against the mutant.  Every
# mutant must be caught.  Not part of make check (about a minute a mutant).
# Usage: tests/hostile/mutants.sh [NAME...]
set -u
cd "$(dirname "$0")/../.." || exit 111
W=$(mktemp -d /tmp/relayctl-mutants.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s build/recorder || exit 111

# name @@ file @@ code to remove @@ what stands in its place (the code to
# remove must occur exactly once); several changes to one file, where a
# check stands in two places, are separated by %% on both sides
mutants=(
"nofollow@@lib/spool.c@@O_RDONLY | O_NOFOLLOW | O_NONBLOCK%%fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {@@O_RDONLY | O_NONBLOCK%%fstatat(dir, name, &st, 0) != 0) {"
"allowlist@@lib/spool.c@@if (len < klen || memcmp(entry, key, klen) != 0)@@if (len < klen)"
"address@@lib/spool.c@@@@"
"upperbound@@lib/spool.c@@return mtime > now - expiry && mtime <= now + skew;@@return mtime > now - expiry;"
)
mutants[2]="address@@lib/address.c@@return \"it is not a numeric IPv4 or IPv6 address\";@@{ strcpy(name, text); return NULL; }"
caught=0 missed=0
for m in "${mutants[@]}"; do
	name=${m%%@@*}; m=${m#*@@}
	file=${m%%@@*}; m=${m#*@@}
	old=${m%%@@*}; new=${m#*@@}
	[ $# -gt 0 ] && [[ " $* " != *" $name "* ]] && continue
	M=$W/$name
	mkdir -p "$M"
	cp -r relayctl.c applets lib tests "$M/"
	if ! OLD=$old NEW=$new python3 -c '
import os, sys
p = sys.argv[1]
s = open(p).read()
for old, new in zip(os.environ["OLD"].split("%%"), os.environ["NEW"].split("%%")):
    if s.count(old) != 1:
        sys.exit("mutant: the code to remove is not in " + p + " exactly once")
    s = s.replace(old, new)
open(p, "w").write(s)
' "$M/$file"; then
		echo "$name: cannot be made (lib/ changed?): update tests/hostile/mutants.sh"
		missed=$((missed + 1))
		continue
	fi
	(cd "$M" && musl-gcc -std=c11 -O2 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
	    -static -o relayctl relayctl.c applets/*.c lib/*.c) || {
		echo "$name: does not build"; missed=$((missed + 1)); continue; }
	h=$(python3 tests/hostile/run.py "$M/relayctl" build/recorder 2>&1)
	hfail=$(printf '%s\n' "$h" | grep -c '^FAIL')
	fz=0
	for t in address record policy; do
		clang -std=c11 -g -O1 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
		    -I"$M" -fsanitize=fuzzer,address,undefined \
		    -fno-sanitize-recover=all -o "$M/fuzz_$t" \
		    "$M/tests/fuzz/fuzz_$t.c" "$M"/lib/*.c 2>/dev/null || continue
		"$M/fuzz_$t" tests/fuzz/seeds_$t/* >/dev/null 2>&1 ||
		    fz="$fz fuzz_$t"
	done
	echo "== $name: $hfail hostile entries fail; fuzz seeds failing: ${fz#0}"
	printf '%s\n' "$h" | grep '^FAIL' | head -n 4 | cut -c1-160
	if [ "$hfail" -gt 0 ] || [ "$fz" != 0 ]; then
		caught=$((caught + 1))
	else
		missed=$((missed + 1))
		echo "$name: NOT CAUGHT"
	fi
done
echo "mutants: $caught caught, $missed missed"
[ "$missed" -eq 0 ]
