#!/bin/bash
# Black-box tests of send and udp, and of the secret's descriptor through
# chdir, allow and check: usage, configuration errors, what the next
# program gets.  Usage: send-udp.sh BINARY.  Two hosts are in
# tests/e2e/send-udp.sh.
BIN=${1:-./relayctl}
# shellcheck source=tests/blackbox/lib.sh
. "$(dirname "$0")/lib.sh"
for n in send udp; do
	ln -s "$BIN" "$B/relay-ctrl-$n"
	ln -s "$BIN" "$B/relayctl-$n"
done
TOOL=$TOP/tests/e2e/udptool.py
KEY=$ROOT/key
printf '0123456789abcdef0123\n' >"$KEY"
chmod 0600 "$KEY"
DIRV=(RELAY_CTRL_DIR="$SPOOL")
LOGIN=(TCPREMOTEIP=192.0.2.7 USER=alice)

# A free UDP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# A catcher of one datagram on 127.0.0.1:$1, into $2; answers $3 (hex)
# if given.  Returns once it is bound.
catch_one() {
	rm -f "$ROOT/bound"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[4], "w").write("ok\n")
s.settimeout(10)
d, a = s.recvfrom(600)
open(sys.argv[2], "wb").write(d)
open(sys.argv[2] + ".port", "w").write("%d\n" % a[1])
if sys.argv[3]:
    s.sendto(bytes.fromhex(sys.argv[3]), a)
' "$1" "$2" "${3:-}" "$ROOT/bound" &
	catcher=$!
	appears "$ROOT/bound" ok
}
# Every run of send gets its own stderr file: the sender it leaves behind
# writes its last warning after the run.
nerr=0
srun() {
	nerr=$((nerr + 1))
	ERR=$ROOT/err.$nerr
	run "$@"
}
# Waits up to 3 s for PATTERN in FILE.
appears() {
	local i=0
	while [ $i -lt 30 ]; do
		[ -e "$1" ] && grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# --- names -------------------------------------------------------------------

t "relayctl --list names send and udp"
"$BIN" --list >"$ROOT/out"
expect grep -qx send "$ROOT/out"
t "relayctl --list names udp"
expect grep -qx udp "$ROOT/out"
t "send --help: its usage"
run -- "$B/relay-ctrl-send" --help >/dev/null
expect test "$rc" = 0
t "udp --help: its usage"
out=$("$B/relayctl-udp" --help)
expect test "$out" = "usage: relay-ctrl-udp"

# --- send ----------------------------------------------------------------------

t "send without a program: usage, exit 100"
srun "${LOGIN[@]}" -- "$B/relay-ctrl-send"
expect test "$rc" = 100
t "send with an option: usage, exit 100"
srun "${LOGIN[@]}" -- "$B/relay-ctrl-send" -x "$RECORDER" "$REC"
expect test "$rc" = 100

t "send without RELAY_CTRL_REMOTES: a warning, the program runs with its argv and status"
srun "${LOGIN[@]}" -- "$B/relay-ctrl-send" "$RECORDER" "$REC" 7 -x
expect test "$rc" = 7
t "send without RELAY_CTRL_REMOTES: the program's argv is untouched"
expect recorded "argv[3]=-x"
t "send without RELAY_CTRL_REMOTES: the warning says so"
expect said 'relay-ctrl-send\[[0-9]+\]: warning: RELAY_CTRL_REMOTES is not set'

t "send with a bad client address: a warning, the program runs"
srun TCPREMOTEIP=../x RELAY_CTRL_REMOTES=127.0.0.1 -- "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect said 'client address TCPREMOTEIP=../x is not usable'
t "send with a bad client address: the program ran"
expect recorded "argv[1]=$REC"

t "send, not logged in (Courier chain without AUTHENTICATED): silent, the program runs"
srun "${LOGIN[@]}" AUTHUSER=alice AUTHARGV0=x -- "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect test "$rc" = 0 -a ! -s "$ERR"

t "send with a secret its group may read: refused, nothing sent, the program runs"
cp "$KEY" "$ROOT/key644" && chmod 0644 "$ROOT/key644"
srun "${LOGIN[@]}" RELAY_CTRL_REMOTES=127.0.0.1 RELAY_CTRL_KEYFILE="$ROOT/key644" -- \
    "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect said 'the secret \(RELAY_CTRL_KEYFILE\) is refused: its group or others may read or write it'
t "send with a secret shorter than 16 bytes: refused"
printf '0123456789abcde\n' >"$ROOT/short" && chmod 0600 "$ROOT/short"
srun "${LOGIN[@]}" RELAY_CTRL_REMOTES=127.0.0.1 RELAY_CTRL_KEYFILE="$ROOT/short" -- \
    "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect said 'refused: it holds fewer than 16 bytes'
t "send with a missing secret file: a warning, never the unsigned format"
srun "${LOGIN[@]}" RELAY_CTRL_REMOTES=127.0.0.1 RELAY_CTRL_KEYFILE="$ROOT/missing" -- \
    "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect said 'cannot open the secret .*missing \(RELAY_CTRL_KEYFILE\)'
t "send for an IPv6 client without a secret: a warning (relay-ctrl 3.2's format is IPv4 only)"
srun TCPREMOTEIP=2001:db8::7 RELAY_CTRL_REMOTES=127.0.0.1 -- "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect said 'holds only IPv4 addresses'

t "send with a malformed RELAY_CTRL_TRIES: a warning, the default"
srun "${LOGIN[@]}" RELAY_CTRL_REMOTES=127.0.0.1:9 RELAY_CTRL_TRIES=5x RELAY_CTRL_TIMEOUT=1 \
    RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect said 'RELAY_CTRL_TRIES=5x is not a number of tries from 1 to 1000; using 5'
t "send with a malformed RELAY_CTRL_PORT: a warning, 811"
srun "${LOGIN[@]}" RELAY_CTRL_REMOTES=127.0.0.1 RELAY_CTRL_PORT=0 RELAY_CTRL_TRIES=1 \
    RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-send" "$RECORDER" "$REC"
expect said 'RELAY_CTRL_PORT=0 is not a port number from 1 to 65535; using 811'

t "send names a RELAY_CTRL_REMOTES entry it cannot use, and tells the others"
port=$(free_port)
catch_one "$port" "$ROOT/got"
start=$(date +%s%N)
srun "${LOGIN[@]}" RELAY_CTRL_REMOTES="mail.example.com,127.0.0.1:$port" RELAY_CTRL_TRIES=2 \
    RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-send" "$RECORDER" "$REC" 3<"$KEY"
took=$((($(date +%s%N) - start) / 1000000))
wait "$catcher"
# The sender, found by its socket while it waits for an answer.
sender=$(ss -Hunap "sport = :$(cat "$ROOT/got.port")" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
fds=$(for f in /proc/"$sender"/fd/*; do
	printf '%s=%s ' "${f##*/}" "$(readlink "$f" | sed 's/:\[[0-9]*\]//')"
done)
read -r -a st <"/proc/$sender/stat" 2>/dev/null
expect appears "$ERR" 'RELAY_CTRL_REMOTES names mail.example.com: it is not a numeric IPv4 or IPv6 address'
t "send's datagram is a signed v1 request for the client"
expect test "$(head -c 3 "$ROOT/got" | od -An -tx1 | tr -d ' ')" = 010100
t "send's sender keeps none of the login's descriptors: /dev/null, its log and its socket ($fds)"
expect test "$fds" = "0=/dev/null 1=/dev/null 2=$ERR 3=socket "
t "send's sender is in a session of its own, not the login's child"
expect test -n "$sender" -a "${st[3]:-}" != "$$" -a "${st[5]:-}" != "$(ps -o sid= $$ | tr -d ' ')"
t "send runs the program at once, whatever the remotes do (${took} ms)"
expect test "$took" -lt 500
t "send: the remote that never answered is named once, after the rounds"
expect appears "$ERR" "no answer from 127.0.0.1:$port to the login of 192.0.2.7 after 2 tries 1 s apart"

t "send without a secret sends relay-ctrl 3.2's datagram: the address as text"
port=$(free_port)
catch_one "$port" "$ROOT/got" 01
srun "${LOGIN[@]}" RELAY_CTRL_REMOTES="127.0.0.1:$port" RELAY_CTRL_TRIES=2 -- \
    "$B/relay-ctrl-send" "$RECORDER" "$REC"
wait "$catcher"
expect test "$(cat "$ROOT/got")" = 192.0.2.7
t "send: relay-ctrl 3.2's answer (0x01) counts, no warning"
sleep 1.3
expect test ! -s "$ERR"

# --- the secret's descriptor ---------------------------------------------------

keyfd() { sed -n 's/^env=RELAY_CTRL_KEY_FD=//p' "$REC"; }
t "chdir opens RELAY_CTRL_KEYFILE and passes it in RELAY_CTRL_KEY_FD, below the spool's slot"
srun "${DIRV[@]}" RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-chdir" "$RECORDER" "$REC"
kfd=$(keyfd)
expect recorded "fd=$kfd file"
t "chdir: the key's slot is 1022, the spool's 1023"
expect test "$kfd" = 1022 -a "$(sed -n 's/^env=RELAY_CTRL_DIR_FD=//p' "$REC")" = 1023
t "chdir: no variable holds the secret"
expect not_recorded 0123456789abcdef0123
t "chdir reads RELAY_CTRL_DIR and RELAY_CTRL_KEYFILE from the config directory, and passes both"
echo "$SPOOL" >"$ROOT/conf/RELAY_CTRL_DIR"
echo "$KEY" >"$ROOT/conf/RELAY_CTRL_KEYFILE"
srun -- "$B/relay-ctrl-chdir" "$RECORDER" "$REC"
expect test "$(keyfd)" = 1022 -a "$(sed -n 's/^env=RELAY_CTRL_DIR_FD=//p' "$REC")" = 1023
rm -f "$ROOT/conf/RELAY_CTRL_DIR" "$ROOT/conf/RELAY_CTRL_KEYFILE"
t "chdir with a secret it cannot open: a warning, the program runs without RELAY_CTRL_KEY_FD"
srun "${DIRV[@]}" RELAY_CTRL_KEYFILE="$ROOT/missing" RELAY_CTRL_KEY_FD=5 -- "$B/relay-ctrl-chdir" "$RECORDER" "$REC"
expect test -z "$(keyfd)" -a "$rc" = 0
t "chdir with a secret it cannot open: the warning"
expect said 'cannot open the secret .*missing \(RELAY_CTRL_KEYFILE\)'

t "allow closes the secret's descriptor before any program but send"
srun "${DIRV[@]}" "${LOGIN[@]}" RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-chdir" \
    "$B/relay-ctrl-allow" "$RECORDER" "$REC"
expect test -z "$(keyfd)" -a -z "$(grep -E '^fd=10(22|23) ' "$REC")"
t "check closes the secret's descriptor and removes RELAY_CTRL_KEY_FD"
srun "${DIRV[@]}" "${LOGIN[@]}" RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-chdir" \
    "$B/relay-ctrl-check" "$RECORDER" "$REC"
expect test -z "$(keyfd)" -a -z "$(grep -E '^fd=10(22|23) ' "$REC")"
t "check closes it when RELAYCLIENT is already set, too"
srun "${DIRV[@]}" "${LOGIN[@]}" RELAYCLIENT= RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-chdir" \
    "$B/relay-ctrl-check" "$RECORDER" "$REC"
expect test -z "$(keyfd)" -a -z "$(grep -E '^fd=10(22|23) ' "$REC")"
t "allow passes it to send, and send closes it (and the spool's) before its program"
srun "${DIRV[@]}" "${LOGIN[@]}" RELAY_CTRL_KEYFILE="$KEY" RELAY_CTRL_REMOTES=127.0.0.1:9 \
    RELAY_CTRL_TRIES=1 -- "$B/relay-ctrl-chdir" "$B/relay-ctrl-allow" "$B/relay-ctrl-send" \
    "$RECORDER" "$REC"
expect test -z "$(keyfd)" -a -z "$(grep -E '^fd=10(22|23) ' "$REC")" -a \
    -z "$(grep RELAY_CTRL_DIR_FD "$REC")"
t "... and send signed with it (no warning about the secret)"
expect test -z "$(grep -i secret "$ERR")"
t "allow passes it to 'relayctl send' as well"
srun "${DIRV[@]}" "${LOGIN[@]}" RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-chdir" \
    "$B/relay-ctrl-allow" "$RECORDER" "$REC"
expect true
srun "${DIRV[@]}" "${LOGIN[@]}" RELAY_CTRL_KEYFILE="$KEY" -- "$B/relay-ctrl-chdir" \
    "$B/relay-ctrl-allow" "$B/relayctl" send "$RECORDER" "$REC"
expect test -z "$(grep -i 'secret\|KEY_FD' "$ERR")"

# --- udp -----------------------------------------------------------------------

udp_run() {	# VAR=VALUE... : udp with a 3 s watchdog, as run() does
	run "${DIRV[@]}" RELAY_CTRL_LISTEN=127.0.0.1 RELAY_CTRL_PORT="$(free_port)" "$@" -- \
	    timeout 3 "$B/relay-ctrl-udp"
}

t "udp with an argument: usage, exit 100"
run -- "$B/relay-ctrl-udp" x
expect test "$rc" = 100
t "udp with neither a secret nor RELAY_CTRL_LEGACY_FROM: fatal, 111, saying what to set"
udp_run
expect test "$rc" = 111
t "udp with neither: the message"
expect said 'fatal: neither a secret \(RELAY_CTRL_KEYFILE\) nor relay-ctrl 3.2 senders \(RELAY_CTRL_LEGACY_FROM\)'
t "udp with a secret its group may read: fatal, 111"
udp_run RELAY_CTRL_KEYFILE="$ROOT/key644"
expect test "$rc" = 111
t "udp with a secret its group may read: the message"
expect said 'is refused: its group or others may read or write it'
chmod 0604 "$ROOT/key644"
t "udp with a secret others may read: fatal, 111"
udp_run RELAY_CTRL_KEYFILE="$ROOT/key644"
expect test "$rc" = 111
t "udp with a secret shorter than 16 bytes: fatal, 111"
udp_run RELAY_CTRL_KEYFILE="$ROOT/short"
expect test "$rc" = 111 -a -n "$(grep 'fewer than 16 bytes' "$ERR")"
t "udp with a secret of exactly 16 bytes and a newline: starts"
printf '0123456789abcdef\n' >"$ROOT/k16" && chmod 0600 "$ROOT/k16"
udp_run RELAY_CTRL_KEYFILE="$ROOT/k16"
expect test "$rc" = 124
t "udp with a secret that is a directory: fatal, 111"
mkdir -p "$ROOT/keydir" && chmod 0700 "$ROOT/keydir"
udp_run RELAY_CTRL_KEYFILE="$ROOT/keydir"
expect test "$rc" = 111 -a -n "$(grep 'not a regular file' "$ERR")"
t "udp with a secret that is a FIFO: fatal, 111, no hang"
mkfifo -m 0600 "$ROOT/keyfifo"
udp_run RELAY_CTRL_KEYFILE="$ROOT/keyfifo"
expect test "$rc" = 111
t "udp with a missing secret: fatal, 111"
udp_run RELAY_CTRL_KEYFILE="$ROOT/missing"
expect test "$rc" = 111
t "udp with a secret over 1024 bytes: fatal, 111"
head -c 1025 /dev/zero | tr '\0' k >"$ROOT/klong" && chmod 0600 "$ROOT/klong"
udp_run RELAY_CTRL_KEYFILE="$ROOT/klong"
expect test "$rc" = 111 -a -n "$(grep 'longer than 1024' "$ERR")"
t "udp without a spool: fatal, 111"
run RELAY_CTRL_KEYFILE="$KEY" RELAY_CTRL_LISTEN=127.0.0.1 -- timeout 3 "$B/relay-ctrl-udp"
expect test "$rc" = 111 -a -n "$(grep 'RELAY_CTRL_DIR is not set' "$ERR")"
t "udp with a malformed RELAY_CTRL_LEGACY_FROM: fatal, 111"
udp_run RELAY_CTRL_LEGACY_FROM=192.0.2.1,mail.example.com
expect test "$rc" = 111 -a -n "$(grep 'RELAY_CTRL_LEGACY_FROM names mail.example.com' "$ERR")"
t "udp with a malformed RELAY_CTRL_LISTEN: fatal, 111"
run "${DIRV[@]}" RELAY_CTRL_KEYFILE="$KEY" RELAY_CTRL_LISTEN=localhost -- timeout 3 "$B/relay-ctrl-udp"
expect test "$rc" = 111 -a -n "$(grep 'RELAY_CTRL_LISTEN names localhost' "$ERR")"
t "udp with UID but no GID: fatal, 111"
udp_run RELAY_CTRL_KEYFILE="$KEY" UID=65534
expect test "$rc" = 111 -a -n "$(grep 'UID and GID must both be set' "$ERR")"
t "udp with a non-numeric UID: fatal, 111"
udp_run RELAY_CTRL_KEYFILE="$KEY" UID=nobody GID=65534
expect test "$rc" = 111
t "udp on a port in use: fatal, 111"
port=$(free_port)
rm -f "$ROOT/bound"
python3 -c 'import socket, sys, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1]))); open(sys.argv[2], "w").write("ok\n"); time.sleep(3)' "$port" "$ROOT/bound" &
holder=$!
appears "$ROOT/bound" ok
run "${DIRV[@]}" RELAY_CTRL_KEYFILE="$KEY" RELAY_CTRL_LISTEN=127.0.0.1 RELAY_CTRL_PORT="$port" -- \
    timeout 3 "$B/relay-ctrl-udp"
wait "$holder"
expect test "$rc" = 111 -a -n "$(grep "cannot listen on 127.0.0.1:$port" "$ERR")"
if [ "$(id -u)" != 0 ]; then
	t "udp as a user who cannot change ids: fatal, 111"
	udp_run RELAY_CTRL_KEYFILE="$KEY" UID=0 GID=0
	expect test "$rc" = 111
fi

t "udp alone (as systemd may start it) takes its whole configuration from the config directory"
port=$(free_port)
echo "$SPOOL" >"$ROOT/conf/RELAY_CTRL_DIR"
echo "$KEY" >"$ROOT/conf/RELAY_CTRL_KEYFILE"
echo 127.0.0.1 >"$ROOT/conf/RELAY_CTRL_LISTEN"
echo "$port" >"$ROOT/conf/RELAY_CTRL_PORT"
run -- timeout 2 "$B/relay-ctrl-udp"
expect test "$rc" = 124 -a -n "$(grep "listening on 127.0.0.1:$port\$" "$ERR")"
rm -f "$ROOT/conf/"RELAY_CTRL_*
t "udp serves: a signed request is recorded, dated with its TIMESTAMP, and answered"
clean_spool
port=$(free_port)
(cd "$ROOT/work" && exec env -i "${BASE_ENV[@]}" "${DIRV[@]}" RELAY_CTRL_KEYFILE="$KEY" \
    RELAY_CTRL_LISTEN="127.0.0.1,[::1]" RELAY_CTRL_PORT="$port" RELAY_CTRL_LEGACY_FROM=127.0.0.1 \
    "$B/relay-ctrl-udp") 2>"$ROOT/udp.err" &
udp=$!
trap 'kill "$udp" 2>/dev/null; rm -rf "$ROOT"' EXIT
appears "$ROOT/udp.err" 'listening on \[::1\]:' || true
stamp=$(($(date +%s) - 30)).25
p=$(python3 "$TOOL" packet "$KEY" 192.0.2.9 "$stamp" USER=bob DOMAIN=example.org)
expect test "$(python3 "$TOOL" send 127.0.0.1 127.0.0.1 "$port" "$p" "$KEY")" = response
t "udp: the record's content"
expect test "$(tr '\0' ' ' <"$SPOOL/192.0.2.9")" = "USER=bob DOMAIN=example.org "
t "udp: the record's time is the TIMESTAMP"
expect test "$(stat -c %.2Y "$SPOOL/192.0.2.9")" = "$stamp"
t "udp over IPv6"
p=$(python3 "$TOOL" packet "$KEY" 2001:db8::9 now)
expect test "$(python3 "$TOOL" send ::1 ::1 "$port" "$p" "$KEY")" = response -a -f "$SPOOL/2001:db8::9"
t "udp: relay-ctrl 3.2's datagram from RELAY_CTRL_LEGACY_FROM is recorded, answered 0x01"
expect test "$(python3 "$TOOL" send 127.0.0.1 127.0.0.1 "$port" "$(printf 192.0.2.10 | od -An -tx1 | tr -d ' \n')")" = legacy -a -f "$SPOOL/192.0.2.10"
t "udp: the same from ::1, not listed: dropped"
expect test "$(python3 "$TOOL" send ::1 ::1 "$port" "$(printf 192.0.2.11 | od -An -tx1 | tr -d ' \n')")" = none -a ! -e "$SPOOL/192.0.2.11"
t "udp: a RESPONSE sent to it writes nothing and is not answered"
p=$(python3 -c '
import sys; sys.path.insert(0, sys.argv[1])
import udptool
print(udptool.packet(udptool.secret(sys.argv[2]), "192.0.2.12", "%d" % __import__("time").time(), kind=udptool.RESP).hex())' "$TOP/tests/e2e" "$KEY")
expect test "$(python3 "$TOOL" send 127.0.0.1 127.0.0.1 "$port" "$p" "$KEY")" = none -a ! -e "$SPOOL/192.0.2.12"
t "udp: at most 10 warnings about datagrams a minute"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(30):
    s.sendto(b"\1\xff", ("127.0.0.1", int(sys.argv[1])))
' "$port"
sleep 0.5
expect test "$(grep -c 'warning: dropped' "$ROOT/udp.err")" -le 10
t "udp still serves after them"
expect test "$(python3 "$TOOL" send 127.0.0.1 127.0.0.1 "$port" "$(python3 "$TOOL" packet "$KEY" 192.0.2.13 now)" "$KEY")" = response
t "udp stopped and flooded: the kernel's drops are said, once, and udp goes on"
kill -STOP "$udp"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(30000):
    s.sendto(b"\1", ("127.0.0.1", int(sys.argv[1])))
' "$port"
kill -CONT "$udp"
python3 "$TOOL" send 127.0.0.1 127.0.0.1 "$port" 01 >/dev/null
expect appears "$ROOT/udp.err" 'warning: the kernel dropped [0-9]+ datagrams: relay-ctrl-udp fell behind'
t "... once in a minute"
expect test "$(grep -c 'the kernel dropped' "$ROOT/udp.err")" = 1
t "... and udp records the next login"
expect test "$(python3 "$TOOL" send 127.0.0.1 127.0.0.1 "$port" "$(python3 "$TOOL" packet "$KEY" 192.0.2.14 now)" "$KEY")" = response
kill "$udp" 2>/dev/null
wait "$udp" 2>/dev/null
t "udp: no temporary file left, nothing but records in the spool"
expect test "$(spool_list | tr '\n' ' ')" = "192.0.2.10 192.0.2.13 192.0.2.14 192.0.2.9 2001:db8::9 "

finish send-udp
