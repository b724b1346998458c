#!/bin/bash
# Mutation proof for SECURITY.md: removes one safety check at a time, in a
# copy of the tree (the checkout is never touched), and runs the hostile
# corpus, the fuzz seed regressions and the black-box suite against the
# mutant.  A mutant is caught when a test that passes on the unmutated
# tree fails on it; every mutant must be caught.  Not part of make check
# (one to two minutes a mutant).  Usage: tests/hostile/mutants.sh [NAME...]
set -u
cd "$(dirname "$0")/../.." || exit 111
W=$(mktemp -d /tmp/relayctl-mutants.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s build/recorder || exit 111

# One mutant a line: NAME @@ FILE @@ code to remove @@ what stands in its
# place.  The code to remove must occur exactly once; {NL} and {TAB} in
# either stand for a newline and a tab.  Several changes to one file, where
# a check stands in two places, are separated by %% on both sides.
mutants=()
while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	mutants+=("$line")
done <<'MUTANTS'
# SPEC 5: never follow a symlink
# (either of fstatat's AT_SYMLINK_NOFOLLOW and O_NOFOLLOW stops a link)
nofollow@@lib/spool.c@@O_RDONLY | O_NOFOLLOW | O_NONBLOCK%%fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {@@O_RDONLY | O_NONBLOCK%%fstatat(dir, name, &st, 0) != 0) {
# only USER and DOMAIN from a record
allowlist@@lib/spool.c@@if (len < klen || memcmp(entry, key, klen) != 0)@@if (len < klen)
# records are named by the canonical address only
address@@lib/address.c@@return "it is not a numeric IPv4 or IPv6 address";@@{ strcpy(name, text); return NULL; }
# a record dated ahead is not fresh
upperbound@@lib/spool.c@@return mtime > now - expiry && mtime <= now + skew;@@return mtime > now - expiry;
# issue 13, item 1: refresh in place only a single link ...
nlink@@lib/spool.c@@st.st_nlink == 1 && @@
# ... that we own
owner@@lib/spool.c@@st.st_uid == geteuid() &&@@
# issue 13, item 3: a file-size limit is EFBIG, not death by SIGXFSZ ...
sigxfsz@@applets/allow.c@@ignore_sigxfsz(&xfsz);@@sigaction(SIGXFSZ, NULL, &xfsz);
# ... and the next program gets SIGXFSZ as allow found it
sigxfsz-restore@@applets/allow.c@@sigaction(SIGXFSZ, &xfsz, NULL);@@
# issue 13, item 7: messages name the variable read
varname@@lib/address.c@@*var = key;@@*var = "${PROTO}REMOTEIP";
# issue 13, item 7: policy's line limit counts without the CR it cuts
policy-cr@@applets/policy.c@@return *len - (*len > 0 && nl[-1] == '\r') >@@return *len >
# issue 13, item 7: a NUL in a config file reads as envdir reads it
config-nul@@lib/config.c@@*p++ = '\n';@@p++;
# issue 13, item 2: no spool entry is opened before fstatat says it is a
# regular file: in allow's refresh ...
entry-type@@lib/spool.c@@if (!S_ISREG(st->st_mode)){NL}{TAB}{TAB}{TAB}return -2;{NL}@@
# ... and a lookup (check, policy, status) takes only a regular file
lookup-type@@lib/spool.c@@{TAB}if (!S_ISREG(st.st_mode)) {{NL}{TAB}{TAB}foreign(l, st.st_mode);{NL}{TAB}{TAB}return;{NL}{TAB}}{NL}@@
# issue 13, item 5: age removes only temporary files of its own pattern
own-pattern@@lib/spool.c@@if (*p < '0' || *p > '9'){NL}{TAB}{TAB}return 0;{NL}{TAB}while@@return 1;{NL}{TAB}while
# issue 13, items 4 and 7: one escaper; a terminal sees printable ASCII only
human-escape@@lib/escape.c@@{TAB}{TAB}{TAB}put_hex_byte(o, *p);@@{TAB}{TAB}{TAB}put(o, p, 1);
# ... and status --tsv escapes the bidirectional controls
tsv-bidi@@lib/escape.c@@ || c == 0x061c ||{NL}{TAB}    c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||{NL}{TAB}    (c >= 0x2066 && c <= 0x2069);@@;
# Not here, being equivalent: age -n -v and revoke -v print only names
# that passed addr_is_name or spool_tmp_name_ok, which admit no byte but
# [0-9A-Za-z.:-], so their escaping cannot change what they print; and
# the second fstat that catches an entry replaced between fstatat and
# open, which only a race can reach.
MUTANTS

# suites DIR: builds DIR's tree and runs the suites on it; leaves the
# hostile entries that fail, the black-box tests that pass and the fuzz
# targets whose seeds fail in DIR/hostile.fail, bb.pass, fuzz.fail.
suites() {
	local d=$1 t
	(cd "$d" && musl-gcc -std=c11 -O2 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
	    -static -o relayctl relayctl.c applets/*.c lib/*.c) || return 1
	python3 tests/hostile/run.py "$d/relayctl" build/recorder \
	    >"$d/hostile.out" 2>&1
	grep '^FAIL' "$d/hostile.out" | awk '{ print $2 }' | sort -u >"$d/hostile.fail"
	: >"$d/fuzz.fail"
	for t in address record policy; do
		clang -std=c11 -g -O1 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
		    -I"$d" -fsanitize=fuzzer,address,undefined \
		    -fno-sanitize-recover=all -o "$d/fuzz_$t" \
		    "$d/tests/fuzz/fuzz_$t.c" "$d"/lib/*.c 2>/dev/null || continue
		"$d/fuzz_$t" tests/fuzz/seeds_$t/* >/dev/null 2>&1 ||
		    echo "fuzz_$t" >>"$d/fuzz.fail"
	done
	bash tests/blackbox/run.sh "$d/relayctl" >"$d/bb.out" 2>&1
	sed -n 's/^PASS: //p' "$d/bb.out" | sort >"$d/bb.pass"
}

B=$W/base
mkdir -p "$B"
cp -r relayctl.c applets lib tests "$B/"
suites "$B" || { echo "the unmutated tree does not build"; exit 111; }
echo "unmutated: $(wc -l <"$B/hostile.fail") hostile entries fail," \
    "$(wc -l <"$B/bb.pass") black-box tests pass," \
    "fuzz seeds failing: $(tr '\n' ' ' <"$B/fuzz.fail")"

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
def text(v):
    return v.replace("{NL}", "\n").replace("{TAB}", "\t")
for old, new in zip(os.environ["OLD"].split("%%"),
                    os.environ["NEW"].split("%%")):
    old, new = text(old), text(new)
    if s.count(old) != 1:
        sys.exit("mutant: the code to remove is not in " + p + " exactly once")
    s = s.replace(old, new)
open(p, "w").write(s)
' "$M/$file"; then
		echo "$name: cannot be made (the code changed?): update tests/hostile/mutants.sh"
		missed=$((missed + 1))
		continue
	fi
	suites "$M" || { echo "$name: does not build"; missed=$((missed + 1)); continue; }
	hnew=$(comm -13 "$B/hostile.fail" "$M/hostile.fail")
	bnew=$(comm -23 "$B/bb.pass" "$M/bb.pass")
	fnew=$(comm -13 <(sort "$B/fuzz.fail") <(sort "$M/fuzz.fail"))
	echo "== $name: $(printf '%s' "$hnew" | grep -c .) more hostile entries fail," \
	    "$(printf '%s' "$bnew" | grep -c .) more black-box tests fail;" \
	    "fuzz seeds failing: ${fnew//$'\n'/ }"
	for label in $(printf '%s\n' "$hnew" | head -n 4); do
		grep -m 1 -F "FAIL $label " "$M/hostile.out" | cut -c1-160
	done
	[ -z "$bnew" ] || printf '%s\n' "$bnew" | head -n 2 | sed 's/^/FAIL: /' | cut -c1-160
	if [ -n "$hnew$bnew$fnew" ]; then
		caught=$((caught + 1))
	else
		missed=$((missed + 1))
		echo "$name: NOT CAUGHT"
	fi
done
echo "mutants: $caught caught, $missed missed"
[ "$missed" -eq 0 ]
