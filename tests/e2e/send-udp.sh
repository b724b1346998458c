#!/bin/bash
# POP on one host, SMTP on another, end to end: host A (this run's network
# namespace) and host B (a second one) joined by a veth pair with
# 192.0.2.0/24 and 2001:db8::/64; each has its own spool.  A real POP3
# login on A (tcpserver, pop3front-auth, cvm-pwfile, relay-ctrl-allow
# relay-ctrl-send) must let the client relay through B's relay-ctrl-check
# within a second, over IPv4 and IPv6; forged, unsigned, replayed,
# future-dated and stale datagrams grant nothing; a remote that never
# answers delays neither the login nor the client's disconnect.  See
# relay-ctrl-send(8), relay-ctrl-udp(8).  Run by
# tests/suites/64-e2e-send-udp.sh.
set -u
SUITE=e2e-send-udp
WATCHDOG=150
cd "$(dirname "$0")/../.." || exit 111
ROOT=$PWD
# shellcheck source=tests/e2e/verdict.sh
. "$ROOT/tests/e2e/verdict.sh"

# --- outer run ---------------------------------------------------------------

# ucspi-tcp-ipv6's tcpserver, unpacked under build/ as tests/e2e/run.sh
# does (it conflicts with ucspi-tcp, so it is never installed).
# The first existing file of those given (a glob's matches), or nothing.
first_file() { [ -e "$1" ] && printf '%s\n' "$1"; }

tcpserver6() {
	local dir=$ROOT/build/ucspi-tcp-ipv6 cache=$ROOT/build/e2e-cache deb
	if [ ! -x "$dir/usr/bin/tcpserver" ]; then
		mkdir -p "$cache" || return 1
		deb=$(first_file "$cache"/ucspi-tcp-ipv6_*.deb)
		if [ -z "$deb" ]; then
			(cd "$cache" && timeout 60 apt-get download -q \
			    ucspi-tcp-ipv6) >"$cache/apt-send-udp.log" 2>&1
			deb=$(first_file "$cache"/ucspi-tcp-ipv6_*.deb)
		fi
		[ -n "$deb" ] || return 1
		rm -rf "$dir.$$"
		dpkg-deb -x "$deb" "$dir.$$" || return 1
		mv -T "$dir.$$" "$dir" 2>/dev/null || rm -rf "$dir.$$"
	fi
	echo "$dir/usr/bin/tcpserver"
}

outer() {
	local out rc t6 tool missing=

	[ -x relayctl ] || make --no-print-directory -s relayctl >&2
	for tool in tcpserver envdir pop3front-auth pop3front-maildir \
	    smtpfront-qmail cvm-pwfile python3 nsenter unshare ip timeout; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null ||
		    missing="$missing $tool"
	done
	# Two hosts need two network namespaces, which need root.
	if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
		echo "FAIL namespaces: this suite needs root and unshare -n"
		echo "$SUITE: 0 passed, 1 failed"
		exit 1
	fi
	t6=$(tcpserver6) || t6=
	out=$(mktemp) || exit 111
	E2E_INNER=1 E2E_TCPSERVER6=$t6 E2E_MISSING=${missing# } \
	    timeout -k 5 "$WATCHDOG" unshare -n bash "$ROOT/tests/e2e/send-udp.sh" \
	    2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	e2e_verdict "$SUITE" "$WATCHDOG" "$out" "$rc"
	rc=$?
	rm -f "$out"
	exit "$rc"
}

[ "${E2E_INNER:-}" = 1 ] || outer

# --- inner run: helpers ------------------------------------------------------

PATH=$PATH:/usr/sbin:/sbin
CLIENT=$ROOT/tests/e2e/client.py
TOOL=$ROOT/tests/e2e/udptool.py
TCPSERVER4=/usr/bin/tcpserver
TCPSERVER6=${E2E_TCPSERVER6:-}
npass=0
nfail=0
PB=
declare -A PID PORT

pass() { echo "PASS $1"; npass=$((npass + 1)); }
fail() { echo "FAIL $1"; nfail=$((nfail + 1)); }
begin() { case_name=$1; why=; }
miss() { why="$why; $1"; }
expect() {	# DESCRIPTION GOT WANT-PATTERN
	# shellcheck disable=SC2053
	[[ $2 == $3 ]] || miss "$1: got '$2', want '$3'"
}
end() {
	if [ -z "$why" ]; then pass "$case_name"; else fail "$case_name: ${why#; }"; fi
}

free_id() {
	local id=$1
	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null
	do
		id=$((id + 1))
	done
	echo "$id"
}

# On host B: its network namespace, the same files.
on_b() { nsenter -t "$PB" -n -- "$@"; }

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.3f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
# less A B: is A < B (decimals)?
less() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"; }

# serve NAME WHERE ETC TCPSERVER HOST [VAR=VALUE | -OPTION]... -- PROGRAM...
serve() {
	local name=$1 where=$2 etc=$3 tcpserver=$4 host=$5 port i=0
	local envs=() opts=() run=()
	shift 5
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in -*) opts+=("$1") ;; *) envs+=("$1") ;; esac
		shift
	done
	shift
	[ "$where" = B ] && run=(nsenter -t "$PB" -n --)
	if [ ! -x "$tcpserver" ]; then
		fail "start $name: no tcpserver at '$tcpserver'"
		PORT[$name]=1
		return 1
	fi
	"${run[@]}" env -i PATH="$BIN:/usr/sbin:/usr/bin:/bin" \
	    RELAY_CTRL_CONFIG="$T/noconfig" "${envs[@]}" \
	    envdir "$etc" relay-ctrl-chdir "$tcpserver" -1 -R -H \
	    -l "$name.test" "${opts[@]}" "$host" 0 "$@" \
	    >"$T/$name.port" 2>"$T/$name.log" </dev/null &
	PID[$name]=$!
	while [ $i -lt 100 ]; do
		port=$(head -n 1 "$T/$name.port" 2>/dev/null)
		case $port in [1-9]*) PORT[$name]=$port; return 0 ;; esac
		kill -0 "${PID[$name]}" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	fail "start $name: no port: $(tail -n 3 "$T/$name.log" | tr '\n' ' ')"
	PORT[$name]=1
	return 1
}

stop_all() {
	local p all=() kids=() i=0 left
	for p in "${PID[@]}"; do
		all+=("$p")
		# shellcheck disable=SC2207
		kids+=($(pgrep -P "$p"))
	done
	[ -n "$PB" ] && all+=("$PB")
	all+=("${kids[@]}")
	[ ${#all[@]} -gt 0 ] && kill "${all[@]}" 2>/dev/null
	while [ $i -lt 50 ]; do
		left=0
		for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
		[ "$left" = 0 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	PID=()
	PB=
	if [ "$left" = 1 ]; then
		kill -KILL "${all[@]}" 2>/dev/null
		return 1
	fi
	return 0
}

cleanup() {
	stop_all
	[ -n "${T:-}" ] && [ -d "$T" ] || return
	if [ "${E2E_KEEP:-}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}

pop3() {	# SRC SERVER HOST -> ok, fail or error
	python3 "$CLIENT" pop3 "$1" "$3" "${PORT[$2]}" alice secret \
	    2>>"$T/client.log" || echo error
}
rcpt() {	# SRC SERVER HOST -> the RCPT reply code for a foreign recipient
	python3 "$CLIENT" smtp "$1" "$3" "${PORT[$2]}" "x@example.test" \
	    bob@foreign.test 2>>"$T/client.log" || echo error
}
packet() { python3 "$TOOL" packet "$T/key" "$@"; }
dgram() {	# SRC HEX -> what B's udp answered
	python3 "$TOOL" send "$1" 192.0.2.2 811 "$2" "$T/key" 2>>"$T/client.log"
}
on_b_spool() { test -e "$T/b/spool/allow/$1" && echo yes; }
on_a_spool() { test -e "$T/a/spool/allow/$1" && echo yes; }
mtime() { stat -c %.9Y "$T/b/spool/allow/$1" 2>/dev/null; }
# Waits up to SECONDS for B's record NAME; prints the wait, or "never".
wait_record() {
	local start i=0
	start=$(now)
	while [ $i -lt $(($2 * 20)) ]; do
		[ -e "$T/b/spool/allow/$1" ] && { elapsed "$start" "$(now)"; return; }
		sleep 0.05
		i=$((i + 1))
	done
	echo never
}
# Waits up to 5 s for a line matching PATTERN in LOG.
wait_log() {
	local i=0
	while [ $i -lt 50 ]; do
		grep -q -- "$2" "$T/$1" 2>/dev/null && { echo yes; return; }
		sleep 0.1
		i=$((i + 1))
	done
	echo no
}
admin_b() {
	env -i PATH="$BIN:/usr/bin:/bin" RELAY_CTRL_CONFIG="$T/noconfig" \
	    RELAY_CTRL_DIR="$T/b/spool/allow" "$@"
}
# send on A, run by hand with these variables over a bare environment.
send_a() {
	env -i PATH="$BIN:/usr/bin:/bin" RELAY_CTRL_CONFIG="$T/noconfig" \
	    RELAY_CTRL_REMOTES=192.0.2.2 RELAY_CTRL_TRIES=1 "$@" \
	    relay-ctrl-send true 2>>"$T/send-a.log"
}

# --- inner run: the world ----------------------------------------------------

trap cleanup EXIT
trap 'exit 143' TERM INT HUP
[ -z "${E2E_MISSING:-}" ] || fail "tools: $E2E_MISSING not installed (tests/deps.sh)"
T=$(mktemp -d /tmp/relayctl-e2e-su.XXXXXX) || exit 111
chmod 0755 "$T"
BIN=$T/bin
mkdir -p "$BIN" "$T/noconfig" "$T/a/spool/allow" "$T/b/spool/allow" \
    "$T/home/Maildir/new" "$T/home/Maildir/cur" "$T/home/Maildir/tmp" \
    "$T/qmail/control" "$T/etc-a" "$T/etc-a6" "$T/etc-silent" "$T/etc-b"
cp relayctl "$BIN/relayctl" && chmod 0755 "$BIN/relayctl"
for a in chdir allow check send udp revoke; do ln -s relayctl "$BIN/relay-ctrl-$a"; done
POP_UID=$(free_id 41300)
SMTP_UID=$(free_id $((POP_UID + 1)))
UDP_UID=$(free_id $((SMTP_UID + 1)))
echo "alice:secret:$POP_UID:$POP_UID:Alice:$T/home:/bin/false" > "$T/passwd"
chmod 0600 "$T/passwd"
chown -R "$POP_UID:$POP_UID" "$T/home"
echo local.test > "$T/qmail/control/rcpthosts"
for h in a b; do chmod 0700 "$T/$h/spool"; chmod 0777 "$T/$h/spool/allow"; done
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$T/key"
echo >> "$T/key"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$T/wrongkey"
chmod 0600 "$T/key" "$T/wrongkey"

echo "$T/a/spool/allow" > "$T/etc-a/RELAY_CTRL_DIR"
echo "$T/key" > "$T/etc-a/RELAY_CTRL_KEYFILE"
echo 3 > "$T/etc-a/RELAY_CTRL_TRIES"
echo 1 > "$T/etc-a/RELAY_CTRL_TIMEOUT"
cp "$T/etc-a/"* "$T/etc-a6/"
cp "$T/etc-a/"* "$T/etc-silent/"
echo 192.0.2.2 > "$T/etc-a/RELAY_CTRL_REMOTES"
echo '[2001:db8::2]' > "$T/etc-a6/RELAY_CTRL_REMOTES"
echo '192.0.2.2,192.0.2.99:811' > "$T/etc-silent/RELAY_CTRL_REMOTES"
echo "$T/b/spool/allow" > "$T/etc-b/RELAY_CTRL_DIR"
echo "$T/key" > "$T/etc-b/RELAY_CTRL_KEYFILE"
echo 192.0.2.3 > "$T/etc-b/RELAY_CTRL_LEGACY_FROM"
echo 1 > "$T/etc-b/RELAY_CTRL_LOG_IPS"

# Host B, and the wire between A and B.
ip link set lo up || fail "ip link set lo up"
unshare -n sleep 600 </dev/null >/dev/null 2>&1 &
PB=$!
for _ in $(seq 50); do
	[ "$(readlink /proc/$PB/ns/net)" != "$(readlink /proc/$$/ns/net)" ] && break
	sleep 0.05
done
# shellcheck disable=SC2015 # fail when any step fails
ip link add va type veth peer name vb && ip link set vb netns "$PB" &&
    ip link set va up && on_b ip link set lo up && on_b ip link set vb up ||
    fail "veth pair between A and B"
for a in 1 3 10 11 12 20 21 30; do ip addr add "192.0.2.$a/24" dev va; done
for a in 1 10; do ip -6 addr add "2001:db8::$a/64" dev va nodad; done
on_b ip addr add 192.0.2.2/24 dev vb
on_b ip addr add 192.0.2.4/24 dev vb
on_b ip -6 addr add 2001:db8::2/64 dev vb nodad
on_b ip -6 addr add 2001:db8::4/64 dev vb nodad

pop_env=(CVM_PWFILE_PATH="$T/passwd" DOMAIN=example.test)
pop_cmd=(pop3front-auth cvm-pwfile relay-ctrl-allow relay-ctrl-send
    pop3front-maildir Maildir)
smtp_env=(QMAILHOME="$T/qmail" QMAILQUEUE=/bin/false)
smtp_cmd=(relay-ctrl-check smtpfront-qmail)
serve pop A "$T/etc-a" "$TCPSERVER4" 192.0.2.1 "${pop_env[@]}" -- "${pop_cmd[@]}"
serve silent A "$T/etc-silent" "$TCPSERVER4" 192.0.2.1 "${pop_env[@]}" -- \
    "${pop_cmd[@]}"
serve smtp B "$T/etc-b" "$TCPSERVER4" 192.0.2.2 "${smtp_env[@]}" \
    -u"$SMTP_UID" -g"$SMTP_UID" -- "${smtp_cmd[@]}"
[ -n "$TCPSERVER6" ] || fail "ucspi-tcp-ipv6: could not be fetched; the IPv6 cases fail"
serve pop6 A "$T/etc-a6" "$TCPSERVER6" 2001:db8::1 "${pop_env[@]}" -- "${pop_cmd[@]}"
serve smtp6 B "$T/etc-b" "$TCPSERVER6" 2001:db8::2 "${smtp_env[@]}" \
    -u"$SMTP_UID" -g"$SMTP_UID" -- "${smtp_cmd[@]}"
# B's receiver: root at start (the key is 0600 root), then UDP_UID.
nsenter -t "$PB" -n -- env -i PATH="$BIN:/usr/bin:/bin" RELAY_CTRL_CONFIG="$T/noconfig" \
    UID="$UDP_UID" GID="$UDP_UID" envdir "$T/etc-b" relay-ctrl-chdir \
    relay-ctrl-udp </dev/null >/dev/null 2>"$T/udp.log" &
PID[udp]=$!
expect_listen=$(wait_log udp.log 'listening on \[::\]:811')

# --- inner run: the cases ----------------------------------------------------

begin "udp starts, listens on 811 over IPv4 and IPv6, drops to its uid"
expect "listening on [::]:811" "$expect_listen" yes
expect "listening on 0.0.0.0:811" "$(grep -c 'listening on 0.0.0.0:811' "$T/udp.log")" 1
expect "udp's uid" "$(awk '/^Uid:/ { print $2 "," $3 }' "/proc/${PID[udp]}/status" 2>/dev/null)" "$UDP_UID,$UDP_UID"
expect "udp's groups" "$(awk '/^Groups:/ { print $2 }' "/proc/${PID[udp]}/status" 2>/dev/null)" ''
expect "the secret in udp's environment" "$(grep -c -F -f "$T/key" "/proc/${PID[udp]}/environ")" 0
open_key=no
for f in "/proc/${PID[udp]}/fd/"*; do
	[ "$(readlink "$f")" = "$T/key" ] && open_key=yes
done
expect "the secret's file still open in udp" "$open_key" no
end

begin "IPv4: a POP3 login on A lets the client relay through B within a second"
expect "relay from 192.0.2.10 through B before the login" "$(rcpt 192.0.2.10 smtp 192.0.2.2)" '5[0-9][0-9]'
t0=$(now)
expect "POP3 login from 192.0.2.10 on A" "$(pop3 192.0.2.10 pop 192.0.2.1)" ok
t1=$(now)
w=$(wait_record 192.0.2.10 2)
expect "record 192.0.2.10 on B" "$w" '[0-9]*'
[ "$w" != never ] && ! less "$w" 1.0 && miss "record on B after ${w}s"
expect "relay from 192.0.2.10 through B after the login" "$(rcpt 192.0.2.10 smtp 192.0.2.2)" 250
expect "relay from 192.0.2.11 through B (no login)" "$(rcpt 192.0.2.11 smtp 192.0.2.2)" '5[0-9][0-9]'
f=$T/b/spool/allow/192.0.2.10
printf 'USER=alice\0DOMAIN=example.test\0' | cmp -s - "$f" ||
    miss "record content on B: '$(tr '\0' ' ' <"$f" 2>/dev/null)'"
expect "record owner on B (udp's uid)" "$(stat -c %u "$f" 2>/dev/null)" "$UDP_UID"
expect "record mode on B" "$(stat -c %a "$f" 2>/dev/null)" 644
m=$(mtime 192.0.2.10)
{ less "$t0" "$m" && less "$m" "$t1"; } || miss "B's record is dated $m, not the login ($t0 .. $t1)"
expect "A's own record (allow)" "$(on_a_spool 192.0.2.10)" yes
expect "temporary files on B" "$(find "$T/b/spool/allow" -name '.*' | wc -l)" 0
end

begin "IPv6: a POP3 login on A over IPv6 lets the client relay through B within a second"
expect "relay from 2001:db8::10 through B before the login" "$(rcpt 2001:db8::10 smtp6 2001:db8::2)" '5[0-9][0-9]'
expect "POP3 login from 2001:db8::10 on A" "$(pop3 2001:db8::10 pop6 2001:db8::1)" ok
w=$(wait_record 2001:db8::10 2)
expect "record 2001:db8::10 on B" "$w" '[0-9]*'
[ "$w" != never ] && ! less "$w" 1.0 && miss "record on B after ${w}s"
expect "relay from 2001:db8::10 through B after the login" "$(rcpt 2001:db8::10 smtp6 2001:db8::2)" 250
end

begin "B answers from the address it was asked at, of several"
send_a RELAY_CTRL_KEYFILE="$T/key" RELAY_CTRL_REMOTES='192.0.2.4,[2001:db8::4]' TCPREMOTEIP=192.0.2.41
expect "record 192.0.2.41 on B" "$(wait_record 192.0.2.41 2)" '[0-9]*'
sleep 1.5
expect "send's warnings about 192.0.2.4 and 2001:db8::4" "$(grep -c 'no answer from .*:811 to the login of 192.0.2.41' "$T/send-a.log")" 0
end

begin "a packet signed with another secret grants nothing"
send_a RELAY_CTRL_KEYFILE="$T/wrongkey" TCPREMOTEIP=192.0.2.20
expect "udp's warning" "$(wait_log udp.log 'from 192.0.2.1:[0-9]*: its MAC is wrong')" yes
expect "record 192.0.2.20 on B" "$(on_b_spool 192.0.2.20)" ''
expect "relay from 192.0.2.20 through B" "$(rcpt 192.0.2.20 smtp 192.0.2.2)" '5[0-9][0-9]'
expect "send's warning about the silent remote" "$(wait_log send-a.log 'no answer from 192.0.2.2:811 to the login of 192.0.2.20')" yes
end

begin "an unsigned (relay-ctrl 3.2) datagram from a sender not in RELAY_CTRL_LEGACY_FROM grants nothing"
send_a TCPREMOTEIP=192.0.2.21
expect "udp's warning" "$(wait_log udp.log 'from 192.0.2.1:[0-9]*: it is not a signed packet')" yes
expect "record 192.0.2.21 on B" "$(on_b_spool 192.0.2.21)" ''
expect "relay from 192.0.2.21 through B" "$(rcpt 192.0.2.21 smtp 192.0.2.2)" '5[0-9][0-9]'
end

begin "relay-ctrl 3.2's datagram from RELAY_CTRL_LEGACY_FROM is recorded and answered with 0x01"
expect "answer to 192.0.2.3" "$(dgram 192.0.2.3 "$(printf 192.0.2.11 | od -An -tx1 | tr -d ' \n')")" legacy
expect "record 192.0.2.11 on B" "$(on_b_spool 192.0.2.11)" yes
expect "relay from 192.0.2.11 through B" "$(rcpt 192.0.2.11 smtp 192.0.2.2)" 250
end

begin "relayctl's send without a secret speaks relay-ctrl 3.2's format to its receiver"
nsenter -t "$PB" -n -- python3 "$TOOL" legacy-udp 192.0.2.2 8812 "$T/legacy.got" \
    </dev/null >/dev/null 2>"$T/legacy-udp.log" &
PID[legacy]=$!
sleep 0.3
send_a RELAY_CTRL_REMOTES=192.0.2.2:8812 RELAY_CTRL_TRIES=2 TCPREMOTEIP=192.0.2.40
expect "relay-ctrl 3.2's receiver got 192.0.2.40" "$(wait_log legacy.got '^192\.0\.2\.40$')" yes
expect "what it got" "$(cat "$T/legacy.got" 2>/dev/null)" 192.0.2.40
sleep 2.5
expect "send's warnings about it" "$(grep -c '192.0.2.2:8812' "$T/send-a.log")" 0
send_a RELAY_CTRL_REMOTES=192.0.2.2:8812 TCPREMOTEIP=2001:db8::40
expect "an IPv6 client in that format" "$(wait_log send-a.log 'holds only IPv4 addresses, and no secret is configured')" yes
end

begin "a replayed packet cannot bring back a revoked relay, nor move a record back in time"
p=$(packet 192.0.2.30 now USER=carol)
expect "first answer" "$(dgram 192.0.2.1 "$p")" response
expect "record 192.0.2.30 on B" "$(on_b_spool 192.0.2.30)" yes
admin_b relayctl revoke 192.0.2.30 >/dev/null 2>&1
expect "record after revoke" "$(on_b_spool 192.0.2.30)" ''
expect "answer to the replay" "$(dgram 192.0.2.1 "$p")" response
expect "record 192.0.2.30 after the replay" "$(on_b_spool 192.0.2.30)" ''
expect "relay from 192.0.2.30 through B" "$(rcpt 192.0.2.30 smtp 192.0.2.2)" '5[0-9][0-9]'
expect "a login 5 s ago" "$(dgram 192.0.2.1 "$(packet 192.0.2.31 now-5)")" response
m=$(mtime 192.0.2.31)
expect "an older login of the same client, later" "$(dgram 192.0.2.1 "$(packet 192.0.2.31 now-100 USER=old)")" response
expect "the record's time" "$(mtime 192.0.2.31)" "$m"
expect "the record's content" "$(tr '\0' ' ' <"$T/b/spool/allow/192.0.2.31")" ''
end

begin "future-dated and stale packets grant nothing"
expect "answer, 120 s ahead (skew 60)" "$(dgram 192.0.2.1 "$(packet 192.0.2.32 now+120)")" none
expect "record 192.0.2.32" "$(on_b_spool 192.0.2.32)" ''
expect "udp's warning" "$(wait_log udp.log 'request for 192.0.2.32 from 192.0.2.1:[0-9]*: its TIMESTAMP lies more than')" yes
expect "answer, 1000 s old (expiry 900)" "$(dgram 192.0.2.1 "$(packet 192.0.2.33 now-1000)")" none
expect "record 192.0.2.33" "$(on_b_spool 192.0.2.33)" ''
expect "answer, 55 s ahead" "$(dgram 192.0.2.1 "$(packet 192.0.2.34 now+55)")" response
expect "record 192.0.2.34" "$(on_b_spool 192.0.2.34)" yes
end

begin "a remote that never answers delays neither the login nor the client's disconnect"
r=$(python3 "$TOOL" pop3wait 192.0.2.12 192.0.2.1 "${PORT[silent]}" alice secret 2>>"$T/client.log")
expect "POP3 login from 192.0.2.12" "${r%% *}" ok
less "${r#* }" 1.0 || miss "the session took ${r#* }s from connect to the server's close (send tries 3 x 1 s)"
expect "record 192.0.2.12 on the remote that answers" "$(wait_record 192.0.2.12 2)" '[0-9]*'
expect "send's warning naming the silent remote" "$(wait_log silent.log 'no answer from 192.0.2.99:811 to the login of 192.0.2.12 after 3 tries')" yes
expect "warnings about the remote that answered" "$(grep -c 'no answer from 192.0.2.2:' "$T/silent.log")" 0
end

begin "after all that, udp still runs and records a good login"
kill -0 "${PID[udp]}" 2>/dev/null || miss "udp is gone: $(tail -n 3 "$T/udp.log")"
expect "answer" "$(dgram 192.0.2.1 "$(packet 192.0.2.35 now)")" response
expect "record 192.0.2.35" "$(on_b_spool 192.0.2.35)" yes
end

begin "every server stops, nothing is left running"
stop_all || miss "some processes needed SIGKILL"
end

[ "$nfail" -eq 0 ] || for f in "$T"/*.log; do
	[ -s "$f" ] || continue
	echo "--- ${f##*/} (last 15 lines)"
	tail -n 15 "$f" | sed 's/^/  /'
done
echo "$SUITE: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
