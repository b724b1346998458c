# Shared by the black-box suites: a temp root, applet names, the recorder,
# and a tiny pass/fail counter.  Source it with BIN set to the binary.
# shellcheck shell=bash
# shellcheck disable=SC2034 # RECORDER, B, rc and the rest are for the suites that source this

# Descriptors the test harness inherited would show up in every recording.
for _fd in "/proc/$$/fd/"*; do
	_fd=${_fd##*/}
	[ "$_fd" -gt 2 ] && eval "exec $_fd>&-" 2>/dev/null
done
unset _fd

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case "$BIN" in /*) ;; *) BIN="$TOP/$BIN" ;; esac
RECORDER="$TOP/build/recorder"
ROOT=$(mktemp -d /tmp/relayctl-bb.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/bin" "$ROOT/spool" "$ROOT/conf" "$ROOT/work"
for n in chdir allow check age status revoke policy; do
	ln -s "$BIN" "$ROOT/bin/relay-ctrl-$n"
	ln -s "$BIN" "$ROOT/bin/relayctl-$n"
done
ln -s "$BIN" "$ROOT/bin/relayctl"
ln -s "$BIN" "$ROOT/bin/relayctl.static"
B="$ROOT/bin"
SPOOL="$ROOT/spool"
REC="$ROOT/rec.txt"
ERR="$ROOT/err.txt"
# Whatever the test runs, the system's /etc/relay-ctrl is never read.
BASE_ENV=(RELAY_CTRL_CONFIG="$ROOT/conf" PATH=/usr/bin:/bin)

passed=0 failed=0 current=
t() { current=$*; }
ok() { passed=$((passed + 1)); echo "PASS: $current"; }
no() { failed=$((failed + 1)); echo "FAIL: $current${1:+: $1}"; }
# check CONDITION... : pass when the command succeeds
expect() { if "$@"; then ok; else no "$(printf '%q ' "$@")"; fi; }
finish() {
	echo "${1:-blackbox}: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# run [VAR=value...] -- COMMAND...: env -i with the base environment,
# stderr to $ERR, status in $rc.
run() {
	local vars=()
	while [ "$1" != "--" ]; do vars+=("$1"); shift; done
	shift
	rm -f "$REC"
	(cd "$ROOT/work" && env -i "${BASE_ENV[@]}" "${vars[@]}" "$@") 2>"$ERR"
	rc=$?
}

recorded() { grep -qxF -- "$1" "$REC"; }
not_recorded() { ! grep -q -- "$1" "$REC" 2>/dev/null; }
said() { grep -qE -- "$1" "$ERR"; }
clean_spool() { rm -rf "$SPOOL"; mkdir -p "$SPOOL"; }
spool_has() { [ -f "$SPOOL/$1" ] && [ ! -L "$SPOOL/$1" ]; }
# The spool's entries, dot files too, one a line and sorted (ls -A).
spool_list() { find "$SPOOL" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort; }
spool_entries() { spool_list | wc -l; }
# The variables the recorder saw beyond those it was given.
exported() { sed -n 's/^env=\([^=]*\)=.*/\1/p' "$REC" | sort | tr '\n' ' '; }
