#!/bin/bash
# Black-box tests of relayctl status and relayctl revoke: the real binary,
# env -i, a temporary spool filled by relayctl allow or by hand.
# Usage: tests/blackbox/status.sh BINARY
# shellcheck disable=SC2034 # lib.sh uses it
BIN=${1:?usage: tests/blackbox/status.sh BINARY}
# shellcheck source=tests/blackbox/lib.sh
. "$(dirname "$0")/lib.sh"

DIRV=(RELAY_CTRL_DIR="$SPOOL")
OUT="$ROOT/out"

login() { # ADDRESS [VAR=value...]: a login through the real allow
	local addr=$1
	shift
	env -i "${BASE_ENV[@]}" "${DIRV[@]}" TCPREMOTEIP="$addr" "$@" "$B/relay-ctrl-allow"
}
status() { run "${DIRV[@]}" -- "$B/relayctl" status "$@" >"$OUT"; }
revoke() { run "${DIRV[@]}" -- "$B/relayctl" revoke "$@" >"$OUT"; }
relays() { # ADDRESS: does check grant RELAYCLIENT to it?
	run "${DIRV[@]}" TCPREMOTEIP="$1" -- "$B/relay-ctrl-check" "$RECORDER" "$REC"
	grep -q '^env=RELAYCLIENT=' "$REC"
}
line_of() { grep -E "^$1" "$OUT"; }
# no byte outside printable ASCII but the newline
printable() { ! LC_ALL=C grep -q '[^ -~]' "$1"; }
# shellcheck disable=SC2059 # the record is given as a printf format on purpose (\0 and the like)
hand_record() { # NAME PRINTF-FORMAT [touch -d offset]
	printf "$2" > "$SPOOL/$1"
	[ -n "${3:-}" ] && touch -d "$3" "$SPOOL/$1"
	return 0
}
spool_state() { (cd "$SPOOL" && find . -printf '%p %y %s %T@\n' | sort); }

# --- the newcomer's story: log in, look, revoke -------------------------------

clean_spool
t "after a POP3 login from 192.0.2.7, status shows the address, the user and the minutes left"
login 192.0.2.7 USER=alice DOMAIN=example.com
status
expect test $rc = 0 -a -n "$(line_of '192\.0\.2\.7 +[0-9]+s +1[45]m[0-9][0-9]s +alice +example\.com$')"
t "... and the summary line counts it"
expect test "$(tail -n 1 "$OUT")" = "1 allowed, 0 stale"
t "... and check lets it relay"
expect relays 192.0.2.7
t "revoke 192.0.2.7 makes the next SMTP connection from it unable to relay"
revoke 192.0.2.7
r1=$rc
expect test "$r1" = 0 -a ! -e "$SPOOL/192.0.2.7" -a ! -s "$OUT"
relays 192.0.2.7
expect test $? != 0
t "... and status no longer lists it"
status
expect test $rc = 0 -a "$(cat "$OUT")" = "0 allowed, 0 stale"

# --- status: the table ------------------------------------------------------

clean_spool
login 192.0.2.1 USER=old
touch -d '-2000 seconds' "$SPOOL/192.0.2.1"
login 192.0.2.2 USER=middle
touch -d '-300 seconds' "$SPOOL/192.0.2.2"
login 2001:db8::7 USER=newest DOMAIN=example.org
login 192.0.2.3 USER=future
touch -d '+1 day' "$SPOOL/192.0.2.3"
hand_record .allow.99.192.0.2.4 'USER=tmp\0'
hand_record notes.txt 'USER=notes\0'
hand_record 010.0.0.1 'USER=badname\0'

t "status lists fresh records only, newest first"
status
expect test $rc = 0 -a "$(sed 1d "$OUT" | sed '$d' | awk '{print $1}' | tr '\n' ' ')" = "2001:db8::7 192.0.2.2 "
t "status: the header names the columns"
expect test "$(head -n 1 "$OUT" | tr -s ' ')" = "ADDRESS AGE LEFT USER DOMAIN"
t "status: the summary counts stale and future-dated records as stale"
expect test "$(tail -n 1 "$OUT")" = "2 allowed, 2 stale"
t "status: a record 300 s old has 10 minutes left"
expect test -n "$(line_of '192\.0\.2\.2 +5m0[0-9]s +(10m00s|9m5[0-9]s) +middle +-$')"
t "status: the columns line up"
expect test "$(awk '!/allowed/ { print index($0, "USER") ? index($0, "USER") : index($0, $4) }' "$OUT" | sort -u | wc -l)" = 1
t "status: temporary files and names that are no canonical address are not records"
expect test -z "$(grep -E 'tmp|notes|badname' "$OUT")"
t "status -a adds the stale records, marked stale"
status -a
expect test $rc = 0 -a -n "$(line_of '192\.0\.2\.1 +33m[0-9][0-9]s +stale +old')" -a -n "$(line_of '192\.0\.2\.3 +(-23h59m|-1d00h) +stale +future')"
t "status -a: still newest first, the future one on top"
expect test "$(sed 1d "$OUT" | sed '$d' | awk '{print $1}' | tr '\n' ' ')" = "192.0.2.3 2001:db8::7 192.0.2.2 192.0.2.1 "
t "status -a: the same summary"
expect test "$(tail -n 1 "$OUT")" = "2 allowed, 2 stale"
t "status follows RELAY_CTRL_EXPIRY, as check does"
run "${DIRV[@]}" RELAY_CTRL_EXPIRY=60 -- "$B/relayctl" status >"$OUT"
expect test "$(tail -n 1 "$OUT")" = "1 allowed, 3 stale"
t "status follows RELAY_CTRL_CLOCK_SKEW: a record 30 s ahead is fresh, or not"
hand_record 192.0.2.5 'USER=skew\0' '+30 seconds'
status
r1=$(grep -c '^192\.0\.2\.5 ' "$OUT")
run "${DIRV[@]}" RELAY_CTRL_CLOCK_SKEW=10 -- "$B/relayctl" status >"$OUT"
expect test "$r1" = 1 -a "$(grep -c '^192\.0\.2\.5 ' "$OUT")" = 0
rm -f "$SPOOL/192.0.2.5"
t "status through relay-ctrl-status and relayctl-status"
run "${DIRV[@]}" -- "$B/relay-ctrl-status" >"$OUT"
r1=$(tail -n 1 "$OUT")
run "${DIRV[@]}" -- "$B/relayctl-status" >"$OUT"
expect test "$r1" = "2 allowed, 2 stale" -a "$(tail -n 1 "$OUT")" = "$r1"
t "status changes nothing in the spool"
before=$(spool_state)
status -a
status --json
status 192.0.2.1 192.0.2.9
expect test "$before" = "$(spool_state)"
t "status reads RELAY_CTRL_DIR from the config directory"
echo "$SPOOL" > "$ROOT/conf/RELAY_CTRL_DIR"
run -- "$B/relayctl" status >"$OUT"
rm "$ROOT/conf/RELAY_CTRL_DIR"
expect test $rc = 0 -a "$(tail -n 1 "$OUT")" = "2 allowed, 2 stale"
t "status does not use RELAY_CTRL_DIR_FD"
run RELAY_CTRL_DIR_FD=0 -- "$B/relayctl" status </dev/null >"$OUT"
expect test $rc = 111

# --- status: machine-readable ------------------------------------------------------

t "status --json is a JSON array with the documented fields"
status --json
expect python3 - "$OUT" <<'PY'
import json, re, sys
rows = json.load(open(sys.argv[1]))
assert isinstance(rows, list) and len(rows) == 2, rows
keys = ["address", "login_time", "age_s", "expires_in_s", "user", "domain", "fresh"]
for r in rows:
    assert list(r) == keys, list(r)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["login_time"])
    assert isinstance(r["age_s"], int) and isinstance(r["expires_in_s"], int)
    assert r["fresh"] is True
    assert 0 < r["expires_in_s"] <= 900 and r["age_s"] + r["expires_in_s"] == 900
assert rows[0]["address"] == "2001:db8::7" and rows[0]["user"] == "newest"
assert rows[0]["domain"] == "example.org" and rows[1]["domain"] == ""
PY
t "status --json login_time is the record's time in UTC"
expect test "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[1]["login_time"])' "$OUT")" = "$(date -u -d "@$(stat -c %Y "$SPOOL/192.0.2.2")" +%Y-%m-%dT%H:%M:%SZ)"
t "status -a --json marks stale ones fresh: false, expires_in_s 0"
status -a --json
expect python3 - "$OUT" <<'PY'
import json, sys
rows = {r["address"]: r for r in json.load(open(sys.argv[1]))}
assert len(rows) == 4
assert rows["192.0.2.1"]["fresh"] is False and rows["192.0.2.1"]["expires_in_s"] == 0
assert rows["192.0.2.3"]["fresh"] is False and rows["192.0.2.3"]["age_s"] < 0
PY
t "status --json on an empty spool is []"
run RELAY_CTRL_DIR="$ROOT/work" -- "$B/relayctl" status --json >"$OUT"
expect test $rc = 0 -a "$(cat "$OUT")" = "[]"
t "status --tsv: a header line, then tab-separated rows of 7 fields"
status --tsv
expect test "$(head -n 1 "$OUT")" = "$(printf 'address\tlogin_time\tage_s\texpires_in_s\tuser\tdomain\tfresh')" -a "$(awk -F '\t' '{print NF}' "$OUT" | sort -u)" = 7 -a "$(wc -l <"$OUT")" = 3
t "status --tsv: fresh is true, the user and domain are there"
expect test -n "$(grep -P '^2001:db8::7\t[0-9T:Z-]+\t[0-9]+\t[0-9]+\tnewest\texample\.org\ttrue$' "$OUT")"
t "status -a --tsv marks stale rows false"
status -a --tsv
expect test -n "$(grep -P '^192\.0\.2\.1\t.*\told\t\tfalse$' "$OUT")"
t "status --json --tsv is a usage error (100)"
status --json --tsv
expect test $rc = 100 -a ! -s "$OUT" -a -n "$(grep usage: "$ERR")"
t "status -x is a usage error (100)"
status -x
expect test $rc = 100
t "status --help prints its usage"
status --help
expect test $rc = 0 -a "$(cat "$OUT")" = "usage: relayctl status [-a] [--json | --tsv] [ADDRESS...]"

# --- status ADDRESS... --------------------------------------------------------------

t "status ADDRESS: a fresh one, any spelling, exit 0"
status 2001:DB8:0:0::7
expect test $rc = 0 -a -n "$(line_of '2001:db8::7 .* newest +example\.org$')"
t "status ADDRESS: an IPv4-mapped spelling finds the IPv4 record"
status ::ffff:192.0.2.2
expect test $rc = 0 -a -n "$(line_of '192\.0\.2\.2 ')"
t "status ADDRESS...: exit 0 only if all are allowed"
status 192.0.2.2 2001:db8::7
expect test $rc = 0 -a "$(tail -n 1 "$OUT")" = "2 allowed, 0 stale, 0 without a record"
t "status ADDRESS...: a stale one makes it 1, shown as stale"
status 192.0.2.2 192.0.2.1
expect test $rc = 1 -a -n "$(line_of '192\.0\.2\.1 .* stale ')"
t "status ADDRESS...: one without a record makes it 1, shown in the order given"
status 192.0.2.9 192.0.2.2
expect test $rc = 1 -a "$(sed -n 2p "$OUT" | awk '{print $1, $3, $4}')" = "192.0.2.9 no record" -a "$(tail -n 1 "$OUT")" = "1 allowed, 0 stale, 1 without a record"
t "status ADDRESS...: one that is no address is 100, after the others are shown"
status 192.0.2.2 ../etc/passwd 192.0.2.1
expect test $rc = 100 -a -n "$(line_of '192\.0\.2\.2 ')" -a -n "$(line_of '192\.0\.2\.1 ')" -a -n "$(grep 'is not an address' "$ERR")"
t "status ADDRESS --json: null for what an address without a record cannot have"
status --json 192.0.2.9 192.0.2.2
expect python3 - "$OUT" <<'PY'
import json, sys
a, b = json.load(open(sys.argv[1]))
assert a == {"address": "192.0.2.9", "login_time": None, "age_s": None,
             "expires_in_s": None, "user": None, "domain": None, "fresh": False}, a
assert b["address"] == "192.0.2.2" and b["fresh"] is True
PY
t "status ADDRESS --tsv: empty fields without a record"
status --tsv 192.0.2.9
expect test "$(sed -n 2p "$OUT")" = "$(printf '192.0.2.9\t\t\t\t\t\tfalse')" -a $rc = 1
t "status -- ADDRESS"
status -- 192.0.2.2
expect test $rc = 0

# --- status: what a record may hold ------------------------------------------------------

clean_spool
long=$(printf 'u%.0s' $(seq 255))
login 192.0.2.20 USER="$long" DOMAIN='q"uo\te'
hand_record 192.0.2.21 'USER=\033]0;owned\007\0DOMAIN=j\303\274rgen\377\0LD_PRELOAD=/x.so\0'
hand_record 192.0.2.22 'USER=tab\there\0DOMAIN=nl\nhere\0'
hand_record 192.0.2.23 'USER=ok\0DOMAIN=\302\233evil\0'
t "status: human output holds no control character and no byte above 126"
status -a
expect test $rc = 0 && printable "$OUT"
t "status: a 255-byte USER is shown whole, quotes and backslashes as they are"
expect test -n "$(grep -F "$long  " "$OUT")" -a -n "$(grep -F 'q"uo\\te' "$OUT")"
t "status: bytes beyond ASCII are shown as \\xHH"
expect test -n "$(grep -F 'j\xc3\xbcrgen\xff' "$OUT")" -a -n "$(grep -F '\xc2\x9bevil' "$OUT")"
t "status: values check would not export are not shown, with a warning"
expect test -z "$(grep -E 'owned|tab|here|x\.so' "$OUT")" -a -n "$(grep 'which is not exported: .*; it is not shown' "$ERR")"
t "status: warnings show record bytes through visible()"
expect printable "$ERR"
t "status --json: every value escaped; invalid UTF-8 becomes U+FFFD"
status --json
expect python3 - "$OUT" "$long" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
assert all(32 <= c < 127 or c == 10 for c in raw), "non-ASCII byte in JSON"
rows = {r["address"]: r for r in json.loads(raw)}
assert rows["192.0.2.20"]["user"] == sys.argv[2]
assert rows["192.0.2.20"]["domain"] == 'q"uo\\te'
assert rows["192.0.2.21"]["user"] == ""
assert rows["192.0.2.21"]["domain"] == "j\u00fcrgen\ufffd"
assert rows["192.0.2.23"]["domain"] == "\u009bevil"
PY
t "status --tsv: unescaping gives back the exact bytes"
status --tsv
expect python3 - "$OUT" <<'PY'
import re, sys
def unescape(f):
    return re.sub(rb"\\(x[0-9a-f]{2}|t|n|r|\\)",
                  lambda m: {b"t": b"\t", b"n": b"\n", b"r": b"\r", b"\\": b"\\"}.get(
                      m.group(1), bytes([int(m.group(1)[1:], 16)] if m.group(1)[:1] == b"x" else b"")),
                  f)
rows = {}
for line in open(sys.argv[1], "rb").read().split(b"\n")[1:-1]:
    f = line.split(b"\t")
    assert len(f) == 7, f
    rows[f[0]] = [unescape(x) for x in f]
assert rows[b"192.0.2.21"][5] == b"j\xc3\xbcrgen\xff", rows[b"192.0.2.21"]
assert rows[b"192.0.2.23"][5] == b"\xc2\x9bevil"
assert rows[b"192.0.2.20"][5] == b'q"uo\\te'
PY
t "status in every format escapes the bidirectional controls (U+202E, U+2066, U+200F, U+061C); --tsv gives the bytes back"
clean_spool
hand_record 192.0.2.24 'USER=a\342\200\256b\0DOMAIN=c\342\201\246d\342\200\217e\330\234f\0'
status --tsv
tsv=$(LC_ALL=C grep -c $'\xe2\x80\xae\|\xe2\x81\xa6\|\xe2\x80\x8f\|\xd8\x9c' "$OUT")
tline=$(sed -n 2p "$OUT" | cut -f5,6)
status --json
json=$(cat "$OUT")
status
expect test "$tsv" = 0 -a "$tline" = "$(printf 'a\\xe2\\x80\\xaeb\tc\\xe2\\x81\\xa6d\\xe2\\x80\\x8fe\\xd8\\x9cf')" -a \
    -n "$(printf '%s' "$json" | grep -F '"user":"a\u202eb"')" -a -n "$(printf '%s' "$json" | grep -F 'c\u2066d\u200fe\u061cf')" && printable "$OUT"
t "status: a record over 1024 bytes is listed without USER, with a warning"
clean_spool
{ printf 'USER=big\0'; head -c 4096 /dev/zero | tr '\0' A; } > "$SPOOL/192.0.2.30"
status
expect test -n "$(line_of '192\.0\.2\.30 .* - +-$')" -a -n "$(grep 'larger than 1024 bytes' "$ERR")"
t "status: a relay-ctrl 3.2 record with no USER at all"
hand_record 192.0.2.31 ''
status 192.0.2.31
expect test $rc = 0 -a -n "$(line_of '192\.0\.2\.31 .* - +-$')"

# --- status: what is not a record -----------------------------------------------------------

clean_spool
login 192.0.2.40 USER=real
printf 'USER=secret\0' > "$ROOT/target"
ln -s "$ROOT/target" "$SPOOL/192.0.2.41"
mkfifo "$SPOOL/192.0.2.42"
mkdir "$SPOOL/192.0.2.43"
t "status: a symlink, a FIFO and a directory neither hang nor count, with warnings"
run "${DIRV[@]}" -- timeout 10 "$B/relayctl" status -a >"$OUT"
expect test $rc = 0 -a "$(tail -n 1 "$OUT")" = "1 allowed, 0 stale" -a "$(grep -c 'not a record' "$ERR")" = 3
t "status: a symlink's target is never read"
expect test -z "$(grep secret "$OUT")"
t "status ADDRESS: a symlink or FIFO is not a record: exit 1"
run "${DIRV[@]}" -- timeout 10 "$B/relayctl" status 192.0.2.41 192.0.2.42 >"$OUT"
expect test $rc = 1 -a -n "$(line_of '192\.0\.2\.41 .*not a record')" -a -n "$(line_of '192\.0\.2\.42 .*not a record')"
t "status: an unreadable record is a warning and exit 111 (as a non-root user)"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 000 "$SPOOL/192.0.2.40"
	chmod 755 "$ROOT" "$SPOOL"
	(env -i "${BASE_ENV[@]}" "${DIRV[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups "$B/relayctl" status) >"$OUT" 2>"$ERR"
	rc=$?
	chmod 644 "$SPOOL/192.0.2.40"
	expect test $rc = 111 -a -n "$(grep 'cannot read record 192.0.2.40' "$ERR")"
else
	chmod 000 "$SPOOL/192.0.2.40"
	status
	chmod 644 "$SPOOL/192.0.2.40"
	expect test $rc = 111 -a -n "$(grep 'cannot read record 192.0.2.40' "$ERR")"
fi

# --- status: failures ---------------------------------------------------------------------------

t "status: a missing spool is fatal, 111, naming the path and the variable"
run RELAY_CTRL_DIR="$ROOT/missing" -- "$B/relayctl" status >"$OUT"
expect test $rc = 111 -a ! -s "$OUT" -a -n "$(grep -E "fatal: cannot open spool directory $ROOT/missing \(RELAY_CTRL_DIR\): No such file" "$ERR")"
t "status: RELAY_CTRL_DIR unset is fatal, 111, naming the variable and the config directory"
run -- "$B/relayctl" status >"$OUT"
expect test $rc = 111 -a -n "$(grep -F "RELAY_CTRL_DIR is set neither in the environment nor in the config directory $ROOT/conf (RELAY_CTRL_CONFIG)" "$ERR")"
t "status > /dev/full exits 111 with a message"
run "${DIRV[@]}" -- "$B/relayctl" status >/dev/full
expect test $rc = 111 -a -n "$(grep 'fatal: cannot write to standard output: No space left on device' "$ERR")"
t "status --json > /dev/full, and with a long listing, likewise"
for i in $(seq 1 300); do hand_record "10.1.$((i / 256)).$((i % 256))" 'USER=someone@example.com\0'; done
run "${DIRV[@]}" -- "$B/relayctl" status --json >/dev/full
r1=$rc
run "${DIRV[@]}" -- "$B/relayctl" status --tsv 10.1.0.1 >/dev/full
expect test $r1 = 111 -a $rc = 111
t "status into a closed pipe ends, without hanging"
run "${DIRV[@]}" -- timeout 10 sh -c "'$B/relayctl' status | head -n 1 >/dev/null"
expect test $rc = 0

# --- revoke ---------------------------------------------------------------------------------------

clean_spool
login 192.0.2.7 USER=alice
login 2001:db8::7 USER=bob
login 192.0.2.8 USER=carol
t "revoke -v removes the records, any spelling, and says so"
revoke -v ::ffff:192.0.2.7 2001:DB8:0::7
expect test $rc = 0 -a "$(cat "$OUT")" = "$(printf 'removed 192.0.2.7\nremoved 2001:db8::7')" -a "$(ls "$SPOOL")" = 192.0.2.8
t "revoke without -v prints nothing"
login 192.0.2.7 USER=alice
revoke 192.0.2.7
expect test $rc = 0 -a ! -s "$OUT" -a ! -s "$ERR" -a ! -e "$SPOOL/192.0.2.7"
t "revoke: an address without a record is no error"
revoke -v 192.0.2.99
expect test $rc = 0 -a ! -s "$OUT"
t "revoke: one that is no address is 100, after the valid ones are removed"
login 192.0.2.7 USER=alice
revoke 'bad/../x' 192.0.2.7 ''
expect test $rc = 100 -a ! -e "$SPOOL/192.0.2.7" -a -n "$(grep 'is not an address' "$ERR")"
t "revoke: no address is a usage error (100)"
revoke
expect test $rc = 100 -a -n "$(grep usage: "$ERR")"
t "revoke -x is a usage error (100), nothing removed"
revoke -x 192.0.2.8
expect test $rc = 100 -a -e "$SPOOL/192.0.2.8"
t "revoke --help prints its usage"
revoke --help
expect test "$(cat "$OUT")" = "usage: relayctl revoke [-v] ADDRESS..."
t "one option parser: revoke -vv and status -aa bundle as age -vn does, --help after a flag prints the usage"
login 192.0.2.60
revoke -vv 192.0.2.60
r1="$rc $(cat "$OUT")"
status -aa
r2=$rc
revoke -v --help
expect test "$r1" = "0 removed 192.0.2.60" -a "$r2" = 0 -a $rc = 0 -a "$(cat "$OUT")" = "usage: relayctl revoke [-v] ADDRESS..."
t "revoke: a symlink under an address is removed, its target untouched"
printf 'USER=keep\0' > "$ROOT/target"
ln -s "$ROOT/target" "$SPOOL/192.0.2.50"
mkfifo "$SPOOL/192.0.2.51"
revoke 192.0.2.50 192.0.2.51
expect test $rc = 0 -a ! -L "$SPOOL/192.0.2.50" -a ! -e "$SPOOL/192.0.2.51" -a "$(tr '\0' ' ' <"$ROOT/target")" = "USER=keep "
t "revoke: a directory under an address is left alone, with a warning"
mkdir "$SPOOL/192.0.2.52"
touch "$SPOOL/192.0.2.52/inside"
revoke 192.0.2.52
expect test $rc = 0 -a -e "$SPOOL/192.0.2.52/inside" -a -n "$(grep 'is a directory' "$ERR")"
t "revoke: a missing spool is fatal (111)"
run RELAY_CTRL_DIR="$ROOT/missing" -- "$B/relayctl" revoke 192.0.2.8
expect test $rc = 111 -a -n "$(grep -F "$ROOT/missing (RELAY_CTRL_DIR)" "$ERR")"
t "revoke: RELAY_CTRL_DIR unset is fatal (111)"
run -- "$B/relayctl" revoke 192.0.2.8
expect test $rc = 111
t "revoke: a record that cannot be removed is 111 (as a non-root user)"
login 192.0.2.60 USER=x
chmod 555 "$SPOOL"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$ROOT"
	(env -i "${BASE_ENV[@]}" "${DIRV[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups "$B/relayctl" revoke 192.0.2.60 bogus) >"$OUT" 2>"$ERR"
	rc=$?
else
	revoke 192.0.2.60 bogus
fi
chmod 755 "$SPOOL"
expect test $rc = 111 -a -e "$SPOOL/192.0.2.60" -a -n "$(grep 'cannot remove record 192.0.2.60' "$ERR")"
t "revoke -v > /dev/full: 111, the record removed all the same"
run "${DIRV[@]}" -- "$B/relayctl" revoke -v 192.0.2.60 >/dev/full
expect test $rc = 111 -a ! -e "$SPOOL/192.0.2.60"

# --- revoke racing allow -----------------------------------------------------------------------

clean_spool
t "revoke racing allow for a few seconds: no failure, no stray file, a whole record or none"
end=$((SECONDS + 3))
( while [ $SECONDS -lt $end ]; do login 192.0.2.70 USER=racer DOMAIN=example.com || exit 1; done ) &
allower=$!
bad=0
while [ $SECONDS -lt $end ]; do
	env -i "${BASE_ENV[@]}" "${DIRV[@]}" "$B/relayctl" revoke 192.0.2.70 2>>"$ERR.race" || bad=$((bad + 1))
	if [ -e "$SPOOL/192.0.2.70" ]; then
		c=$(tr '\0' ' ' < "$SPOOL/192.0.2.70" 2>/dev/null) || c="USER=racer DOMAIN=example.com "
		[ "$c" = "USER=racer DOMAIN=example.com " ] || bad=$((bad + 1))
	fi
	env -i "${BASE_ENV[@]}" "${DIRV[@]}" "$B/relayctl" status 192.0.2.70 >/dev/null 2>>"$ERR.race"
	[ $? -le 1 ] || bad=$((bad + 1))
done
wait $allower
arc=$?
expect test $bad = 0 -a $arc = 0 -a ! -s "$ERR.race" -a -z "$(find "$SPOOL" -mindepth 1 ! -name 192.0.2.70)"
t "after the race: revoke leaves the address unable to relay"
revoke 192.0.2.70
relays 192.0.2.70
expect test $? != 0 -a ! -e "$SPOOL/192.0.2.70"
t "after the race: a new login opens it again (that is POP-before-SMTP)"
login 192.0.2.70 USER=racer
expect relays 192.0.2.70

finish status-revoke
