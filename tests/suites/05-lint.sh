#!/bin/bash
# Static checks: -Wall -Wextra -Werror with gcc and clang, cppcheck, shellcheck.
# cppcheck's variableScope is off: KNF declares variables at the top.
cd "$(dirname "$0")/../.." || exit 111
pass=0 fail=0
step() {
	local name=$1
	shift
	if out=$("$@" 2>&1) && [ -z "$(printf '%s' "$out" | grep -v '^$')" ]; then
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
	sh_files=$(ls install.sh .ci/run tests/*.sh tests/e2e/*.sh courier/*.in tests/e2e/courier/*.sh 2>/dev/null)
	# shellcheck disable=SC2086
	step "shellcheck" shellcheck -S warning $sh_files
fi
echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
