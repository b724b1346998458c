# Black-box cases of issue 13 (hard links, file-size limits, age's own
# names, configuration files), sourced by run.sh: a local user with a mail
# login, a planted file or a resource limit.
# shellcheck shell=bash

# as UID [VAR=value...] -- COMMAND...: run() as that user (0: as we are).
as() {
	local uid=$1 vars=()
	shift
	while [ "$1" != "--" ]; do vars+=("$1"); shift; done
	shift
	if [ "$uid" = "$(id -u)" ]; then
		(cd "$ROOT/work" && env -i "${BASE_ENV[@]}" "${vars[@]}" "$@") 2>"$ERR"
	else
		(cd "$ROOT/work" && env -i "${BASE_ENV[@]}" "${vars[@]}" setpriv \
		    --reuid="$uid" --regid="$uid" --clear-groups "$@") 2>"$ERR"
	fi
	rc=$?
}
# relays UID ADDRESS: does check grant RELAYCLIENT to ADDRESS?
relays() {
	as "$1" "${DIRV[@]}" TCPREMOTEIP="$2" -- "$B/relay-ctrl-check" /usr/bin/env >"$ROOT/out"
	grep -q '^RELAYCLIENT=' "$ROOT/out"
}
mtime() { stat -c %Y "$1"; }
old() { [ $(( $(date +%s) - $(mtime "$1") )) -ge 900 ]; }

users=("$(id -u)")
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	users+=(65534)
	chmod 755 "$ROOT" "$ROOT/work"
fi

# --- allow re-dates only the one record (issue 13, item 1) ---------------------

for uid in "${users[@]}"; do
	clean_spool
	chown "$uid" "$SPOOL"
	t "allow as uid $uid: a hard link to a record is not re-dated by the record's login"
	as "$uid" "${DIRV[@]}" "${A4[@]}" USER=alice -- "$B/relay-ctrl-allow"
	touch -d '-1000 seconds' "$SPOOL/192.0.2.7"
	as "$uid" -- ln "$SPOOL/192.0.2.7" "$SPOOL/203.0.113.66"
	as "$uid" "${DIRV[@]}" "${A4[@]}" USER=alice -- "$B/relay-ctrl-allow"
	expect old "$SPOOL/203.0.113.66"
	t "allow as uid $uid: ... so the linked address gets no RELAYCLIENT"
	expect test "$(relays "$uid" 203.0.113.66 && echo y)" = ""
	t "allow as uid $uid: ... while the address that logged in relays"
	expect relays "$uid" 192.0.2.7

	t "allow as uid $uid: a record linked to a file outside the spool leaves that file alone"
	clean_spool
	chown "$uid" "$SPOOL"
	rm -rf "$ROOT/outside"
	mkdir "$ROOT/outside"
	chown "$uid" "$ROOT/outside"
	printf 'USER=alice\0' >"$ROOT/outside/victim"
	chown "$uid" "$ROOT/outside/victim"
	chmod 644 "$ROOT/outside/victim"
	touch -d '-1000 seconds' "$ROOT/outside/victim"
	as "$uid" -- ln "$ROOT/outside/victim" "$SPOOL/192.0.2.7"
	as "$uid" "${DIRV[@]}" "${A4[@]}" USER=alice -- "$B/relay-ctrl-allow"
	expect test -n "$(old "$ROOT/outside/victim" && echo y)" -a \
	    "$(stat -c %h "$ROOT/outside/victim")" = 1
	t "allow as uid $uid: ... and writes a record of its own that relays"
	expect relays "$uid" 192.0.2.7

	t "allow as uid $uid: an unchanged record with one link is still refreshed in place"
	clean_spool
	chown "$uid" "$SPOOL"
	as "$uid" "${DIRV[@]}" "${A4[@]}" USER=alice -- "$B/relay-ctrl-allow"
	touch -d '-1000 seconds' "$SPOOL/192.0.2.7"
	ino=$(stat -c %i "$SPOOL/192.0.2.7")
	as "$uid" "${DIRV[@]}" "${A4[@]}" USER=alice -- "$B/relay-ctrl-allow"
	expect test "$(stat -c %i "$SPOOL/192.0.2.7")" = "$ino" -a -z "$(old "$SPOOL/192.0.2.7" && echo y)"
done

if [ "${#users[@]}" = 2 ]; then
	t "allow as nobody writes a record nobody owns"
	clean_spool
	chown 65534 "$SPOOL"
	as 65534 "${DIRV[@]}" "${A4[@]}" USER=alice -- "$B/relay-ctrl-allow"
	expect test "$(stat -c %u "$SPOOL/192.0.2.7")" = 65534
	t "allow as root: a record owned by another user is replaced, not re-dated"
	touch -d '-1000 seconds' "$SPOOL/192.0.2.7"
	as 0 "${DIRV[@]}" "${A4[@]}" USER=alice -- "$B/relay-ctrl-allow"
	expect test "$(stat -c %u "$SPOOL/192.0.2.7")" = 0 -a -z "$(old "$SPOOL/192.0.2.7" && echo y)"
else
	echo "SKIP: allow as root and as nobody (needs root and setpriv)"
fi
clean_spool

# --- allow under a file-size limit (issue 13, item 3) ---------------------------

# limited BYTES [VAR=value...]: allow under RLIMIT_FSIZE=BYTES, its next
# program printing its ignored signals and exiting 7; stdout and stderr
# reach $ROOT/out through a pipe, which the limit does not cover.
limited() {
	local bytes=$1
	shift
	(cd "$ROOT/work" && env -i "${BASE_ENV[@]}" "${DIRV[@]}" "${A4[@]}" "$@" \
	    prlimit --fsize="$bytes" "$B/relay-ctrl-allow" \
	    /bin/sh -c 'grep "^SigIgn:" /proc/self/status; exit 7') 2>&1 | cat >"$ROOT/out"
	rc=${PIPESTATUS[0]}
}
# Is SIGXFSZ (25) ignored in the next program?
xfsz_ignored() {
	local mask
	mask=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$ROOT/out")
	[ $(( 0x$mask & 0x1000000 )) != 0 ]
}
tmp_left() { spool_list | grep -q '^\.'; }
long_user=$(printf 'u%.0s' $(seq 255))
long_domain=$(printf 'd%.0s' $(seq 255))

t "allow under ulimit -f 0 (no byte may be written): the next program runs, exit 7"
clean_spool
limited 0 USER=alice
expect test "$rc" = 7
t "allow under ulimit -f 0: one warning, File too large, continuing without relay"
expect grep -qE "${MSG_PREFIX}warning: cannot write record for 192\.0\.2\.7 in .+ \(RELAY_CTRL_DIR\): File too large; continuing without relay" "$ROOT/out"
t "allow under ulimit -f 0: no record and no temporary file left"
expect test "$(spool_entries)" = 0
t "allow under ulimit -f 0: the next program gets SIGXFSZ as allow got it (default)"
expect test -z "$(xfsz_ignored && echo y)" -a -n "$(grep SigIgn "$ROOT/out")"
t "allow under ulimit -f 0 with SIGXFSZ already ignored: still ignored in the next program"
(trap '' XFSZ; limited 0 USER=alice; echo "$rc" >"$ROOT/rc")
expect test "$(cat "$ROOT/rc")" = 7 -a -n "$(xfsz_ignored && echo y)"
t "allow under ulimit -f 0 with stderr a regular file: the next program still runs"
clean_spool
(cd "$ROOT/work" && env -i "${BASE_ENV[@]}" "${DIRV[@]}" "${A4[@]}" USER=alice \
    prlimit --fsize=0 "$B/relay-ctrl-allow" /bin/sh -c 'exit 7') 2>"$ERR" | cat
expect test "${PIPESTATUS[0]}" = 7 -a "$(spool_entries)" = 0

t "allow under a 1-block limit (512 bytes) and a 524-byte record: the next program runs"
clean_spool
limited 512 USER="$long_user" DOMAIN="$long_domain"
expect test "$rc" = 7
t "allow under a 1-block limit: File too large, nothing left in the spool"
expect test -n "$(grep 'File too large; continuing without relay' "$ROOT/out")" -a "$(spool_entries)" = 0
t "allow under a 1-block limit: a record that fits is written"
limited 512 USER=alice
expect test "$rc" = 7 -a -z "$(grep warning "$ROOT/out")" -a "$(spool_entries)" = 1
t "allow under a 1-block limit: ... and no temporary file"
expect test -z "$(tmp_left && echo y)"
clean_spool

# --- messages name the variable read (issue 13, item 7) -------------------------

for n in allow check; do
	t "$n: a bad \$TCP6REMOTEIP is named TCP6REMOTEIP in the warning"
	run "${DIRV[@]}" PROTO=TCP6 TCP6REMOTEIP=../x -- "$B/relay-ctrl-$n" "$RECORDER" "$REC" 0
	expect test "$rc" = 0 -a -n "$(grep -F 'client address TCP6REMOTEIP=../x is not usable' "$ERR")"
	t "$n: a bad \$SSLREMOTEIP is named SSLREMOTEIP"
	run "${DIRV[@]}" PROTO=SSL SSLREMOTEIP=x TCPREMOTEIP=192.0.2.7 -- "$B/relay-ctrl-$n" "$RECORDER" "$REC" 0
	expect test "$rc" = 0 -a -n "$(grep -F 'client address SSLREMOTEIP=x is not usable' "$ERR")"
done

# --- the config directory reads as envdir(8) does (issue 13, item 7) ------------

# What check exports as RELAYCLIENT, from RELAY_CTRL_RELAYCLIENT in the
# config directory holding printf FORMAT, against what envdir sets.
t "config directory: values read as envdir reads them (NUL, blanks, first line)"
clean_spool
fresh_record 192.0.2.7 'USER=alice\0'
echo "$SPOOL" >"$ROOT/conf/RELAY_CTRL_DIR"
differ=
# shellcheck disable=SC2059 # each $f is a printf format on purpose (\0, \t, \n)
for f in 'a\0b  \n' 'x \0 \t\nsecond' 'trail \t ' '\0\0' ' lead' 'a\tb\t\n' '\n'; do
	printf "$f" >"$ROOT/conf/RELAY_CTRL_RELAYCLIENT"
	run "${A4[@]}" -- "$B/relay-ctrl-check" /usr/bin/printenv RELAYCLIENT >"$ROOT/out"
	ours=$(od -An -tx1 <"$ROOT/out")
	theirs=$(envdir "$ROOT/conf" printenv RELAY_CTRL_RELAYCLIENT | od -An -tx1)
	[ "$ours" = "$theirs" ] || differ="$differ '$f': ours$ours, envdir's$theirs;"
done
rm -f "$ROOT/conf/RELAY_CTRL_DIR" "$ROOT/conf/RELAY_CTRL_RELAYCLIENT"
expect test -z "$differ"

# --- policy: the line limit counts without the CR it cuts (issue 13, item 7) ----

# policy_answer: the policy server's answer to stdin, against the spool.
policy_answer() {
	env -i "${BASE_ENV[@]}" "${DIRV[@]}" RELAY_CTRL_LOG=none \
	    timeout 10 "$B/relayctl" policy | od -An -c | tr -s ' \n' ' '
}
attr1024=helo_name=$(printf 'x%.0s' $(seq 1014))	# 1024 bytes
clean_spool
fresh_record 192.0.2.7 'USER=alice\0'
ok_answer=$(printf 'action=OK\n\n' | od -An -c | tr -s ' \n' ' ')
t "policy: a 1024-byte attribute followed by CR LF is answered"
got=$(printf '%s\r\nclient_address=192.0.2.7\r\n\r\n' "$attr1024" | policy_answer)
expect test "$got" = "$ok_answer"
t "policy: ... also when its LF comes in a later read than its CR"
got=$({ printf 'client_address=192.0.2.7\r\n%s\r' "$attr1024"; sleep 0.3; printf '\n\r\n'; } | policy_answer)
expect test "$got" = "$ok_answer"
t "policy: a 1025-byte attribute followed by CR LF is too long: no answer"
got=$(printf '%sx\r\nclient_address=192.0.2.7\r\n\r\n' "$attr1024" | policy_answer)
expect test -z "$got"
t "policy: ... and 1024 bytes and a byte other than CR, waiting for more, too"
got=$({ printf 'client_address=192.0.2.7\r\n%sx' "$attr1024"; sleep 0.3; printf '\n\n'; } | policy_answer)
expect test -z "$got"
clean_spool

# --- temporary names, and age removes only its own (issue 13, items 5 and 7) ----

t "age removes stale temporary files of its own patterns only"
clean_spool
for n in .allow.123.mail-1.192.0.2.5 .age.125.mail-1.2001:db8::7 \
    .allow.124.192.0.2.6 .age.126.2001:db8::6 .allow.junk .age.x \
    .allow.1.not-an-address .allow.1.h_x.192.0.2.7 .age.1.h.2001:DB8::7 \
    .allow.1.a.b.192.0.2.7 .allow.x.h.192.0.2.7 .allow..h.192.0.2.7; do
	fresh_record "$n" 'USER=e\0' '-1000 seconds'
done
fresh_record .allow.127.mail-1.192.0.2.8 'USER=e\0'
run "${DIRV[@]}" -- "$B/relay-ctrl-age" -n >"$ROOT/out"
expect test "$(sort "$ROOT/out" | tr '\n' ' ')" = ".age.125.mail-1.2001:db8::7 .age.126.2001:db8::6 .allow.123.mail-1.192.0.2.5 .allow.124.192.0.2.6 "
t "age: ... and removes exactly what -n listed"
run "${DIRV[@]}" -- "$B/relay-ctrl-age" -v >"$ROOT/out2"
expect test "$(spool_list | tr '\n' ' ')" = ".age.1.h.2001:DB8::7 .age.x .allow..h.192.0.2.7 .allow.1.a.b.192.0.2.7 .allow.1.h_x.192.0.2.7 .allow.1.not-an-address .allow.127.mail-1.192.0.2.8 .allow.junk .allow.x.h.192.0.2.7 " -a -n "$(grep -x 'removed 0 stale records and 4 stale temporary files' "$ROOT/out2")"
clean_spool

if [ "$(id -u)" = 0 ] && command -v strace >/dev/null && unshare -u true 2>/dev/null; then
	t "allow's temporary name is .allow.PID.HOST.ADDRESS, HOST cut to [A-Za-z0-9-]"
	# shellcheck disable=SC2016 # $0 and $@ are the child sh's
	run "${DIRV[@]}" "${A4[@]}" USER=alice -- unshare -u /bin/sh -c \
	    'printf %s "mail_1.example.com" >/proc/sys/kernel/hostname; exec strace -qq -e trace=openat -o "$0" "$@"' \
	    "$ROOT/trace" "$B/relay-ctrl-allow"
	expect grep -qE '"\.allow\.[0-9]+\.mail-1-example-com\.192\.0\.2\.7", O_WRONLY\|O_CREAT\|O_EXCL' "$ROOT/trace"
	# a login holding the spool's shared lock: age waits for it a second,
	# then sets records aside instead of removing them under its own lock
	t "age, while a login holds the lock, sets a record aside as .age.PID.HOST.ADDRESS"
	touch -d '-1000 seconds' "$SPOOL/192.0.2.7"
	# shellcheck disable=SC2016 # $0 and $@ are the child sh's
	run "${DIRV[@]}" -- flock -s "$SPOOL" unshare -u /bin/sh -c \
	    'printf %s "mail 2" >/proc/sys/kernel/hostname; exec strace -qq -e trace=renameat,renameat2,rename -o "$0" "$@"' \
	    "$ROOT/trace" "$B/relay-ctrl-age"
	expect test -n "$(grep -E '"192\.0\.2\.7", [0-9]+, "\.age\.[0-9]+\.mail-2\.192\.0\.2\.7"' "$ROOT/trace")" -a "$(spool_entries)" = 0
else
	echo "SKIP: temporary names under a host name of our own (needs root, strace, unshare -u)"
fi
clean_spool
