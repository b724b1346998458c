#!/bin/bash
# The black-box suite again, every run of the static binary under valgrind
# (memcheck): no valgrind error in any run.  Some black-box tests cannot
# hold under valgrind itself and are listed in "known", each with the
# reason, not counted.  They pass in 20-blackbox, without valgrind.
#
# It runs on the musl build only: valgrind reports static glibc's own
# start-up (set_robust_list, conditional jumps inside libc), which would be
# counted as the project's errors.
cd "$(dirname "$0")/../.." || exit 111
refuse() {
	echo "FAIL: $*"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
}
command -v valgrind >/dev/null || refuse "valgrind is not installed"
libc=$(./relayctl --version 2>/dev/null)
case $libc in
*"(musl, static)") ;;
*) refuse "./relayctl says \"${libc:-nothing}\" to --version, not musl:" \
    "valgrind's reports about another C library are not the project's;" \
    "install musl-tools (Debian) and run make, which rebuilds it" ;;
esac
V=$(mktemp -d /tmp/relayctl-vg.XXXXXX)
trap 'rm -rf "$V"' EXIT
# readable by nobody: the black-box suite runs some cases as 65534
chmod 755 "$V"
mkdir -p "$V/links" "$V/logs"
chmod 1777 "$V/links" "$V/logs"
cp relayctl "$V/relayctl.bin"
cp tests/valgrind/wrap.sh "$V/relayctl"
chmod 755 "$V/relayctl" "$V/relayctl.bin"
for n in $(./relayctl --list) ; do
	for name in "relay-ctrl-$n" "relayctl-$n"; do
		ln -s "$V/relayctl.bin" "$V/links/$name"
	done
done
ln -s "$V/relayctl.bin" "$V/links/relayctl"
ln -s "$V/relayctl.bin" "$V/links/relayctl.static"

known=(
	# valgrind lowers the descriptor limit the program sees
	"chdir stays below a lower soft RLIMIT_NOFILE"
	# valgrind puts LD_PRELOAD, GLIBCXX_FORCE_NEW ... into the
	# environment of the next program
	"check: exports nothing but RELAYCLIENT, USER, DOMAIN"
	# valgrind writes files of its own and cannot start under a file
	# size limit of 0: SIGXFSZ, exit 153, before relayctl runs
	"allow under ulimit -f 0 (no byte may be written): the next program runs, exit 7"
	"allow under ulimit -f 0: one warning, File too large, continuing without relay"
	"allow under ulimit -f 0: the next program gets SIGXFSZ as allow got it (default)"
	"allow under ulimit -f 0 with stderr a regular file: the next program still runs"
	# the test finds the spool by its descriptor, 3, in strace's
	# output; under valgrind the program gets 4
	"age sets a record aside as .age.PID.HOST.ADDRESS"
)
is_known() {
	local k
	for k in "${known[@]}"; do
		[[ $1 == "FAIL: $k" || $1 == "FAIL: $k: "* ]] && return 0
	done
	return 1
}
out=$(bash tests/blackbox/run.sh "$V/relayctl" 2>&1)
pass=0 fail=0
while IFS= read -r line; do
	case $line in
	PASS:*) pass=$((pass + 1)) ;;
	FAIL:*)
		if is_known "$line"; then
			echo "not counted under valgrind: ${line#FAIL: }"
		else
			echo "$line"
			fail=$((fail + 1))
		fi ;;
	esac
done <<<"$out"
runs=$(find "$V/logs" -name 'vg.*.log' | wc -l)
errors=0
for f in "$V"/logs/vg.*.log; do
	[ -s "$f" ] || continue
	echo "valgrind: $(basename "$f"):"
	head -n 30 "$f"
	errors=$((errors + 1))
done
echo "valgrind: $runs runs under valgrind, $errors with errors"
[ "$runs" -gt 50 ] || { echo "valgrind: too few runs: the wrapper was not used"; fail=$((fail + 1)); }
fail=$((fail + errors))
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
