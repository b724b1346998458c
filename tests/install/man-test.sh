#!/bin/bash
# The man pages: lint-clean, one for every name install.sh links, each
# SYNOPSIS word for word the usage string the binary prints, the sections
# and facts an admin needs; and README.md's first commands.
set -u
cd "$(dirname "$0")/../.." || exit 111
. tests/install/lib.sh

bin=./relayctl
if [ ! -x "$bin" ] || ! command -v mandoc >/dev/null 2>&1; then
	fail "./relayctl (make) and mandoc (tests/deps.sh) are needed"
	summary man
	exit 1
fi
names=$("$bin" --list)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- lint -----------------------------------------------------------------
# "referenced manual not found" depends on the pages installed on the host
# (tcpserver(1) and the like), so it is the one message left out.
for p in man/*.8; do
	# messages on stdout, notices about the host's mandoc.db on stderr:
	# kept apart, so that their lines cannot interleave
	out=$(mandoc -Tlint "$p" 2>"$tmp/lint.err" | grep -v 'referenced manual not found'
	    grep -v 'outdated mandoc.db' "$tmp/lint.err")
	if [ -z "$out" ]; then
		pass "mandoc -Tlint $p is clean"
	else
		fail "mandoc -Tlint $p" "$out"
	fi
done

# --- one page for every name ------------------------------------------------
want=$( (echo man/relayctl.8
	for n in $names; do echo "man/relay-ctrl-$n.8"; echo "man/relayctl-$n.8"; done) | sort)
have=$(printf '%s\n' man/*.8 | sort)
if [ "$want" = "$have" ]; then
	pass "man/ holds relayctl.8 and relay-ctrl-NAME.8, relayctl-NAME.8 for every applet, nothing else"
else
	fail "the man pages do not match the applet names" "$(diff <(echo "$want") <(echo "$have"))"
fi

for p in man/*.8; do
	base=$(basename "$p" .8)
	name=$(section "$p" NAME | head -n 1 | sed 's/ - .*//')
	case ", $name," in
	*", $base,"*) pass "$p: NAME names $base" ;;
	*) fail "$p: NAME is \"$name\", without $base" ;;
	esac
done

# Every relay-ctrl-*(8) and relayctl-*(8) a page refers to exists.
for p in man/*.8; do
	while read -r x; do
		if [ -f "man/$x.8" ]; then
			pass "$p refers to $x(8), which exists"
		else
			fail "$p refers to $x(8), which does not exist"
		fi
	done < <(grep -oh '^\.Xr \(relay-ctrl-\|relayctl\)[a-z-]* 8' "$p" | awk '{ print $2 }' | sort -u)
done

# --- SYNOPSIS = usage string --------------------------------------------------

# has_synopsis PAGE USAGE: a line of PAGE's SYNOPSIS is USAGE, word for word.
has_synopsis() {
	section "$1" SYNOPSIS | grep -qxF -- "$2"
}

dispatcher=$("$bin" --help | head -n 1 | sed 's/^usage: //')
if has_synopsis man/relayctl.8 "$dispatcher"; then
	pass "relayctl.8 SYNOPSIS holds \"$dispatcher\""
else
	fail "relayctl.8 SYNOPSIS lacks \"$dispatcher\"" "$(section man/relayctl.8 SYNOPSIS)"
fi
for n in $names; do
	usage=$("$bin" "$n" --help | sed 's/^usage: //')
	if [ -z "$usage" ]; then
		fail "relayctl $n --help printed no usage"
		continue
	fi
	for p in man/relayctl.8 "man/relay-ctrl-$n.8" "man/relayctl-$n.8"; do
		if has_synopsis "$p" "$usage"; then
			pass "$p SYNOPSIS holds \"$usage\""
		else
			fail "$p SYNOPSIS lacks \"$usage\"" "$(section "$p" SYNOPSIS)"
		fi
	done
done

# The comparison must be able to fail: a page that drops one option or
# adds one word no longer matches.
usage=$("$bin" age --help | sed 's/^usage: //')
grep -v '^\.Op Fl n$' man/relay-ctrl-age.8 >"$tmp/dropped.8"
sed 's/^\.Op Fl v$/.Op Fl v\n.Op Fl q/' man/relay-ctrl-age.8 >"$tmp/added.8"
if ! has_synopsis "$tmp/dropped.8" "$usage" && ! has_synopsis "$tmp/added.8" "$usage" &&
    has_synopsis man/relay-ctrl-age.8 "$usage"; then
	pass "the SYNOPSIS check rejects a page missing [-n] and one with an extra [-q]"
else
	fail "the SYNOPSIS check cannot tell a wrong SYNOPSIS from the right one"
fi

# --- what the main page must tell ---------------------------------------------

for s in NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS" EXAMPLES SECURITY "SEE ALSO"; do
	if render man/relayctl.8 | grep -qx "$s"; then
		pass "relayctl.8 has a $s section"
	else
		fail "relayctl.8 has no $s section"
	fi
done
for n in $names; do
	for p in "man/relay-ctrl-$n.8" "man/relayctl-$n.8"; do
		# the full page of an applet is the one with an EXIT STATUS
		render "$p" | grep -qx "EXIT STATUS" || continue
		for s in NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			render "$p" | grep -qx "$s" || fail "$p has no $s section"
		done
		pass "$p has NAME ... SEE ALSO"
		continue 2
	done
	fail "neither relay-ctrl-$n.8 nor relayctl-$n.8 is a full page with EXIT STATUS"
done

env_text=$(section man/relayctl.8 ENVIRONMENT)
while read -r v; do
	if grep -qw -- "$v" <<<"$env_text"; then
		pass "relayctl.8 ENVIRONMENT documents $v"
	else
		fail "relayctl.8 ENVIRONMENT does not document $v, which the code reads"
	fi
done < <(grep -oh 'RELAY_CTRL_[A-Z_]*[A-Z]' relayctl.c lib/*.c applets/*.c | sort -u)
for v in PROTO TCPREMOTEIP IP USER DOMAIN AUTHUSER AUTHARGV0 AUTHENTICATED RELAYCLIENT; do
	grep -qw -- "$v" <<<"$env_text" || fail "relayctl.8 ENVIRONMENT does not mention $v"
done

exit_text=$(section man/relayctl.8 "EXIT STATUS")
for c in 0 100 111 126 127; do
	if grep -qE -- "^$c( |$)" <<<"$exit_text"; then
		pass "relayctl.8 EXIT STATUS explains $c"
	else
		fail "relayctl.8 EXIT STATUS does not explain $c"
	fi
done

sec_text=$(section man/relayctl.8 SECURITY | tr '\n' ' ')
for w in 0700 0777 NAT "Dynamic addresses" "SMTP AUTH"; do
	if grep -qF -- "$w" <<<"$sec_text"; then
		pass "relayctl.8 SECURITY covers \"$w\""
	else
		fail "relayctl.8 SECURITY does not cover \"$w\""
	fi
done

ex_text=$(section man/relayctl.8 EXAMPLES)
for w in "relay-ctrl-chdir tcpserver" "relay-ctrl-check /var/qmail/bin/qmail-smtpd" \
    "/bin/checkpassword relay-ctrl-allow" "pop3front-auth cvm-unix relay-ctrl-allow" \
    'AUTHMODULES="authdaemon relay-ctrl-allow"' \
    "ExecStart=/usr/local/libexec/relayctl/courier-start start imapd" \
    "ExecStart=/usr/local/libexec/relayctl/courier-start start imapd-ssl" \
    "ExecStart=/usr/local/libexec/relayctl/courier-start start pop3d" \
    "ExecStart=/usr/local/libexec/relayctl/courier-start start pop3d-ssl" \
    "DAEMON=/usr/local/libexec/relayctl/courier-start" "DAEMON_ARGS=imapd" \
    "/usr/local/bin/relay-ctrl-chdir /usr/lib/courier/courier/imaplogin /usr/local/libexec/relayctl/courier-imapd Maildir" \
    'exec /usr/local/bin/relayctl allow "$@"' "executable = script-login" \
    "check_policy_service unix:private/relayctl-policy" "reject_unauth_destination" \
    "smtpd_policy_service_default_action = DUNNO" "user=nobody:relayctl argv=/usr/local/bin/relayctl policy" \
    "relayctl-policy_time_limit = 3600" "chmod 0710 /var/spool/relay-ctrl" "executable = imap imap-postlogin"; do
	if grep -qF -- "$w" <<<"$(tr '\n' ' ' <<<"$ex_text" | sed 's/\\ //g; s/  */ /g')"; then
		pass "relayctl.8 EXAMPLES show \"$w\""
	else
		fail "relayctl.8 EXAMPLES do not show \"$w\""
	fi
done

# Courier 5's login programs take exactly two arguments: the wiring that
# put relay-ctrl-allow between imaplogin and imapd (issue 15) fails every
# login, and no page or README may give it again.  The old authlib chain is
# kept, marked as what it is.
for f in README.md man/*.8; do
	if grep -qE 'imaplogin +relay-ctrl-allow|courierpop3login +relay-ctrl-allow' "$f"; then
		fail "$f gives the broken Courier 5 wiring (login program, relay-ctrl-allow, server)"
	else
		pass "$f does not give the broken Courier 5 wiring"
	fi
done
for f in README.md man/relayctl.8 man/relay-ctrl-allow.8; do
	if grep -qF 'Courier-IMAP before 5 / authlib module chain' "$f"; then
		pass "$f marks the AUTHMODULES chain as Courier-IMAP before 5"
	else
		fail "$f does not mark the AUTHMODULES chain as Courier-IMAP before 5"
	fi
done

# The Courier 5 start lines: the same in README.md and both pages (the
# end-to-end suite runs README's).
courier_lines() { grep -E '^ExecStart=/usr/local/libexec/relayctl/courier-start ' "$1" | sort; }
want=$(courier_lines README.md)
for f in man/relayctl.8 man/relay-ctrl-allow.8; do
	if [ "$(grep -c . <<<"$want")" = 4 ] && [ "$(courier_lines "$f")" = "$want" ]; then
		pass "$f gives README.md's four Courier ExecStart= lines"
	else
		fail "$f and README.md differ in the Courier ExecStart= lines" "$(courier_lines "$f")"
	fi
done

# The text that the authors of the Dovecot/Postfix test and of status and
# revoke left for the pages (man/dovecot-postfix.txt, man/status-revoke.txt):
# every line of every literal block in them is in the pages as it is
# (blanks squeezed: mandoc expands tabs).
for note in man/dovecot-postfix.txt:relayctl.8:relayctl-policy.8 \
    man/status-revoke.txt:relayctl-status.8:relayctl-revoke.8; do
	IFS=: read -r txt p1 p2 <<<"$note"
	[ -f "$txt" ] || continue
	shown=$( (render "man/$p1"; render "man/$p2") | tr '\t' ' ' | sed 's/^ *//; s/  */ /g; s/ *$//')
	snippet=$(awk '/^\.Bd -literal/ { on = 1; next } /^\.Ed/ { on = 0 } on' "$txt" |
	    tr '\t' ' ' | sed 's/\\e/\\/g; s/^ *//; s/  */ /g; s/ *$//' | grep -v '^$' | sort -u)
	missing=$(while IFS= read -r line; do
		grep -qxF -- "$line" <<<"$shown" || echo "$line"
	done <<<"$snippet")
	if [ -n "$snippet" ] && [ -z "$missing" ]; then
		pass "every example line of $txt is in $p1 or $p2"
	else
		fail "example lines of $txt missing from $p1 and $p2" "$missing"
	fi
done

# --- README ---------------------------------------------------------------------

# The two set-up commands come before the first heading after the title.
head_part=$(awk 'NR > 1 && /^## / { exit } { print }' README.md 2>/dev/null)
for c in "./install.sh" "make check"; do
	if grep -qxF -- "$c" <<<"$head_part"; then
		pass "README.md starts with \"$c\""
	else
		fail "README.md does not start with the command \"$c\""
	fi
done
for s in qmail mailfront Courier Dovecot Postfix Performance; do
	if grep -q "^## .*$s" README.md 2>/dev/null; then
		pass "README.md has a section for $s"
	else
		fail "README.md has no section for $s"
	fi
done

summary man
