#!/bin/bash
# The host's mail software before and after a run (.ci/run around make
# check): the packages, their files, and every file under the mail servers'
# configuration directories.
#
# usage: host-guard.sh snapshot FILE [PACKAGE...]
#        host-guard.sh compare FILE
#
# snapshot writes to FILE the dpkg status and version of each PACKAGE and of
# every installed package that is a mail server (by name, or providing
# mail-transport-agent, imap-server or pop3-server), what dpkg --verify says
# of their files, and for each of GUARD_PATHS whether it exists and the
# type, mode, owner, link target and SHA-256 of everything under it.
# compare takes the same snapshot again and exits 1, printing the
# difference, unless it is the same.
set -u
GUARD_PATHS=${GUARD_PATHS:-/etc/postfix /etc/dovecot /etc/courier /etc/exim4
/etc/mailname /etc/aliases}
mail_names='^(postfix|dovecot-.*|courier-.*|exim4.*|sendmail.*|opensmtpd|nullmailer)$'
mail_virtual='(^|[ ,])(mail-transport-agent|imap-server|pop3-server)([ ,(]|$)'

usage() {
	echo "usage: host-guard.sh snapshot FILE [PACKAGE...] | compare FILE" >&2
	exit 100
}

mail_packages() {
	dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\t${Provides}\n' |
	    awk -F '\t' -v names="$mail_names" -v virt="$mail_virtual" \
	    '$2 ~ /^.i/ && ($1 ~ names || $3 ~ virt) { print $1 }'
}

snapshot() {
	local p d pkgs
	echo "packages: $*"
	# shellcheck disable=SC2207
	pkgs=($( { printf '%s\n' "$@"; mail_packages; } | sort -u))
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='package ${Package} ${Version} ${db:Status-Abbrev}\n' \
		    "$p" 2>/dev/null || echo "package $p not known to dpkg"
	done
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null |
		    grep -q '^.i' || continue
		dpkg --verify "$p" 2>&1 | sed "s|^|verify $p: |"
	done
	for d in $GUARD_PATHS; do
		if [ ! -e "$d" ] && [ ! -L "$d" ]; then
			echo "absent $d"
			continue
		fi
		find "$d" -printf 'entry %y %m %u:%g %p -> %l\n' | sort
		find "$d" -type f -exec sha256sum {} + | sort -k 2 |
		    sed 's/^/sha256 /'
	done
}

# GUARD_PATHS on one line, one space between paths, for the messages.
guard_line() {
	local d line=
	for d in $GUARD_PATHS; do line="$line${line:+ }$d"; done
	printf '%s' "$line"
}

[ $# -ge 2 ] || usage
case $1 in
snapshot)
	file=$2
	shift 2
	snapshot "$@" >"$file" || exit 111
	echo "host-guard: recorded $(grep -c '^package ' "$file") mail" \
	    "packages and $(grep -c '^entry ' "$file") files under" \
	    "$(guard_line) in $file"
	;;
compare)
	[ $# -eq 2 ] || usage
	file=$2
	read -r _ pkgs <"$file" || exit 111
	# shellcheck disable=SC2086 # one word a package
	if ! out=$(diff "$file" <(snapshot $pkgs)); then
		echo "host-guard: FAIL: the host's mail software changed" \
		    "(< before, > after):"
		printf '%s\n' "$out" | grep '^[<>]'
		exit 1
	fi
	echo "host-guard: the mail packages and every file under" \
	    "$(guard_line) are as they were"
	;;
*) usage ;;
esac
