#!/bin/bash
# IMAP/POP-before-SMTP end to end with the real Debian Dovecot and Postfix:
# a Dovecot post-login script runs "relayctl allow", Postfix asks
# "relayctl policy" through spawn(8); see relayctl-policy(8).  Run by
# tests/suites/60-e2e-dovecot-postfix.sh (make check, make e2e).
#
# usage: dovecot-postfix.sh [RELAYCTL]	(default: ./relayctl)
#
# Neither server is installed on the host: the outer run fetches the
# packages with apt-get download and unpacks them under build/debs/
# (tests/e2e/debs.sh), then starts the inner run under a watchdog in
# private mount and network namespaces.  There the unpacked tree is laid
# over /etc, /usr and /var, and a tmpfs over /run, so the servers find
# their programs where they were built to be and every write goes to the
# namespace; their users exist only in that namespace's /etc/passwd.  The
# inner run writes its own configuration for both servers into a
# temporary directory, starts them on free loopback ports, plays the cases
# and stops both servers by pid.
set -u
SUITE=dovecot-postfix
WATCHDOG=150
cd "$(dirname "$0")/../.." || exit 111
ROOT=$PWD
# shellcheck source=tests/e2e/verdict.sh
. "$ROOT/tests/e2e/verdict.sh"
# shellcheck source=tests/e2e/debs.sh
. "$ROOT/tests/e2e/debs.sh"
# The packages whose programs the test runs; their shared libraries are
# installed by tests/deps.sh, none of these is.
SERVERS="postfix dovecot-core dovecot-imapd dovecot-pop3d"

# --- outer run ---------------------------------------------------------------

setup_failed() {
	echo "FAIL setup: $*"
	echo "$SUITE: 0 passed, 1 failed"
	exit 1
}

# What of the host the servers could touch if they ran outside their
# namespaces: their users, configuration, state and programs.
host_state() {
	local f
	for f in /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/postfix \
	    /etc/dovecot /etc/aliases /etc/mailname /var/spool/postfix \
	    /var/lib/postfix /var/lib/dovecot /run/dovecot /usr/sbin/postfix \
	    /usr/sbin/dovecot /usr/lib/postfix /usr/lib/dovecot; do
		if [ -d "$f" ]; then
			find "$f" -printf '%p %y %m %u %s %T@\n' | sort
		elif [ -e "$f" ]; then
			echo "$f $(stat -c '%a %u %s %Y' "$f") $(sha256sum <"$f")"
		else
			echo "$f absent"
		fi
	done
}

outer() {
	local bin=${1:-./relayctl} out rc tree before after verdict p f

	# Postfix's master and Dovecot's must start as root, and only root
	# may make the namespaces they run in.
	[ "$(id -u)" = 0 ] || setup_failed "Postfix and Dovecot can only be" \
	    "started as root; run make check as root (CI does)"
	[ -x "$bin" ] || setup_failed "no relayctl binary at $bin (run make)"
	unshare -m -n true 2>/dev/null || setup_failed "unshare -m -n is not" \
	    "permitted here; the servers run only in namespaces of their own"
	# shellcheck disable=SC2086 # one word a package
	tree=$(debs_unpack dovecot-postfix $SERVERS) ||
	    setup_failed "cannot fetch $SERVERS with apt-get download (above)"
	out=$(mktemp) || exit 111
	before=$(host_state)
	# timeout signals its whole process group; the inner run's trap
	# then stops the servers, which have left that group.
	E2E_INNER=1 E2E_TREE=$tree \
	    timeout -k 20 "$WATCHDOG" unshare -m -n \
	    bash "$ROOT/tests/e2e/dovecot-postfix.sh" \
	    "$(readlink -f "$bin")" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	verdict=$(e2e_verdict "$SUITE" "$WATCHDOG" "$out" "$rc")
	rc=$?
	[ -z "$verdict" ] || echo "$verdict"
	read -r p f <<<"$( { cat "$out"; echo "$verdict"; } |
	    sed -nE "s/^$SUITE: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p" |
	    tail -n 1)"
	rm -f "$out"
	after=$(host_state)
	if [ "$before" = "$after" ]; then
		echo "PASS host: its users, /etc/postfix, /etc/dovecot, the" \
		    "servers' state and programs are as they were"
		p=$((p + 1))
	else
		echo "FAIL host: the run changed the host (< before, > after):"
		diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -n 10
		f=$((f + 1))
		rc=1
	fi
	echo "$SUITE: $p passed, $f failed (with the host check)"
	exit "$rc"
}

[ "${E2E_INNER:-}" = 1 ] || outer "$@"

# --- inner run: helpers -----------------------------------------------------

CLIENT=$ROOT/tests/e2e/client.py
npass=0
nfail=0
T=
PF_MASTER=
DC_PID=

pass() { echo "PASS $1"; npass=$((npass + 1)); }
fail() { echo "FAIL $1"; nfail=$((nfail + 1)); }

# A case collects every broken expectation, then prints one line.
begin() { case_name=$1; why=; }
miss() { why="$why; $1"; }
expect() {	# DESCRIPTION GOT WANT
	[ "$2" = "$3" ] || miss "$1: got '$2', want '$3'"
}
end() {
	if [ -z "$why" ]; then
		pass "$case_name"
	else
		fail "$case_name: ${why#; }"
	fi
}

# Waits up to $3 tenths of a second until pid $1 is gone (1 if it is not).
gone_within() {
	local pid=$1 i=0
	while kill -0 "$pid" 2>/dev/null; do
		[ "$i" -ge "$2" ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

stop_pid() {	# PID NAME
	[ -n "$1" ] || return 0
	kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	gone_within "$1" 100 && return 0
	echo "note: $2 (pid $1) ignored SIGTERM; killing it"
	kill -KILL "$1" 2>/dev/null
}

# Pids of the policy processes of this run: the binary's path is unique
# to this run's temporary directory.
policy_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$T/bin/relayctl" ] &&
			echo "${p#/proc/}"
	done
}

stop_postfix() {
	[ -n "$PF_MASTER" ] || return 0
	timeout 30 postfix -c "$T/postfix" stop >/dev/null 2>&1
	stop_pid "$PF_MASTER" "the Postfix master"
	PF_MASTER=
}

cleanup() {
	local p
	trap - EXIT
	stop_postfix
	stop_pid "$DC_PID" "dovecot"
	DC_PID=
	if [ -n "$T" ]; then
		for p in $(policy_pids); do
			kill -KILL "$p" 2>/dev/null
		done
		if [ "$nfail" -gt 0 ]; then
			echo "--- last lines of the Postfix log"
			tail -n 25 "$T/postfix.log" 2>/dev/null
			echo "--- last lines of the Dovecot log"
			tail -n 25 "$T/dovecot.log" 2>/dev/null
		fi
		if [ -n "${E2E_KEEP:-}" ]; then
			echo "note: kept $T"
		else
			rm -rf "$T"
		fi
	fi
}

# Three loopback ports, free on 127.0.0.1 and ::1 alike.
free_ports() {
	python3 - <<'EOF'
import socket
ports, held = [], []
while len(ports) < 3:
    s4 = socket.socket(socket.AF_INET)
    s4.bind(("127.0.0.1", 0))
    port = s4.getsockname()[1]
    s6 = socket.socket(socket.AF_INET6)
    try:
        s6.bind(("::1", port))
    except OSError:
        s4.close()
        continue
    held += [s4, s6]
    ports.append(port)
print(*ports)
EOF
}

# Up to 10 s until HOST PORT takes connections.
wait_port() {
	local i=0
	while [ $i -lt 100 ]; do
		timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

fill() {	# TEMPLATE > FILE
	sed -e "s|@TMP@|$T|g" -e "s|@RELAYCTL@|$T/bin/relayctl|g" \
	    -e "s|@SMTP_PORT@|$SMTP_PORT|g" -e "s|@IMAP_PORT@|$IMAP_PORT|g" \
	    -e "s|@POP3_PORT@|$POP3_PORT|g" "$1"
}

# The RCPT TO reply code for SRC sending to RCPT, or "error".
rcpt() {	# SRC HOST RCPT
	python3 "$CLIENT" smtp "$1" "$2" "$SMTP_PORT" sender@client.test \
	    "$3" 2>/dev/null || echo error
}

# A login and a short session that must see nothing but protocol lines,
# so that a byte written by relayctl to the client would show.  Prints
# "ok", "refused" (wrong password, cleanly) or what went wrong.
session() {	# imap|pop3 SRC HOST USER PASS
	local port=$IMAP_PORT
	[ "$1" = pop3 ] && port=$POP3_PORT
	timeout 30 python3 - "$CLIENT" "$1" "$2" "$3" "$port" "$4" "$5" \
	    <<'EOF' 2>&1
import os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import client

proto, src, host, port, user, password = sys.argv[2:8]
s, f = client.connect(src, host, port)


def want(prefix, allow_untagged=False):
    while True:
        text = client.line(f)
        if allow_untagged and text.startswith("* "):
            continue
        if not text.startswith(prefix):
            raise SystemExit("unexpected line %r, want %r" % (text, prefix))
        return text


def send(text):
    s.sendall((text + "\r\n").encode())


try:
    if proto == "imap":
        want("* OK")
        send('a1 LOGIN "%s" "%s"' % (user, password))
        text = want("a1 ", allow_untagged=True)
        if text.startswith("a1 NO"):
            print("refused")
            raise SystemExit(0)
        if not text.startswith("a1 OK"):
            raise SystemExit("unexpected line %r" % text)
        send("a2 NOOP")
        want("a2 OK", allow_untagged=True)
        send("a3 LOGOUT")
        want("a3 OK", allow_untagged=True)
    else:
        want("+OK")
        send("USER " + user)
        want("+OK")
        send("PASS " + password)
        text = client.line(f)
        if text.startswith("-ERR"):
            print("refused")
            raise SystemExit(0)
        if not text.startswith("+OK"):
            raise SystemExit("unexpected line %r" % text)
        send("STAT")
        want("+OK")
        send("QUIT")
        want("+OK")
    print("ok")
finally:
    s.close()
EOF
}

# Talks to the policy service the way smtpd does, on one connection:
# requests for 127.0.0.2, ::1 spelled out, ::1 as Postfix sends it, an
# address without a record and "unknown", then a line without '='.
# Prints the actions, then what became of the malformed request.
policy_talk() {	# SOCKET
	timeout 30 python3 - "$1" <<'EOF' 2>&1
import socket, sys

s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rb")
actions = []
for addr in ("127.0.0.2", "0:0:0:0:0:0:0:1", "::1", "127.0.0.99", "unknown"):
    s.sendall(("request=smtpd_access_policy\nprotocol_state=RCPT\n"
               "client_address=%s\nclient_name=unknown\n"
               "recipient=someone@far.example\n\n" % addr).encode())
    reply = f.readline().decode()
    if f.readline() != b"\n" or not reply.startswith("action="):
        raise SystemExit("bad reply %r" % reply)
    actions.append(reply.strip()[len("action="):])
s.sendall(b"request=smtpd_access_policy\nthis line has no equals sign\n\n")
try:
    rest = f.read()
    after = "closed without an answer" if rest == b"" else "answered %r" % rest
except socket.timeout:
    after = "still open after 10 s"
print(" ".join(actions), "|", after)
EOF
}

# A record's content with NULs shown as '|', or "none".
record() {
	if [ -f "$SPOOL/$1" ]; then
		tr '\0' '|' <"$SPOOL/$1"
	else
		echo none
	fi
}

record_mode() { stat -c '%a %U' "$SPOOL/$1" 2>/dev/null || echo none; }

# The servers' own users and groups, in the namespace's /etc only, on ids
# nobody on the host uses.  A host that has them keeps its own.
add_server_users() {
	local name id=41300
	for name in postfix postdrop dovecot dovenull; do
		getent passwd "$name" >/dev/null ||
			getent group "$name" >/dev/null && continue
		while getent passwd "$id" >/dev/null ||
		    getent group "$id" >/dev/null; do
			id=$((id + 1))
		done
		[ "$name" = postdrop ] ||
			echo "$name:x:$id:$id::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
		echo "$name:x:$id:" >>/etc/group
	done
}

# The shared libraries the unpacked servers need and the host lacks.
missing_libs() {
	local f
	for f in /usr/sbin/postfix /usr/lib/postfix/sbin/* /usr/sbin/dovecot \
	    /usr/bin/doveconf /usr/lib/dovecot/*; do
		[ -f "$f" ] && [ -x "$f" ] && ldd "$f" 2>/dev/null
	done | awk '/not found/ { print $1 }' | sort -u | tr '\n' ' '
}

# --- inner run: servers -----------------------------------------------------

trap cleanup EXIT
trap 'exit 143' TERM INT HUP

ip link set lo up || { fail "setup: ip link set lo up"; exit 1; }
T=$(mktemp -d /tmp/relayctl-dovecot-postfix.XXXXXX) || exit 111
# spawn runs the policy as nobody, Dovecot's services as their own users:
# all of them must reach the binary, the config and the spool.
chmod 0755 "$T"
debs_overlay "$E2E_TREE" "$T/overlay" ||
	{ fail "setup: cannot lay the unpacked servers over /"; exit 1; }
add_server_users
missing=$(missing_libs)
if [ -n "$missing" ]; then
	fail "setup: shared libraries missing: $missing (tests/deps.sh installs them)"
	exit 1
fi
read -r SMTP_PORT IMAP_PORT POP3_PORT <<EOF
$(free_ports)
EOF
SPOOL=$T/spool/allow
mkdir -p "$T/bin" "$T/relay-ctrl" "$SPOOL" "$T/postfix" \
    "$T/postfix-queue" "$T/postfix-data" "$T/mail"
cp "$1" "$T/bin/relayctl"
chmod 0755 "$T/bin/relayctl"
# The installed layout (relayctl(8), SECURITY): a parent only root and
# the policy's group may enter, allow/ inside it writable by all.  The
# post-login service runs as root, the policy as nobody:nogroup (a real
# host gives it a group of its own; the test adds no group to the host).
chown root:nogroup "$T/spool"
chmod 0710 "$T/spool"
chmod 0777 "$SPOOL"
echo "$SPOOL" >"$T/relay-ctrl/RELAY_CTRL_DIR"
echo 900 >"$T/relay-ctrl/RELAY_CTRL_EXPIRY"
chown postfix "$T/postfix-data"
chown nobody:nogroup "$T/mail"

fill "$ROOT/tests/e2e/postfix/main.cf.in" >"$T/postfix/main.cf"
fill "$ROOT/tests/e2e/postfix/master.cf.in" >"$T/postfix/master.cf"
fill "$ROOT/tests/e2e/dovecot/dovecot.conf.in" >"$T/dovecot.conf"
fill "$ROOT/tests/e2e/dovecot/postlogin.sh.in" >"$T/relayctl-postlogin"
chmod 0755 "$T/relayctl-postlogin"
# The mail users are nobody: Dovecot refuses root as a mail user.
cat >"$T/dovecot-users" <<EOF
alice:{PLAIN}alice-secret:65534:65534::$T/mail/alice::
bob:{PLAIN}bob-secret:65534:65534::$T/mail/bob::
EOF
chmod 0644 "$T/dovecot-users"

begin "setup: Postfix and Dovecot started with their own configuration"
if ! timeout 30 postfix -c "$T/postfix" check >"$T/postfix-check.log" 2>&1; then
	miss "postfix check failed: $(tail -n 3 "$T/postfix.log" | tr '\n' ' ')"
elif ! timeout 30 postfix -c "$T/postfix" start >/dev/null 2>&1; then
	miss "postfix start failed: $(tail -n 3 "$T/postfix.log" | tr '\n' ' ')"
else
	PF_MASTER=$(tr -d ' ' <"$T/postfix-queue/pid/master.pid" 2>/dev/null)
	[ -n "$PF_MASTER" ] || miss "no Postfix master pid"
fi
dovecot -F -c "$T/dovecot.conf" >"$T/dovecot.out" 2>&1 </dev/null &
DC_PID=$!
for hp in "127.0.0.1 $SMTP_PORT" "::1 $SMTP_PORT" "127.0.0.1 $IMAP_PORT" \
    "::1 $IMAP_PORT" "127.0.0.1 $POP3_PORT" "::1 $POP3_PORT"; do
	# shellcheck disable=SC2086
	wait_port $hp || miss "nothing listens on ${hp/ /:}"
done
kill -0 "$DC_PID" 2>/dev/null ||
	miss "dovecot died: $(tail -n 3 "$T/dovecot.out" "$T/dovecot.log" 2>/dev/null | tr '\n' ' ')"
end
if [ -n "$why" ]; then
	echo "$SUITE: $npass passed, $nfail failed"
	exit 1
fi

# --- inner run: cases -------------------------------------------------------

FAR=someone@far.example
LOCAL=postmaster@relayctl.test

begin "control: the trusted network (127.0.0.1) relays, so a refusal below is relay control"
expect "RCPT from 127.0.0.1" "$(rcpt 127.0.0.1 127.0.0.1 $FAR)" 250
end

begin "relay refused before login (127.0.0.2 and ::1)"
expect "RCPT from 127.0.0.2" "$(rcpt 127.0.0.2 127.0.0.1 $FAR)" 554
expect "RCPT from ::1" "$(rcpt ::1 ::1 $FAR)" 554
end

begin "IMAP login (alice from 127.0.0.2) goes on undisturbed: fd 3 and the client socket untouched"
expect "IMAP session" "$(session imap 127.0.0.2 127.0.0.1 alice alice-secret)" ok
end

begin "IMAP login wrote the record: \$IP names it, \$USER is in it, mode 0644, spool from the config directory"
expect "record 127.0.0.2" "$(record 127.0.0.2)" "USER=alice|"
expect "mode and owner" "$(record_mode 127.0.0.2)" "644 root"
end

begin "relay accepted after IMAP login (127.0.0.2)"
expect "RCPT from 127.0.0.2" "$(rcpt 127.0.0.2 127.0.0.1 $FAR)" 250
end

begin "POP3 login (bob from 127.0.0.3) writes a record and the session goes on"
expect "POP3 session" "$(session pop3 127.0.0.3 127.0.0.1 bob bob-secret)" ok
expect "record 127.0.0.3" "$(record 127.0.0.3)" "USER=bob|"
end

begin "relay accepted after POP3 login (127.0.0.3)"
expect "RCPT from 127.0.0.3" "$(rcpt 127.0.0.3 127.0.0.1 $FAR)" 250
end

begin "another address is still refused (127.0.0.4)"
expect "RCPT from 127.0.0.4" "$(rcpt 127.0.0.4 127.0.0.1 $FAR)" 554
end

begin "wrong password (IMAP and POP3 from 127.0.0.5): no record, no relay"
expect "IMAP session" "$(session imap 127.0.0.5 127.0.0.1 alice wrong)" refused
expect "POP3 session" "$(session pop3 127.0.0.5 127.0.0.1 bob wrong)" refused
expect "record 127.0.0.5" "$(record 127.0.0.5)" none
expect "RCPT from 127.0.0.5" "$(rcpt 127.0.0.5 127.0.0.1 $FAR)" 554
end

begin "IPv6: IMAP login from ::1 writes record ::1 and opens the relay for ::1"
expect "IMAP session" "$(session imap ::1 ::1 alice alice-secret)" ok
expect "record ::1" "$(record ::1)" "USER=alice|"
expect "RCPT from ::1" "$(rcpt ::1 ::1 $FAR)" 250
end

begin "IPv6: POP3 login from ::1 works too"
expect "POP3 session" "$(session pop3 ::1 ::1 bob bob-secret)" ok
expect "record ::1" "$(record ::1)" "USER=bob|"
end

begin "spawn's policy socket spoken to directly: many requests on one connection, any IPv6 spelling, a malformed request gets no answer"
expect "conversation" "$(policy_talk "$T/postfix-queue/private/relayctl-policy")" \
    "OK OK OK DUNNO DUNNO | closed without an answer"
end

begin "stale record refused (127.0.0.3, last login two hours ago)"
touch -d "@$(($(date +%s) - 7200))" "$SPOOL/127.0.0.3"
expect "RCPT from 127.0.0.3" "$(rcpt 127.0.0.3 127.0.0.1 $FAR)" 554
end

begin "local recipient always accepted (no record, stale record, IPv6)"
expect "RCPT from 127.0.0.6" "$(rcpt 127.0.0.6 127.0.0.1 $LOCAL)" 250
expect "RCPT from 127.0.0.3" "$(rcpt 127.0.0.3 127.0.0.1 $LOCAL)" 250
expect "RCPT from ::1" "$(rcpt ::1 ::1 $LOCAL)" 250
end

# allow runs as root here, so the spool is broken by putting a file in
# its place rather than by taking away the write permission.
begin "spool unusable: the login still works, no byte reaches the client, Dovecot logs the warning"
mv "$SPOOL" "$SPOOL.away" && : >"$SPOOL"
expect "IMAP session" "$(session imap 127.0.0.7 127.0.0.1 alice alice-secret)" ok
expect "POP3 session" "$(session pop3 127.0.0.7 127.0.0.1 bob bob-secret)" ok
rm -f "$SPOOL" && mv "$SPOOL.away" "$SPOOL"
expect "record 127.0.0.7" "$(record 127.0.0.7)" none
grep -q 'relayctl-allow\[[0-9]*\]: warning: .*127\.0\.0\.7.*continuing without relay' \
    "$T/dovecot.log" || miss "no relayctl warning in the Dovecot log"
expect "RCPT from 127.0.0.7" "$(rcpt 127.0.0.7 127.0.0.1 $FAR)" 554
end

begin "the policy conversation stayed clean (no protocol errors in the Postfix log)"
grep -E 'smtpd\[[0-9]+\]: .*(relayctl-policy|problem talking to server)' "$T/postfix.log" |
    grep -iE 'warning|error|fatal' >"$T/policy-trouble" 2>/dev/null
[ -s "$T/policy-trouble" ] &&
	miss "Postfix logged: $(head -n 3 "$T/policy-trouble" | tr '\n' ' ')"
end

begin "postfix stop: every relayctl policy process ends (they exit at end of input)"
[ -n "$(policy_pids)" ] || miss "no policy process was running before the stop"
stop_postfix
i=0
while [ -n "$(policy_pids)" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
left=$(policy_pids | tr '\n' ' ')
[ -z "$left" ] || miss "still running after 10 s: $left"
end

echo "$SUITE: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
