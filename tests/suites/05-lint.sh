#!/bin/bash
# Static checks: -Wall -Wextra -Werror with gcc and clang, cppcheck, shellcheck.
# cppcheck's variableScope is off: KNF declares variables at the top.
cd "$(dirname "$0")/../.." || exit 111
pass=0 fail=0
step() {
	local name=$1
	shift
	if out=$("$@" 2>&1) && ! printf '%s' "$out" | grep -q -v '^$'; then
		pass=$((pass + 1)); echo "PASS: $name"
	else
		fail=$((fail + 1)); echo "FAIL: $name"; printf '%s\n' "$out" | head -n 20
	fi
}
srcs=(relayctl.c applets/*.c lib/*.c)
flags=(-std=c11 -O2 -Wall -Wextra -Werror -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -fsyntax-only)
step "gcc -Wall -Wextra -Werror" gcc "${flags[@]}" "${srcs[@]}"
step "clang -Wall -Wextra -Werror" clang "${flags[@]}" "${srcs[@]}"
if command -v cppcheck >/dev/null; then
	step "cppcheck" cppcheck --quiet --error-exitcode=1 --std=c11 \
	    --enable=warning,style,performance,portability \
	    --suppress=variableScope -D_XOPEN_SOURCE=700 "${srcs[@]}"
fi
if command -v shellcheck >/dev/null; then
	# Every tracked shell script: *.sh, *.sh.in, and anything whose first
	# line is a sh/bash/dash shebang (install.sh, .ci/run, courier/*.in,
	# debian/postinst...), at shellcheck's default severity; -x follows
	# the "# shellcheck source=" lines, which are relative to the top.
	mapfile -t sh_files < <({ git ls-files '*.sh' '*.sh.in'
	    git ls-files -z | xargs -0 awk 'FNR == 1 && /^#!.*[\/ ](ba|da|k)?sh( |$)/ {
		print FILENAME } { nextfile }'; } | sort -u)
	if [ "${#sh_files[@]}" -gt 0 ]; then
		step "shellcheck (${#sh_files[@]} scripts)" shellcheck -x "${sh_files[@]}"
	else
		fail=$((fail + 1)); echo "FAIL: shellcheck: git ls-files found no shell script"
	fi
fi
echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
