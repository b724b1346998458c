# Shared by the end-to-end suites (sourced): judges the inner run that the
# watchdog ran.  A run cut off by the watchdog (124, 137) or one that died
# before its summary line counts as one failure more, and the summary line
# is printed for it.  Usage: e2e_verdict SUITE WATCHDOG OUTFILE RC; returns
# the suite's exit code.
# shellcheck shell=bash
e2e_verdict() {
	local suite=$1 watchdog=$2 out=$3 rc=$4 p f

	if [ "$rc" != 124 ] && [ "$rc" != 137 ] &&
	    grep -qE "^$suite: [0-9]+ passed" "$out"; then
		return "$rc"
	fi
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	echo "FAIL watchdog: the run was cut off after ${watchdog}s or died" \
	    "(exit $rc)"
	echo "$suite: $p passed, $((f + 1)) failed"
	return 1
}
