#!/bin/bash
# POP-before-SMTP end to end: real tcpserver (ucspi-tcp and ucspi-tcp-ipv6),
# mailfront and cvm on loopback ports prove that a POP3 login opens the SMTP
# relay and that nothing else does; see relayctl(8).  Run by
# tests/suites/50-e2e-tcpserver.sh (make check, make e2e).
#
# The outer run fetches ucspi-tcp-ipv6 (it conflicts with ucspi-tcp, so it is
# unpacked, not installed) and starts the inner run under a watchdog, inside
# a private network namespace when root.  The inner run starts the servers,
# plays the cases and stops every server it started, by pid.
set -u
SUITE=e2e-tcpserver
WATCHDOG=180
cd "$(dirname "$0")/../.." || exit 111
ROOT=$PWD
# shellcheck source=tests/e2e/verdict.sh
. "$ROOT/tests/e2e/verdict.sh"
# shellcheck source=tests/e2e/debs.sh
. "$ROOT/tests/e2e/debs.sh"

# --- outer run ---------------------------------------------------------------

# Prints the path of ucspi-tcp-ipv6's tcpserver, unpacked under build/debs.
fetch_tcpserver6() {
	local tree
	tree=$(debs_unpack ucspi-tcp-ipv6 ucspi-tcp-ipv6) || return 1
	[ -x "$tree/usr/bin/tcpserver" ] && echo "$tree/usr/bin/tcpserver"
}

missing_tools() {
	local t out=
	for t in tcpserver envdir pop3front-auth pop3front-maildir \
	    smtpfront-qmail cvm-pwfile python3 dpkg-deb pgrep timeout; do
		PATH=$PATH:/usr/sbin command -v "$t" >/dev/null || out="$out $t"
	done
	echo "${out# }"
}

outer() {
	local tcpserver6 missing start left out rc p f ns=()

	[ -x relayctl ] || make --no-print-directory -s relayctl >&2 || {
		echo "FAIL build: make relayctl failed"
		echo "$SUITE: 0 passed, 1 failed"
		exit 1
	}
	# Run alone (not by make check or make e2e), deps.sh has not been run.
	missing=$(missing_tools)
	if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
		sh tests/deps.sh >&2
		missing=$(missing_tools)
	fi
	# The watchdog's clock starts once the packages are in; fetching
	# ucspi-tcp-ipv6 takes at most three minutes of it (tests/e2e/debs.sh).
	start=$SECONDS
	tcpserver6=$(fetch_tcpserver6) || tcpserver6=
	if [ "$(id -u)" = 0 ]; then
		if unshare -n true 2>/dev/null; then
			ns=(unshare -n)
		else
			echo "note: unshare -n is not permitted here; the" \
			    "servers listen on the host's loopback only"
		fi
	fi
	left=$((WATCHDOG - (SECONDS - start)))
	[ "$left" -ge 30 ] || left=30
	out=$(mktemp) || exit 111
	# timeout signals its whole process group: the servers and their
	# children go with the run when the watchdog fires.
	E2E_INNER=1 E2E_NETNS=${#ns[@]} E2E_TCPSERVER6=$tcpserver6 \
	    E2E_MISSING=$missing \
	    timeout -k 5 "$left" "${ns[@]}" bash "$ROOT/tests/e2e/run.sh" 2>&1 |
	    tee "$out"
	rc=${PIPESTATUS[0]}
	e2e_verdict "$SUITE" "$WATCHDOG" "$out" "$rc"
	rc=$?
	rm -f "$out"
	exit "$rc"
}

[ "${E2E_INNER:-}" = 1 ] || outer

# --- inner run: helpers ------------------------------------------------------

CLIENT=$ROOT/tests/e2e/client.py
TCPSERVER4=/usr/bin/tcpserver
TCPSERVER6=${E2E_TCPSERVER6:-}
ME=$(id -u)
npass=0
nfail=0
declare -A PID PORT

pass() { echo "PASS $1"; npass=$((npass + 1)); }
fail() { echo "FAIL $1"; nfail=$((nfail + 1)); }

# A case collects every broken expectation, then prints one line.
begin() { case_name=$1; why=; }
miss() { why="$why; $1"; }
expect() {	# DESCRIPTION GOT WANT-PATTERN
	# shellcheck disable=SC2053
	[[ $2 == $3 ]] || miss "$1: got '$2', want '$3'"
}
end() {
	if [ -z "$why" ]; then
		pass "$case_name"
	else
		fail "$case_name: ${why#; }"
	fi
}

# A uid and gid no account or group uses, from $1 up.
free_id() {
	local id=$1
	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null
	do
		id=$((id + 1))
	done
	echo "$id"
}

# As root the spool parent is 0700 and the mail uids differ from root, so
# allow and check can only get in through chdir's descriptor.  Otherwise the
# parent is closed (0000) while the servers run, which the owner cannot pass
# by name either; admin commands open it for their own run.
lock_spool() { [ "$ME" = 0 ] || chmod 0000 "$T/spool"; }
unlock_spool() { [ "$ME" = 0 ] || chmod 0700 "$T/spool"; }

# An admin's command: the spool by name, never /etc/relay-ctrl.
admin() {
	local rc
	unlock_spool
	env -i PATH="$BIN:/usr/bin:/bin" RELAY_CTRL_CONFIG="$T/noconfig" \
	    RELAY_CTRL_DIR="$T/spool/allow" "$@"
	rc=$?
	lock_spool
	return "$rc"
}
# shellcheck disable=SC2016 # expanded by the inner sh, in admin's environment
in_spool() { admin sh -c 'cd "$RELAY_CTRL_DIR" && "$@"' in_spool "$@"; }
record_exists() { in_spool test -f "$1"; }
spool_listing() { in_spool ls -A; }

# serve NAME ETC TCPSERVER HOST [-OPTION | VAR=VALUE]... -- PROGRAM...
# Starts "envdir ETC relay-ctrl-chdir TCPSERVER ... HOST 0 PROGRAM..." on a
# free port in a wiped environment and waits (bounded) for its port.
serve() {
	local name=$1 etc=$2 tcpserver=$3 host=$4 port i=0
	local envs=() opts=()
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		-*) opts+=("$1") ;;
		*) envs+=("$1") ;;
		esac
		shift
	done
	shift
	if [ ! -x "$tcpserver" ]; then
		fail "start $name: no tcpserver at '$tcpserver'"
		return 1
	fi
	# -R -H -l: no ident and no DNS lookups, which would leave the host.
	env -i PATH="$BIN:/usr/sbin:/usr/bin:/bin" \
	    RELAY_CTRL_CONFIG="$T/noconfig" TIMEOUT=30 "${envs[@]}" \
	    envdir "$etc" relay-ctrl-chdir "$tcpserver" -1 -R -H \
	    -l "$name.test" "${opts[@]}" "$host" 0 "$@" \
	    >"$T/$name.port" 2>"$T/$name.log" </dev/null &
	PID[$name]=$!
	while [ $i -lt 100 ]; do
		port=$(head -n 1 "$T/$name.port" 2>/dev/null)
		case $port in
		[1-9]*) PORT[$name]=$port; return 0 ;;
		esac
		kill -0 "${PID[$name]}" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	fail "start $name: tcpserver on $host gave no port: $(tail -n 3 \
	    "$T/$name.log" | tr '\n' ' ')"
	PORT[$name]=1
	return 1
}

# Stops every server by pid, and the connections they still serve.
stop_servers() {
	local n p kids=() all=() left=() i=0
	for n in "${!PID[@]}"; do
		p=${PID[$n]}
		# shellcheck disable=SC2207
		kids+=($(pgrep -P "$p"))
		all+=("$p")
	done
	all+=("${kids[@]}")
	[ ${#all[@]} -gt 0 ] && kill "${all[@]}" 2>/dev/null
	while [ $i -lt 50 ]; do
		left=()
		for p in "${all[@]}"; do
			kill -0 "$p" 2>/dev/null && left+=("$p")
		done
		[ ${#left[@]} -eq 0 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	PID=()
	if [ ${#left[@]} -gt 0 ]; then
		kill -KILL "${left[@]}" 2>/dev/null
		return 1
	fi
	return 0
}

# E2E_KEEP=1 keeps the spool, the queue and the logs for a look.
cleanup() {
	stop_servers
	[ -n "${T:-}" ] && [ -d "$T" ] || return
	unlock_spool
	if [ "${E2E_KEEP:-}" = 1 ]; then
		echo "kept $T"
	else
		rm -rf "$T"
	fi
}

# The clients: every step has client.py's timeout; "error" when the
# conversation broke.
rcpt() {	# SRC SERVER MAILFROM RCPT -> the RCPT reply code
	python3 "$CLIENT" smtp "$1" "$(host_of "$2")" "${PORT[$2]}" "$3" "$4" \
	    2>>"$T/client.log" || echo error
}
send() {	# SRC SERVER MAILFROM RCPT -> the final reply code
	python3 "$CLIENT" smtpsend "$1" "$(host_of "$2")" "${PORT[$2]}" "$3" \
	    "$4" 2>>"$T/client.log" || echo error
}
pop3() {	# SRC SERVER USER PASS -> ok, fail or error
	python3 "$CLIENT" pop3 "$1" "$(host_of "$2")" "${PORT[$2]}" "$3" "$4" \
	    2>>"$T/client.log" || echo error
}
# The servers named pop6 and smtp6 listen on ::1, all others on 127.0.0.1.
host_of() { case $1 in pop6 | smtp6) echo ::1 ;; *) echo 127.0.0.1 ;; esac; }

# The file the fake queue made for the message from MAILFROM, or nothing.
queued() {
	local f
	for f in "$T"/queue/*.envelope; do
		if [ -f "$f" ] && grep -qa "^F$1" "$f"; then
			echo "${f%.envelope}"
			return
		fi
	done
}

dump_logs() {
	local f
	for f in "$T"/*.log; do
		[ -s "$f" ] || continue
		echo "--- ${f##*/} (last 15 lines)"
		tail -n 15 "$f" | sed 's/^/  /'
	done
}

# --- inner run: the world ----------------------------------------------------

trap cleanup EXIT
trap 'exit 143' TERM INT HUP
[ -z "${E2E_MISSING:-}" ] ||
    fail "tools: $E2E_MISSING not installed (tests/deps.sh installs them)"
[ "${E2E_NETNS:-0}" = 0 ] || ip link set lo up || fail "ip link set lo up"

T=$(mktemp -d /tmp/relayctl-e2e.XXXXXX) || exit 111
# The mail uids walk through $T; the checkout may sit under /root.
chmod 0755 "$T"
BIN=$T/bin
mkdir -p "$BIN" "$T/noconfig" "$T/spool/allow" "$T/home/Maildir/new" \
    "$T/home/Maildir/cur" "$T/home/Maildir/tmp" "$T/qmail/control" \
    "$T/queue" "$T/etc" "$T/etc-short" "$T/etc-broken"
cp relayctl "$BIN/relayctl" && chmod 0755 "$BIN/relayctl"
for a in chdir allow check age; do
	ln -s relayctl "$BIN/relay-ctrl-$a"
done
cp tests/e2e/fake-qmail-queue.sh "$BIN/fake-qmail-queue"
chmod 0755 "$BIN/fake-qmail-queue"

if [ "$ME" = 0 ]; then
	POP_UID=$(free_id 41234)
	SMTP_UID=$(free_id $((POP_UID + 1)))
else
	POP_UID=$ME
	SMTP_UID=$ME
fi
POP_GID=$POP_UID
SMTP_GID=$SMTP_UID
[ "$ME" = 0 ] || POP_GID=$(id -g)
[ "$ME" = 0 ] || SMTP_GID=$(id -g)

echo "alice:secret:$POP_UID:$POP_GID:Alice:$T/home:/bin/false" > "$T/passwd"
chmod 0600 "$T/passwd"
printf 'Subject: waiting\n\nfor alice\n' > "$T/home/Maildir/new/1.test"
chown -R "$POP_UID:$POP_GID" "$T/home"
echo local.test > "$T/qmail/control/rcpthosts"
chown "$SMTP_UID:$SMTP_GID" "$T/queue"

chmod 0700 "$T/spool"
chmod 0777 "$T/spool/allow"
echo "$T/spool/allow" > "$T/etc/RELAY_CTRL_DIR"
echo 1 > "$T/etc/RELAY_CTRL_LOG_IPS"
cp "$T/etc/"* "$T/etc-short/"
echo 4 > "$T/etc-short/RELAY_CTRL_EXPIRY"
echo "$T/missing" > "$T/etc-broken/RELAY_CTRL_DIR"

# cvm-pwfile knows no domains; a virtual-domain CVM would set DOMAIN for
# allow, here the POP3 server's environment does.  The SMTP side starts
# without USER and DOMAIN: only check can give them.
pop_env=(CVM_PWFILE_PATH="$T/passwd" DOMAIN=example.test)
pop_cmd=(pop3front-auth cvm-pwfile relay-ctrl-allow pop3front-maildir Maildir)
smtp_env=(QMAILHOME="$T/qmail" QMAILQUEUE="$BIN/fake-qmail-queue")
smtp_opts=()
[ "$ME" = 0 ] && smtp_opts=(-u"$SMTP_UID" -g"$SMTP_GID")
smtp_cmd=(relay-ctrl-check smtpfront-qmail)

serve pop "$T/etc" "$TCPSERVER4" 127.0.0.1 "${pop_env[@]}" -- "${pop_cmd[@]}"
serve smtp "$T/etc" "$TCPSERVER4" 127.0.0.1 "${smtp_env[@]}" \
    "${smtp_opts[@]}" -- "${smtp_cmd[@]}"
serve smtpshort "$T/etc-short" "$TCPSERVER4" 127.0.0.1 "${smtp_env[@]}" \
    "${smtp_opts[@]}" -- "${smtp_cmd[@]}"
serve popbroken "$T/etc-broken" "$TCPSERVER4" 127.0.0.1 "${pop_env[@]}" \
    -- "${pop_cmd[@]}"
serve smtpbroken "$T/etc-broken" "$TCPSERVER4" 127.0.0.1 "${smtp_env[@]}" \
    "${smtp_opts[@]}" -- "${smtp_cmd[@]}"
# ucspi-tcp-ipv6: on ::1, and with -6 on 127.0.0.1 (TCPREMOTEIP=::ffff:...).
if [ -z "$TCPSERVER6" ]; then
	fail "ucspi-tcp-ipv6: could not be fetched; the IPv6 cases fail"
fi
serve pop6 "$T/etc" "$TCPSERVER6" ::1 "${pop_env[@]}" -- "${pop_cmd[@]}"
serve smtp6 "$T/etc" "$TCPSERVER6" ::1 "${smtp_env[@]}" "${smtp_opts[@]}" \
    -- "${smtp_cmd[@]}"
serve popmapped "$T/etc" "$TCPSERVER6" 127.0.0.1 "${pop_env[@]}" -6 \
    -- "${pop_cmd[@]}"
lock_spool

# --- inner run: the cases ----------------------------------------------------

begin "relay refused before login"
expect "local recipient from 127.0.0.2" \
    "$(rcpt 127.0.0.2 smtp before@example.test bob@local.test)" 250
expect "foreign recipient from 127.0.0.2" \
    "$(rcpt 127.0.0.2 smtp before@example.test bob@foreign.test)" '5[0-9][0-9]'
end

begin "wrong password creates nothing"
before=$(spool_listing)
expect "POP3 login with a wrong password" \
    "$(pop3 127.0.0.4 pop alice wrong)" fail
expect "spool after the failed login" "$(spool_listing)" "$before"
expect "foreign recipient from 127.0.0.4" \
    "$(rcpt 127.0.0.4 smtp wrong@example.test bob@foreign.test)" '5[0-9][0-9]'
end

begin "POP3 login creates the record"
expect "POP3 login from 127.0.0.2" "$(pop3 127.0.0.2 pop alice secret)" ok
if record_exists 127.0.0.2; then
	r=$T/spool/allow/127.0.0.2
	unlock_spool
	expect "record mode" "$(stat -c %a "$r")" 644
	expect "record owner (the POP3 user)" "$(stat -c %u "$r")" "$POP_UID"
	printf 'USER=alice\0DOMAIN=example.test\0' | cmp -s - "$r" ||
	    miss "record content: got '$(tr '\0' ' ' < "$r")'"
	lock_spool
else
	miss "no record 127.0.0.2 in the spool: $(spool_listing | tr '\n' ' ')"
fi
expect "temporary files left" "$(spool_listing | grep '^\.')" ''
end

begin "relay accepted after login, message reaches the queue"
expect "DATA to a foreign recipient from 127.0.0.2" \
    "$(send 127.0.0.2 smtp after@example.test bob@foreign.test)" 250
q=$(queued after@example.test)
if [ -n "$q" ]; then
	grep -qa "Tbob@foreign.test" "$q.envelope" ||
	    miss "envelope has no foreign recipient"
	grep -q '^hello' "$q.body" || miss "body did not arrive"
else
	miss "nothing from after@example.test in the queue"
fi
end

begin "USER and DOMAIN reach the SMTP server's environment"
if [ -n "$q" ]; then
	expect "RELAYCLIENT" "$(grep '^RELAYCLIENT' "$q.env")" "RELAYCLIENT="
	expect "USER" "$(grep '^USER' "$q.env")" "USER=alice"
	expect "DOMAIN" "$(grep '^DOMAIN' "$q.env")" "DOMAIN=example.test"
else
	miss "no queued message to look at"
fi
end

begin "another address is still refused"
expect "foreign recipient from 127.0.0.3" \
    "$(rcpt 127.0.0.3 smtp other@example.test bob@foreign.test)" '5[0-9][0-9]'
expect "local recipient from 127.0.0.3" \
    "$(rcpt 127.0.0.3 smtp other@example.test bob@local.test)" 250
expect "record for 127.0.0.3" "$(record_exists 127.0.0.3 && echo yes)" ''
end

begin "IPv6 client on ::1 logs in and relays"
expect "foreign recipient from ::1 before login" \
    "$(rcpt ::1 smtp6 v6@example.test bob@foreign.test)" '5[0-9][0-9]'
expect "POP3 login from ::1" "$(pop3 ::1 pop6 alice secret)" ok
expect "record ::1" "$(record_exists ::1 && echo yes)" yes
expect "DATA to a foreign recipient from ::1" \
    "$(send ::1 smtp6 v6after@example.test bob@foreign.test)" 250
q=$(queued v6after@example.test)
expect "queued from ::1 with USER" \
    "$([ -n "$q" ] && grep '^USER' "$q.env")" USER=alice
end

begin "IPv4 client through tcpserver -6 logs in, relays on IPv4 SMTP"
expect "foreign recipient from 127.0.0.6 before login" \
    "$(rcpt 127.0.0.6 smtp mapped@example.test bob@foreign.test)" '5[0-9][0-9]'
expect "POP3 login from 127.0.0.6 (::ffff:127.0.0.6)" \
    "$(pop3 127.0.0.6 popmapped alice secret)" ok
expect "record 127.0.0.6" "$(record_exists 127.0.0.6 && echo yes)" yes
expect "records named ::ffff:..." "$(spool_listing | grep -i ffff)" ''
expect "foreign recipient from 127.0.0.6 after login" \
    "$(rcpt 127.0.0.6 smtp mapped@example.test bob@foreign.test)" 250
end

begin "a broken spool never breaks mail"
expect "POP3 login from 127.0.0.7 with a missing spool" \
    "$(pop3 127.0.0.7 popbroken alice secret)" ok
expect "allow's warning" \
    "$(grep -c 'relay-ctrl-allow.*warning' "$T/popbroken.log")" '[1-9]*'
expect "local recipient from 127.0.0.7 with a missing spool" \
    "$(rcpt 127.0.0.7 smtpbroken broken@example.test bob@local.test)" 250
expect "foreign recipient from 127.0.0.7 with a missing spool" \
    "$(rcpt 127.0.0.7 smtpbroken broken@example.test bob@foreign.test)" \
    '5[0-9][0-9]'
expect "record 127.0.0.7" "$(record_exists 127.0.0.7 && echo yes)" ''
end

begin "relayctl status shows the logged-in addresses"
st=$(admin relayctl status 2>&1)
for a in 127.0.0.2 ::1 127.0.0.6; do
	grep -qE "(^|[[:space:]])$a([[:space:]]|\$)" <<<"$st" ||
	    miss "$a not listed"
done
for a in 127.0.0.3 127.0.0.4 127.0.0.7; do
	grep -qE "(^|[[:space:]])$a([[:space:]]|\$)" <<<"$st" &&
	    miss "$a listed"
done
grep -qw alice <<<"$st" || miss "user alice not shown"
admin relayctl status 127.0.0.2 ::1 >/dev/null 2>&1
expect "exit status for logged-in addresses" "$?" 0
admin relayctl status 127.0.0.3 >/dev/null 2>&1
expect "exit status for 127.0.0.3" "$?" 1
[ -z "$why" ] || miss "status printed: $(head -n 5 <<<"$st" | tr '\n' '|')"
end

begin "a short RELAY_CTRL_EXPIRY closes the relay again, age removes the record"
expect "POP3 login from 127.0.0.5" "$(pop3 127.0.0.5 pop alice secret)" ok
login=$SECONDS
expect "foreign recipient from 127.0.0.5, expiry 4s, just after login" \
    "$(rcpt 127.0.0.5 smtpshort short@example.test bob@foreign.test)" 250
# Stale once a whole expiry has passed since the record's second.
sleep 5.5
expect "foreign recipient from 127.0.0.5, expiry 4s, 5.5s later" \
    "$(rcpt 127.0.0.5 smtpshort short@example.test bob@foreign.test)" \
    '5[0-9][0-9]'
expect "foreign recipient from 127.0.0.5, default expiry, 5.5s later" \
    "$(rcpt 127.0.0.5 smtp short@example.test bob@foreign.test)" 250
out=$(admin relay-ctrl-age -v 2>&1)
expect "record 127.0.0.5 after age with the default expiry" \
    "$(record_exists 127.0.0.5 && echo yes)" yes
out=$(admin env RELAY_CTRL_EXPIRY=4 relay-ctrl-age -v 2>&1)
expect "record 127.0.0.5 after age with expiry 4s" \
    "$(record_exists 127.0.0.5 && echo yes)" ''
[ $((SECONDS - login)) -lt 30 ] || miss "took $((SECONDS - login))s"
[ -z "$why" ] || miss "age said: $(tr '\n' ' ' <<<"$out")"
end

begin "every server stops, nothing is left running"
stop_servers || miss "some processes needed SIGKILL"
end

[ "$nfail" -eq 0 ] || dump_logs
echo "$SUITE: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
