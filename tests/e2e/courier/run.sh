#!/bin/bash
# Courier-IMAP 5 end to end, as Debian 12 packages it: courier-imap,
# courier-pop, courier-authdaemon with a userdb of the test's own, started
# with the systemd ExecStart= lines README.md and relay-ctrl-allow(8) give,
# over IPv4 and IPv6, plain, STARTTLS and TLS; curl is the client.  Run by
# tests/suites/62-e2e-courier.sh (make check, make e2e).
#
# The outer run fetches the packages with apt-get download and unpacks them
# under build/debs (tests/e2e/debs.sh; they are never installed), then
# starts the inner run under a watchdog in private mount, network and PID
# namespaces.  The inner run lays
# the unpacked /usr and /etc and a /var and /dev of its own over the real
# ones (overlays whose upper layers are in a temporary directory), installs
# relayctl there as install.sh does, starts the servers, plays the cases and
# stops them; whatever is left dies with the PID namespace.
set -u
SUITE=e2e-courier
WATCHDOG=180
cd "$(dirname "$0")/../../.." || exit 111
ROOT=$PWD
# shellcheck source=tests/e2e/verdict.sh
. "$ROOT/tests/e2e/verdict.sh"
# shellcheck source=tests/e2e/debs.sh
. "$ROOT/tests/e2e/debs.sh"

# --- outer run ---------------------------------------------------------------

PACKAGES="courier-imap courier-pop courier-base courier-authdaemon
	courier-authlib courier-authlib-userdb libcourier-unicode4 libgamin0
	libidn12 libltdl7 gnutls-bin"
# Libraries Courier links that a Debian 12 host usually has; fetched when
# this one does not.
HOST_LIBS="libgdbm6 libpam0g libgnutls30 libpcre3 libcrypt1"

# Fetches PACKAGES (and HOST_LIBS the host lacks) with apt-get download
# and unpacks them into one tree under build/debs (tests/e2e/debs.sh);
# prints the tree's path.
fetch_courier() {
	local p want
	want=$PACKAGES
	for p in $HOST_LIBS; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null |
		    grep -q ' installed$' || want="$want $p"
	done
	# shellcheck disable=SC2086 # one word per package
	debs_unpack courier $want
}

setup_failed() {
	echo "FAIL setup: $1"
	echo "$SUITE: 0 passed, 1 failed"
	exit 1
}

# What of the host the run could touch if it ran outside its namespaces:
# users, Courier's and relayctl's configuration, state and programs, the
# wiring's files, the syslog socket.
host_state() {
	local f
	for f in /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/courier \
	    /etc/relay-ctrl /etc/default/imapd /etc/default/imapd-ssl \
	    /etc/default/pop3d /etc/default/pop3d-ssl /etc/cron.d/relay-ctrl \
	    /var/spool/relay-ctrl /var/lib/courier /run/courier \
	    /usr/local/bin/relayctl /usr/local/bin/relay-ctrl-chdir \
	    /usr/local/libexec/relayctl /usr/lib/courier /usr/sbin/couriertcpd \
	    /usr/bin/imapd /dev/log; do
		if [ -d "$f" ]; then
			find "$f" -printf '%p %y %m %u %s %T@\n' | sort
		elif [ -e "$f" ] || [ -L "$f" ]; then
			echo "$f $(stat -c '%F %a %u %s %Y' "$f") $(sha256sum <"$f" 2>/dev/null)"
		else
			echo "$f absent"
		fi
	done
	find /etc/systemd/system -path '*courier*' -printf '%p %y %m %s %T@\n' 2>/dev/null | sort
}

outer() {
	local bin=${1:-./relayctl} tree out rc left start t before after
	local verdict p f

	if [ "$(id -u)" != 0 ]; then
		setup_failed "Courier's servers start as root and the test needs private mount, network and PID namespaces; run make check as root (CI does)"
	fi
	[ -x "$bin" ] || make --no-print-directory -s relayctl >&2 ||
		setup_failed "make relayctl failed"
	unshare -m -n -p -f --mount-proc true 2>/dev/null ||
		setup_failed "unshare -m -n -p -f is not permitted here; the Courier servers must not run in the host's namespaces"
	grep -qw overlay /proc/filesystems ||
		setup_failed "no overlay file system: Courier's unpacked /usr and /etc cannot be laid over the real ones"
	start=$SECONDS
	tree=$(fetch_courier) || setup_failed "the Courier packages could not be fetched (see above)"
	left=$((WATCHDOG - (SECONDS - start)))
	[ "$left" -ge 60 ] || left=60
	t=$(mktemp -d /tmp/relayctl-courier.XXXXXX) || exit 111
	chmod 0755 "$t"
	out=$(mktemp) || exit 111
	before=$(host_state)
	# timeout signals the process group; the inner run is PID 1 of its
	# namespace and exits on TERM, and every server dies with it.
	E2E_INNER=1 E2E_TREE=$tree E2E_T=$t E2E_BIN=$(readlink -f "$bin") \
	    timeout -k 10 "$left" unshare -m -n -p -f --mount-proc \
	    bash "$ROOT/tests/e2e/courier/run.sh" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	verdict=$(e2e_verdict "$SUITE" "$WATCHDOG" "$out" "$rc")
	rc=$?
	[ -z "$verdict" ] || echo "$verdict"
	read -r p f <<<"$( { cat "$out"; echo "$verdict"; } |
	    sed -nE "s/^$SUITE: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p" |
	    tail -n 1)"
	rm -f "$out"
	after=$(host_state)
	left=$(pgrep -a -f "$t" 2>/dev/null)
	if [ "$before" = "$after" ] && [ -z "$left" ]; then
		echo "PASS host: its users, Courier's and relayctl's files, state" \
		    "and programs are as they were, and no process of the run is left"
		p=$((p + 1))
	else
		echo "FAIL host: the run changed the host (< before, > after) or left processes:"
		diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -n 10
		[ -z "$left" ] || printf '%s\n' "$left" | head -n 5
		f=$((f + 1))
		rc=1
	fi
	echo "$SUITE: $p passed, $f failed (with the host check)"
	if [ -n "${E2E_KEEP:-}" ]; then
		echo "note: kept $t"
	else
		rm -rf "$t"
	fi
	exit "$rc"
}

[ "${E2E_INNER:-}" = 1 ] || outer "$@"

# --- inner run: helpers ------------------------------------------------------

R=$E2E_TREE
T=$E2E_T
BIN=$E2E_BIN
SPOOL=/var/spool/relay-ctrl/allow
LOG=$T/syslog
npass=0
nfail=0

pass() { echo "PASS $1"; npass=$((npass + 1)); }
fail() { echo "FAIL $1"; nfail=$((nfail + 1)); }

# A case collects every broken expectation, then prints one line.
begin() { case_name=$1; why=; }
miss() { why="$why; $1"; }
expect() {	# DESCRIPTION GOT WANT
	[ "$2" = "$3" ] || miss "$1: got '$2', want '$3'"
}
expect_has() {	# DESCRIPTION GOT WANT-SUBSTRING
	case $2 in
	*"$3"*) ;;
	*) miss "$1: '$3' not in '$(printf '%s' "$2" | head -c 300)'" ;;
	esac
}
end() {
	if [ -z "$why" ]; then
		pass "$case_name"
	else
		fail "$case_name: ${why#; }"
	fi
}

finish() {
	echo "$SUITE: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit
}

# shellcheck disable=SC2317 # run by the EXIT trap below
on_exit() {
	trap - EXIT
	if [ "$nfail" -gt 0 ] && [ -s "$LOG" ]; then
		echo "--- last lines of the syslog"
		tail -n 30 "$LOG"
	fi
}

# A uid and gid that no account or group uses, from $1 up.
free_id() {
	local id=$1
	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null
	do
		id=$((id + 1))
	done
	echo "$id"
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

CLIENT_NS=()	# a command prefix: the client host's namespace, if any
# curl as the mail client, from source address SRC; prints what it
# fetched, or "curl: exit N" when it failed (67: the login was refused).
mail() {	# SRC URL USER PASS [CURL-OPTIONS...]
	local src=$1 url=$2 user=$3 pass=$4 out rc
	shift 4
	out=$(timeout 30 "${CLIENT_NS[@]}" curl -sS --max-time 25 --interface "$src" \
	    -u "$user:$pass" "$@" "$url" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		printf '%s\n' "$out" | tr -d '\r'
	else
		echo "curl: exit $rc: $out"
	fi
}

# A record's content with NULs shown as '|', or "none".
record() {
	if [ -f "$SPOOL/$1" ]; then
		tr '\0' '|' <"$SPOOL/$1"
	else
		echo none
	fi
}

record_mode() { stat -c '%a %u' "$SPOOL/$1" 2>/dev/null || echo none; }

# The SMTP side: relay-ctrl-check as another uid, reached through the
# descriptor relay-ctrl-chdir opened as root, as tcpserver would run it.
# Prints "RELAYCLIENT/USER", or "-/" when RELAYCLIENT is unset.
check_as_smtp() {	# ADDRESS [no-chdir]
	local chdir=/usr/local/bin/relay-ctrl-chdir
	[ "${2:-}" = no-chdir ] && chdir=
	# shellcheck disable=SC2016 # the $ are the child sh's, after check
	timeout 10 env -i PATH=/usr/bin:/bin $chdir \
	    setpriv --reuid="$SMTP_UID" --regid="$SMTP_UID" --clear-groups \
	    env TCPREMOTEIP="$1" /usr/local/bin/relay-ctrl-check \
	    sh -c 'echo "${RELAYCLIENT-"-"}/${USER-}"' 2>>"$T/check.err"
}

# The syslog lines since mark $1 (a line count) matching $2.
logged_since() { tail -n +"$(($1 + 1))" "$LOG" | grep -E -- "$2"; }
log_mark() { wc -l <"$LOG"; }

# --- inner run: the host as Debian would have it ----------------------------

trap on_exit EXIT
trap 'exit 143' TERM INT HUP

# Everything below happens in this namespace only.
mount --make-rprivate / || { fail "setup: mount --make-rprivate /"; finish; }
overlay() {	# DIR LOWER...
	local dir=$1 lower
	shift
	lower=$(IFS=:; echo "$*")
	mkdir -p "$T/up$dir" "$T/work$dir" &&
	    mount -t overlay overlay \
	    -o "lowerdir=$lower,upperdir=$T/up$dir,workdir=$T/work$dir" "$dir"
}
begin "setup: Debian's /usr and /etc of courier-imap and courier-pop laid over the host's, /var, /dev and /run private"
overlay /usr "$R/usr" /usr || miss "overlay /usr"
overlay /etc "$R/etc" /etc || miss "overlay /etc"
overlay /var /var || miss "overlay /var"
# A host with Courier of its own must not mix its files into the test's.
overlay /etc/courier "$R/etc/courier" || miss "overlay /etc/courier"
# shellcheck disable=SC2015 # miss when either step fails
mkdir -p /var/lib/courier && mount -t tmpfs -o mode=0755 tmpfs /var/lib/courier ||
	miss "tmpfs /var/lib/courier"
overlay /dev /dev || miss "overlay /dev"
mount -t tmpfs -o mode=0755 tmpfs /run || miss "tmpfs /run"
ip link set lo up || miss "ip link set lo up"
for f in /usr/sbin/couriertcpd /usr/lib/courier/courier/imaplogin \
    /usr/lib/courier/courier/courierpop3login /usr/bin/imapd \
    /usr/lib/courier/courier/courierpop3d /usr/bin/couriertls \
    /usr/lib/courier/courier-authlib/authdaemond /usr/sbin/courierlogger; do
	if [ ! -x "$f" ]; then
		miss "no $f in the unpacked packages"
	elif ldd "$f" 2>&1 | grep -q 'not found'; then
		miss "$f lacks $(ldd "$f" | grep 'not found' | tr '\n' ' ')"
	fi
done
command -v perl >/dev/null || miss "no perl: Debian's makeuserdb is a Perl script"
command -v curl >/dev/null || miss "no curl, the mail client of this suite (apt-get install curl)"
end
[ -z "$why" ] || finish

# What the packages' maintainer scripts and systemd-tmpfiles would do.
begin "setup: the courier account, the mail users, tmpfiles, certificates, userdb, authdaemond"
if ! getent passwd courier >/dev/null; then
	id=$(free_id 2900)
	echo "courier:x:$id:$id:Courier:/var/lib/courier:/usr/sbin/nologin" >>/etc/passwd
	getent group courier >/dev/null || echo "courier:x:$id:" >>/etc/group
fi
# The mail users and the SMTP server's user: numeric ids no account has
# (userdb gives Courier the ids; no name is needed).
declare -A UID_OF
UID_OF[alice]=$(free_id 2901)
UID_OF[bob]=$(free_id $((UID_OF[alice] + 1)))
SMTP_UID=$(free_id $((UID_OF[bob] + 1)))
chown courier:courier /var/lib/courier
# usr/lib/tmpfiles.d/courier-*.conf: "d PATH MODE USER GROUP"
while read -r type path mode user group _; do
	[ "$type" = d ] || continue
	install -d -m "$mode" -o "$user" -g "$group" "$path" ||
		miss "tmpfiles: $path"
done < <(cat /usr/lib/tmpfiles.d/courier-*.conf)
# The TLS front ends' certificates and DH parameters, self-signed, made
# by Debian's own tools as the packages' postinst makes them.
for c in mkimapdcert mkpop3dcert mkdhparams; do
	timeout 60 "/usr/sbin/$c" >"$T/$c.log" 2>&1 ||
		miss "$c failed: $(tail -n 2 "$T/$c.log" | tr '\n' ' ')"
done
python3 "$ROOT/tests/e2e/courier/syslog.py" /dev/log "$LOG" &
for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
[ -S /dev/log ] || miss "no syslog socket"
for u in alice bob; do
	home=$T/home/$u
	mkdir -p "$home"
	/usr/bin/maildirmake.courier "$home/Maildir" || miss "maildirmake $u"
	printf 'From: relayctl@relayctl.test\r\nSubject: for %s\r\n\r\nhello %s, from the relayctl test\r\n' \
	    "$u" "$u" >"$home/Maildir/new/1000000000.1.relayctl"
done
chown -R "${UID_OF[alice]}:${UID_OF[alice]}" "$T/home/alice"
chown -R "${UID_OF[bob]}:${UID_OF[bob]}" "$T/home/bob"
chmod 0755 "$T/home"
sed -i 's/^authmodulelist=.*/authmodulelist="authuserdb"/' /etc/courier/authdaemonrc
(
	umask 077
	for u in alice bob; do
		pw=$(echo "$u-secret" | /usr/sbin/userdbpw -md5) ||
			exit 1
		printf '%s\tuid=%s|gid=%s|home=%s|systempw=%s\n' "$u" \
		    "${UID_OF[$u]}" "${UID_OF[$u]}" "$T/home/$u" "$pw"
	done >/etc/courier/userdb
) || miss "userdbpw failed"
timeout 30 /usr/sbin/makeuserdb >"$T/makeuserdb.log" 2>&1 ||
	miss "makeuserdb failed: $(tail -n 2 "$T/makeuserdb.log" | tr '\n' ' ')"
# courier-authdaemon.service: ExecStart=/usr/sbin/authdaemond start
timeout 30 /usr/sbin/authdaemond start || miss "authdaemond start failed"
for i in $(seq 50); do [ -S /run/courier/authdaemon/socket ] && break; sleep 0.1; done
[ -S /run/courier/authdaemon/socket ] || miss "authdaemond made no socket"
end
[ -z "$why" ] || finish

# --- inner run: relayctl as install.sh installs it, the documented wiring ---

# The layout of relayctl(8) and install.sh: the binary and its links in
# /usr/local/bin, Courier's start script and post-login wrappers in
# /usr/local/libexec/relayctl, the configuration in /etc/relay-ctrl, the spool
# in /var/spool/relay-ctrl (0700 root) with allow/ (0777) inside.
install_relayctl() {
	local n f
	install -d /usr/local/bin /usr/local/libexec/relayctl /etc/relay-ctrl &&
	    install -m 0755 "$BIN" /usr/local/bin/relayctl || return 1
	for n in $(/usr/local/bin/relayctl --list); do
		ln -sf relayctl "/usr/local/bin/relay-ctrl-$n" &&
		    ln -sf relayctl "/usr/local/bin/relayctl-$n" || return 1
	done
	for f in courier-start courier-imapd courier-pop3d; do
		sed -e 's|@BINDIR@|/usr/local/bin|g' \
		    -e 's|@LIBEXECDIR@|/usr/local/libexec/relayctl|g' \
		    "$ROOT/courier/$f.in" >"/usr/local/libexec/relayctl/$f" &&
		    chmod 0755 "/usr/local/libexec/relayctl/$f" || return 1
	done
	echo "$SPOOL" >/etc/relay-ctrl/RELAY_CTRL_DIR &&
	    echo 900 >/etc/relay-ctrl/RELAY_CTRL_EXPIRY &&
	    install -d -m 0700 /var/spool/relay-ctrl &&
	    install -d -m 0777 "$SPOOL"
}

# The drop-ins' ExecStart= lines, taken from README.md so that the test
# runs what an admin copies; relay-ctrl-allow(8) must give the same.
doc_lines() {
	grep -E '^ExecStart=/usr/local/libexec/relayctl/courier-start ' "$1" |
	    sed 's/^ExecStart=//'
}

begin "the wiring README.md gives: one ExecStart= line for each of the four services, the same in relay-ctrl-allow(8)"
mapfile -t START < <(doc_lines "$ROOT/README.md")
expect "lines in README.md" "${#START[@]}" 4
expect "the same lines in relay-ctrl-allow(8)" \
    "$(doc_lines "$ROOT/man/relay-ctrl-allow.8" | tr '\n' ' ')" \
    "$(printf '%s ' "${START[@]}")"
for s in imapd imapd-ssl pop3d pop3d-ssl; do
	printf '%s\n' "${START[@]}" | grep -qx ".*courier-start start $s" ||
		miss "no line for $s"
done
install_relayctl || miss "installing relayctl failed"
end
[ -z "$why" ] || finish

begin "servers started with those lines: IMAP, POP3, IMAPS and POP3S on 127.0.0.1 and ::1"
for line in "${START[@]}"; do
	# shellcheck disable=SC2086 # the documented line, split as systemd does
	timeout 30 $line >"$T/start.log" 2>&1 ||
		miss "'$line' failed: $(tail -n 2 "$T/start.log" | tr '\n' ' ')"
	grep -q 'warning' "$T/start.log" &&
		miss "'$line' warned: $(tr '\n' ' ' <"$T/start.log")"
done
for port in 143 110 993 995; do
	for host in 127.0.0.1 ::1; do
		wait_port "$host" "$port" || miss "nothing listens on $host port $port"
	done
done
end
[ -z "$why" ] || finish

# --- inner run: cases --------------------------------------------------------

MSG="hello alice, from the relayctl test"

begin "IMAP from 127.0.0.2 (couriertcpd: ::ffff:127.0.0.2): login, the mailboxes list, a message is fetched"
expect_has "LIST" "$(mail 127.0.0.2 imap://127.0.0.1/ alice alice-secret)" INBOX
expect_has "FETCH" "$(mail 127.0.0.2 'imap://127.0.0.1/INBOX;MAILINDEX=1' alice alice-secret)" "$MSG"
end

begin "IMAP login wrote record 127.0.0.2 (not ::ffff:127.0.0.2) with the user from AUTHENTICATED, mode 0644"
expect "record 127.0.0.2" "$(record 127.0.0.2)" "USER=alice|"
expect "mode and owner" "$(record_mode 127.0.0.2)" "644 ${UID_OF[alice]}"
expect "records" "$(find "$SPOOL" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" "127.0.0.2 "
end

begin "IMAP from ::1: record ::1, the session goes on"
expect_has "FETCH" "$(mail ::1 'imap://[::1]/INBOX;MAILINDEX=1' alice alice-secret)" "$MSG"
expect "record ::1" "$(record ::1)" "USER=alice|"
end

begin "POP3 from 127.0.0.3 and ::1: the message is retrieved, records 127.0.0.3 and ::1 carry bob"
rm -f "$SPOOL/::1"
expect_has "RETR" "$(mail 127.0.0.3 pop3://127.0.0.1/1 bob bob-secret)" "hello bob"
expect "record 127.0.0.3" "$(record 127.0.0.3)" "USER=bob|"
expect_has "RETR from ::1" "$(mail ::1 'pop3://[::1]/1' bob bob-secret)" "hello bob"
expect "record ::1" "$(record ::1)" "USER=bob|"
end

begin "IMAP STARTTLS on port 143 from 127.0.0.4 (imaplogin's couriertls): login, fetch, record"
expect_has "FETCH" "$(mail 127.0.0.4 'imap://127.0.0.1/INBOX;MAILINDEX=1' alice alice-secret --ssl-reqd -k)" "$MSG"
expect "record 127.0.0.4" "$(record 127.0.0.4)" "USER=alice|"
end

begin "IMAPS (imapd-ssl, couriertls -user=courier in front) from 127.0.0.5 and ::1: login, fetch, records"
rm -f "$SPOOL/::1"
expect_has "FETCH" "$(mail 127.0.0.5 'imaps://127.0.0.1/INBOX;MAILINDEX=1' alice alice-secret -k)" "$MSG"
expect "record 127.0.0.5" "$(record 127.0.0.5)" "USER=alice|"
expect_has "FETCH from ::1" "$(mail ::1 'imaps://[::1]/INBOX;MAILINDEX=1' alice alice-secret -k)" "$MSG"
expect "record ::1" "$(record ::1)" "USER=alice|"
end

begin "POP3S (pop3d-ssl) and POP3 STLS on port 110 from 127.0.0.6: the message is retrieved, record 127.0.0.6"
expect_has "RETR" "$(mail 127.0.0.6 pop3s://127.0.0.1/1 bob bob-secret -k)" "hello bob"
expect "record 127.0.0.6" "$(record 127.0.0.6)" "USER=bob|"
rm -f "$SPOOL/127.0.0.6"
expect_has "RETR after STLS" "$(mail 127.0.0.6 pop3://127.0.0.1/1 bob bob-secret --ssl-reqd -k)" "hello bob"
expect "record 127.0.0.6 again" "$(record 127.0.0.6)" "USER=bob|"
end

begin "wrong password (IMAP, POP3, IMAPS from 127.0.0.7): refused, no record"
expect_has "IMAP" "$(mail 127.0.0.7 imap://127.0.0.1/ alice wrong)" "curl: exit 67"
expect_has "POP3" "$(mail 127.0.0.7 pop3://127.0.0.1/ bob wrong)" "curl: exit 67"
expect_has "IMAPS" "$(mail 127.0.0.7 imaps://127.0.0.1/ alice wrong -k)" "curl: exit 67"
expect "record 127.0.0.7" "$(record 127.0.0.7)" none
end

begin "no spool descriptor in the sessions' processes: the mail user's (IMAP, IMAPS) nor couriertls's (uid courier), checked while they run"
got=$(timeout 30 python3 - "$SPOOL" "${UID_OF[alice]}" "$(id -u courier)" <<'EOF' 2>&1
import imaplib, os, socket, ssl, sys
spool, uids = sys.argv[1], [int(u) for u in sys.argv[2:]]
real = socket.create_connection
socket.create_connection = lambda a, t=None, s=None: real(a, t, ("127.0.0.2", 0))
tls = ssl.create_default_context()
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE
sessions = [imaplib.IMAP4("127.0.0.1", 143, timeout=10),
            imaplib.IMAP4_SSL("127.0.0.1", 993, ssl_context=tls, timeout=10)]
for m in sessions:
    m.login("alice", "alice-secret")
    m.select("INBOX")
held, seen = [], set()
for p in os.listdir("/proc"):
    if not p.isdigit():
        continue
    try:
        uid = os.stat("/proc/" + p).st_uid
        if uid not in uids:
            continue
        seen.add(uid)
        for fd in os.listdir("/proc/%s/fd" % p):
            if os.readlink("/proc/%s/fd/%s" % (p, fd)).startswith(spool):
                held.append("pid %s (uid %d) fd %s" % (p, uid, fd))
    except OSError:
        pass
for m in sessions:
    m.logout()
print("uids seen=%d held=%s" % (len(seen), ", ".join(held) or "none"))
EOF
)
expect "processes of alice and courier" "$got" "uids seen=2 held=none"
end

begin "relay-ctrl-check as another uid through the descriptor relay-ctrl-chdir opened: RELAYCLIENT for 127.0.0.2 and ::1, not for 127.0.0.7"
expect "127.0.0.2" "$(check_as_smtp 127.0.0.2)" "/alice"
expect "::ffff:127.0.0.2" "$(check_as_smtp ::ffff:127.0.0.2)" "/alice"
expect "::1" "$(check_as_smtp ::1)" "/alice"
expect "127.0.0.7" "$(check_as_smtp 127.0.0.7)" "-/"
# Without the descriptor the spool is out of that uid's reach.
expect "127.0.0.2 without chdir" "$(check_as_smtp 127.0.0.2 no-chdir)" "-/"
end

begin "relayctl status shows the logins with their users"
st=$(timeout 10 /usr/local/bin/relayctl status 2>&1)
expect "127.0.0.2" "$(printf '%s\n' "$st" | awk '$1 == "127.0.0.2" { print $4 }')" alice
expect "127.0.0.3" "$(printf '%s\n' "$st" | awk '$1 == "127.0.0.3" { print $4 }')" bob
expect_has "summary" "$st" "6 allowed, 0 stale"
end

begin "a client host on a veth pair: IMAP from 192.0.2.7 and POP3 from 2001:db8::7 show up in relayctl status with their users"
if ip netns add client &&
    ip link add v0 type veth peer name v1 netns client &&
    ip addr add 192.0.2.1/24 dev v0 &&
    ip -6 addr add 2001:db8::1/64 dev v0 nodad &&
    ip link set v0 up &&
    ip netns exec client sh -c 'ip link set lo up &&
	ip addr add 192.0.2.7/24 dev v1 &&
	ip -6 addr add 2001:db8::7/64 dev v1 nodad && ip link set v1 up'; then
	CLIENT_NS=(ip netns exec client)
	expect_has "IMAP" "$(mail 192.0.2.7 'imap://192.0.2.1/INBOX;MAILINDEX=1' alice alice-secret)" "$MSG"
	expect_has "POP3" "$(mail 2001:db8::7 'pop3://[2001:db8::1]/1' bob bob-secret)" "hello bob"
	CLIENT_NS=()
	st=$(timeout 10 /usr/local/bin/relayctl status 192.0.2.7 2001:db8::7 2>&1)
	expect "status exit (0: both allowed)" "$?" 0
	expect "192.0.2.7" "$(printf '%s\n' "$st" | awk '$1 == "192.0.2.7" { print $4 }')" alice
	expect "2001:db8::7" "$(printf '%s\n' "$st" | awk '$1 == "2001:db8::7" { print $4 }')" bob
	expect "check for 192.0.2.7" "$(check_as_smtp 192.0.2.7)" "/alice"
else
	miss "cannot make the veth pair to a client namespace"
fi
end

begin "spool missing: IMAP and POP3 logins from 127.0.0.8 go on, no record, the warning reaches syslog"
mark=$(log_mark)
mv "$SPOOL" "$SPOOL.away"
expect_has "IMAP" "$(mail 127.0.0.8 'imap://127.0.0.1/INBOX;MAILINDEX=1' alice alice-secret)" "$MSG"
expect_has "POP3" "$(mail 127.0.0.8 pop3://127.0.0.1/1 bob bob-secret)" "hello bob"
expect_has "IMAPS" "$(mail 127.0.0.8 'imaps://127.0.0.1/INBOX;MAILINDEX=1' alice alice-secret -k)" "$MSG"
mv "$SPOOL.away" "$SPOOL"
expect "record 127.0.0.8" "$(record 127.0.0.8)" none
sleep 0.5
logged_since "$mark" 'relay-ctrl-chdir\[[0-9]+\]: warning: cannot open spool directory .*without relay control' >/dev/null ||
	miss "no relay-ctrl-chdir warning in syslog"
logged_since "$mark" 'relay-ctrl-allow\[[0-9]+\]: warning: .*127\.0\.0\.8.*continuing without relay' >/dev/null ||
	miss "no relay-ctrl-allow warning naming 127.0.0.8 in syslog"
end

begin "spool unwritable (0555): IMAP and POP3 logins from 127.0.0.9 go on, no record, the warning reaches syslog"
mark=$(log_mark)
chmod 0555 "$SPOOL"
expect_has "IMAP" "$(mail 127.0.0.9 'imap://127.0.0.1/INBOX;MAILINDEX=1' alice alice-secret)" "$MSG"
expect_has "POP3" "$(mail 127.0.0.9 pop3://127.0.0.1/1 bob bob-secret)" "hello bob"
chmod 0777 "$SPOOL"
expect "record 127.0.0.9" "$(record 127.0.0.9)" none
sleep 0.5
logged_since "$mark" 'relay-ctrl-allow\[[0-9]+\]: warning: .*127\.0\.0\.9.*Permission denied.*continuing without relay' >/dev/null ||
	miss "no relay-ctrl-allow warning naming 127.0.0.9 in syslog"
end

begin "a login after the spool is back writes again (127.0.0.10)"
expect_has "IMAP" "$(mail 127.0.0.10 imap://127.0.0.1/ alice alice-secret)" INBOX
expect "record 127.0.0.10" "$(record 127.0.0.10)" "USER=alice|"
end

begin "Debian's ExecStop= lines stop every server; authdaemond stops"
for s in imapd imapd-ssl pop3d pop3d-ssl authdaemond; do
	timeout 30 "/usr/sbin/$s" stop >/dev/null 2>&1 || miss "$s stop failed"
done
i=0
while pgrep -x couriertcpd >/dev/null || pgrep -f authdaemond >/dev/null
do
	[ $i -ge 100 ] && break
	sleep 0.1
	i=$((i + 1))
done
left=$(pgrep -a -x couriertcpd; pgrep -a -f courier-authlib/authdaemond)
[ -z "$left" ] || miss "still running after 10 s: $(printf '%s' "$left" | tr '\n' ' ')"
end

begin "sysvinit: /etc/init.d/courier-imap with README's /etc/default/imapd starts the wiring; a login from 127.0.0.11 writes its record"
grep -E '^DAEMON(_ARGS)?=' "$ROOT/README.md" >/etc/default/imapd
expect "/etc/default/imapd" "$(tr '\n' ' ' </etc/default/imapd)" \
    "DAEMON=/usr/local/libexec/relayctl/courier-start DAEMON_ARGS=imapd "
timeout 30 /usr/sbin/authdaemond start || miss "authdaemond start failed"
timeout 30 /etc/init.d/courier-imap start >"$T/init.log" 2>&1 ||
	miss "/etc/init.d/courier-imap start failed: $(tail -n 3 "$T/init.log" | tr '\n' ' ')"
wait_port 127.0.0.1 143 || miss "nothing listens on port 143"
expect_has "IMAP" "$(mail 127.0.0.11 'imap://127.0.0.1/INBOX;MAILINDEX=1' alice alice-secret)" "$MSG"
expect "record 127.0.0.11" "$(record 127.0.0.11)" "USER=alice|"
timeout 30 /etc/init.d/courier-imap stop >>"$T/init.log" 2>&1 ||
	miss "/etc/init.d/courier-imap stop failed: $(tail -n 3 "$T/init.log" | tr '\n' ' ')"
i=0
while pgrep -x couriertcpd >/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
pgrep -x couriertcpd >/dev/null && miss "couriertcpd still runs after stop"
end

begin "a Debian start script whose couriertcpd line courier-start does not know: a warning, Debian's script runs unchanged, POP3 logins go on without records"
mark=$(log_mark)
# As an upgrade might leave it: the server named differently.
# shellcheck disable=SC2016,SC2015 # sed's $ are the script's own; miss when either step fails
sed 's|\$libexecdir/courier/courierpop3d \${MAILDIRPATH}|$libexecdir/courier/./courierpop3d ${MAILDIRPATH}|' \
    /usr/lib/courier/pop3d-ssl >"$T/pop3d-ssl.new" &&
    cat "$T/pop3d-ssl.new" >/usr/lib/courier/pop3d-ssl ||
	miss "cannot change /usr/lib/courier/pop3d-ssl"
timeout 30 /usr/sbin/authdaemond start >/dev/null 2>&1
line=$(printf '%s\n' "${START[@]}" | grep 'start pop3d-ssl$')
# shellcheck disable=SC2086 # the documented line, split as systemd does
timeout 30 $line >"$T/start.log" 2>&1 || miss "'$line' failed: $(tr '\n' ' ' <"$T/start.log")"
grep -qE '^courier-start\[[0-9]+\]: warning: /usr/lib/courier/pop3d-ssl does not run courierpop3login and courier/courierpop3d as this script expects; running it unchanged, without relay control$' \
    "$T/start.log" || miss "no warning: '$(tr '\n' ' ' <"$T/start.log")'"
wait_port 127.0.0.1 995 || miss "nothing listens on port 995"
expect_has "POP3S" "$(mail 127.0.0.12 pop3s://127.0.0.1/1 bob bob-secret -k)" "hello bob"
expect "record 127.0.0.12" "$(record 127.0.0.12)" none
logged_since "$mark" 'relay-ctrl-' >/dev/null && miss "relayctl ran: $(logged_since "$mark" 'relay-ctrl-' | head -n 1)"
timeout 30 /usr/sbin/pop3d-ssl stop >/dev/null 2>&1 || miss "pop3d-ssl stop failed"
timeout 30 /usr/sbin/authdaemond stop >/dev/null 2>&1
end

finish
