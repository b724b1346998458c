#!/bin/bash
# Counters and checks shared by the install and man page suites (tests/suites/70-install.sh, 75-man.sh).

passed=0
failed=0

pass() {
	passed=$((passed + 1))
	echo "ok: $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		printf '%s\n' "$2" | sed 's/^/    /' | head -n 40
	fi
}

skip() {
	echo "skipped: $1"
}

# check NAME COMMAND...: passes if the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name"
	fi
}

summary() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# A man page as mandoc renders it for a terminal 200 columns wide, without
# the overstrike of bold and underline.
render() {
	mandoc -Tascii -Owidth=200 "$1" 2>/dev/null | sed 's/.\x08//g'
}

# The lines of one section, leading blanks cut and blanks squeezed.
section() {
	render "$1" | awk -v s="$2" '
		$0 == s { on = 1; next }
		/^[A-Z]/ { on = 0 }
		on' | sed 's/^ *//; s/  */ /g; s/ *$//' | grep -v '^$'
}
