#!/bin/bash
# Race stress test: allows for 50 addresses from several loops at once,
# while age (short expiry), check, status and revoke run in loops of their
# own.  Afterwards every address whose latest allow is fresh has a record
# holding exactly what that allow wrote, no temporary file is left, records
# nobody refreshed were aged away, neither check nor status ever saw a
# torn record, and no check refused an address that an allow had written
# too recently to be stale (an age that deletes a fresh record shows here
# even when the next login rewrites it).  Usage: run.sh RELAYCTL [SECONDS]
# shellcheck disable=SC2016 # the single-quoted texts are the loops' bash and the checks' awk: their $ expand there
set -u
SECS=${2:-20}
EXPIRY=4
T=$(mktemp -d /tmp/relayctl-race.XXXXXX)
trap 'rm -rf "$T"' EXIT
# a copy: "make" in the same checkout may rewrite the binary meanwhile
BIN=$T/relayctl
cp "$1" "$BIN" || exit 111
S=$T/spool
mkdir -p "$S" "$T/log"
# a long DOMAIN makes a torn write more likely to be seen
PAD=$(printf 'p%.0s' $(seq 180))
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

addr() {	# 1-30 owned by the allow loops, 31-35 sleepers, 36-40 revoked, 41-50 comebacks
	if [ $(($1 % 4)) -eq 0 ]; then echo "2001:db8::$1"; else echo "192.0.2.$1"; fi
}

# One clean environment for every loop: nothing from the caller leaks in.
run_loop() {
	env -i PATH=/usr/bin:/bin BIN="$BIN" S="$S" T="$T" PAD="$PAD" \
	    EXPIRY="$EXPIRY" END="$END" bash -c "$(declare -f addr); $1" \
	    > "$T/log/$2.out" 2> "$T/log/$2.err" &
}

END=$((EPOCHSECONDS + SECS))
SLEEP_END=$((EPOCHSECONDS + SECS / 3))
export RELAY_CTRL_CONFIG=/nonexistent

# allow: loop g owns addresses g, g+3, ...; the sequence number advances
# every other round so that half the logins only refresh the time in place
for g in 1 2 3; do
	run_loop '
	export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent
	k=0
	while [ "$EPOCHSECONDS" -lt "$END" ]; do
		k=$((k + 1)); seq=$((k / 2))
		for ((i = '"$g"'; i <= 30; i += 3)); do
			a=$(addr "$i")
			t0=$EPOCHREALTIME
			TCPREMOTEIP=$a USER=u$i-$seq DOMAIN=d$i-$seq-$PAD \
			    "$BIN" allow
			echo "$t0 $a $seq $EPOCHREALTIME"
		done
	done' "allow$g"
done
# comebacks: logins that return just as their record went stale, when age
# may be setting it aside (the race relay-ctrl 3.2 lost)
run_loop '
export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent
k=0
while [ "$EPOCHSECONDS" -lt "$END" ]; do
	k=$((k + 1))
	for ((i = 41; i <= 50; i++)); do
		a=$(addr "$i")
		t0=$EPOCHREALTIME
		TCPREMOTEIP=$a USER=u$i-$k DOMAIN=d$i-$k-$PAD "$BIN" allow
		echo "$t0 $a $k $EPOCHREALTIME"
	done
	for ((z = EXPIRY * 10 + RANDOM % 10; z > 0; z--)); do
		[ "$EPOCHSECONDS" -lt "$END" ] || break
		sleep 0.1
	done
done' allow4
# sleepers: allowed for the first third only, then left to age
run_loop '
export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent
while [ "$EPOCHSECONDS" -lt '"$SLEEP_END"' ]; do
	for i in 31 32 33 34 35; do
		a=$(addr "$i")
		t0=$EPOCHREALTIME
		TCPREMOTEIP=$a USER=u$i-0 DOMAIN=d$i-0-$PAD "$BIN" allow
		echo "$t0 $a 0 $EPOCHREALTIME"
	done
done' sleepers
# racers: a record made stale by hand, then a login a few ms later, when a
# slowed age may be between its look and its unlink; a second later the
# record must be there (age cannot have judged the login's record stale)
run_loop '
export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent
k=0
while [ "$EPOCHSECONDS" -lt "$END" ]; do
	k=$((k + 1))
	for i in 51 52 53 54 55; do
		a=$(addr "$i")
		[ -f "$S/$a" ] && touch -h -d "@$((EPOCHSECONDS - 600))" "$S/$a"
		sleep "0.0$((RANDOM % 10))"
		TCPREMOTEIP=$a USER=u$i-$((k / 2)) DOMAIN=d$i-$((k / 2))-$PAD "$BIN" allow
		echo "$i $k $EPOCHREALTIME" >> "$T/log/racer.want"
	done
	sleep 1
	while read -r i kk t; do
		[ -f "$S/$(addr "$i")" ] || echo "LOST $(addr "$i") allowed at $t"
	done < "$T/log/racer.want"
	: > "$T/log/racer.want"
done' racers
# revoked: allowed and revoked over and over
run_loop '
export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent
while [ "$EPOCHSECONDS" -lt "$END" ]; do
	for i in 36 37 38 39 40; do
		TCPREMOTEIP=$(addr $i) USER=u$i-0 DOMAIN=d$i-0-$PAD "$BIN" allow
	done
done' revallow
run_loop '
export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent
while [ "$EPOCHSECONDS" -lt "$END" ]; do
	"$BIN" revoke $(addr 36) $(addr 37) $(addr 38) $(addr 39) $(addr 40) ||
	    echo "revoke exited $?" >&2
done' revoke
run_loop '
export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent RELAY_CTRL_EXPIRY=$EXPIRY
n=0
while [ "$EPOCHSECONDS" -lt "$END" ]; do
	"$BIN" age || echo "age exited $?" >&2
	n=$((n + 1))
	last=$EPOCHREALTIME
done
echo "runs $n"
echo "last $last"' age
# age again, its renames and unlinks each held back 20 ms by strace, so
# that logins land inside its windows (between its look and its action)
if strace -o /dev/null -e trace=none true 2>/dev/null; then
	run_loop '
	export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent RELAY_CTRL_EXPIRY=$EXPIRY
	while [ "$EPOCHSECONDS" -lt "$END" ]; do
		strace -f -o /dev/null -e trace=renameat,renameat2,unlinkat,linkat \
		    -e inject=renameat,renameat2,unlinkat,linkat:delay_enter=20000 \
		    "$BIN" age || echo "slow age exited $?" >&2
	done' slowage
else
	echo "note: no working strace: age runs without widened windows"
fi
for c in 1 2; do
	run_loop '
	export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent RELAY_CTRL_EXPIRY=$EXPIRY
	while [ "$EPOCHSECONDS" -lt "$END" ]; do
		i=$((RANDOM % 50 + 1))
		T0=$EPOCHREALTIME TCPREMOTEIP=$(addr $i) "$BIN" check sh -c \
		    '"'"'printf "%s|%s|%s|%s|%s|" "$TCPREMOTEIP" "${RELAYCLIENT+yes}" "${USER-}" "${DOMAIN-}" "$T0"'"'"'
		echo "$EPOCHREALTIME"
	done' "check$c"
done
run_loop '
export RELAY_CTRL_DIR=$S RELAY_CTRL_CONFIG=/nonexistent RELAY_CTRL_EXPIRY=$EXPIRY
while [ "$EPOCHSECONDS" -lt "$END" ]; do
	"$BIN" status -a --tsv || echo "status exited $?" >&2
done' status
wait
# a login that met age's lock left a process to write its record again
# once age let go (lib/spool.c): let those finish before looking
sleep 1
flock -x -w 10 "$S" true || bad "the spool stayed locked after every loop ended"
# age's clock during its last run was at most this: records fresher than
# that may not have been removed
now=$(sed -n 's/^last //p' "$T/log/age.out")
now=${now:-$EPOCHREALTIME}

# --- verification ---------------------------------------------------------

# The last allow of each owned address, from the allow loops' logs.
declare -A last_t last_seq
while read -r t a seq _; do
	last_t[$a]=$t
	last_seq[$a]=$seq
done < <(cat "$T"/log/allow?.out)

unchecked=0
for i in $(seq 1 30) $(seq 41 50); do
	a=$(addr "$i")
	f=$S/$a
	t=${last_t[$a]:-0}
	want=$(printf 'USER=u%s-%s\\0DOMAIN=d%s-%s-%s\\0' "$i" "${last_seq[$a]:-x}" "$i" "${last_seq[$a]:-x}" "$PAD")
	# age judges whole seconds: a record whose mtime (at least the second
	# its allow started) is within EXPIRY of now is fresh and must be there
	# shellcheck disable=SC2059 # $want is the printf format of the record allow wrote
	if [ "${t%.*}" -gt $(( ${now%.*} - EXPIRY )) ]; then
		if [ ! -f "$f" ] || [ -L "$f" ]; then
			bad "$a: latest allow at $t is fresh, but there is no record"
		elif [ "$(od -An -c "$f")" != "$(printf "$want" | od -An -c)" ]; then
			bad "$a: record is not what the latest allow wrote: $(od -An -c "$f" | head -c 120)"
		elif [ "$(stat -c %a "$f")" != 644 ]; then
			bad "$a: mode $(stat -c %a "$f")"
		else
			ok
		fi
	else
		unchecked=$((unchecked + 1))
		[ "$i" -le 30 ] && echo "note: $a: latest allow at $t is not fresh at $now (loaded machine?)"
	fi
done
[ "$unchecked" -lt 40 ] || bad "no address had a fresh latest allow to check"

# sleepers went stale long before age's last run: age removed them
[ $(( ${now%.*} - EXPIRY - 1 )) -gt "$SLEEP_END" ] ||
    bad "age stopped before the sleepers went stale: run longer"
for i in 31 32 33 34 35; do
	if [ -e "$S/$(addr $i)" ]; then
		bad "$(addr $i): stale since $((SLEEP_END + EXPIRY)), not aged away"
	else
		ok
	fi
done

# whatever is in the spool is one whole record
for f in "$S"/* "$S"/.[!.]*; do
	[ -e "$f" ] || continue
	n=$(basename "$f")
	case $n in
	.*) bad "temporary file left: $n"; continue ;;
	esac
	if tr '\0' '\n' < "$f" | grep -Eqvx "USER=u[0-9]+-[0-9]+|DOMAIN=d[0-9]+-[0-9]+-$PAD" ||
	    [ "$(tr -cd '\0' < "$f" | wc -c)" -ne 2 ]; then
		bad "$n: not one whole record"
	else
		ok
	fi
done

# check and status: every grant and every row carried one whole record of
# its own address (awk: tens of thousands of lines)
torn='
function addr(i) { return i % 4 == 0 ? "2001:db8::" i : "192.0.2." i }
{
	if (kind == "check" && $2 != "yes") next
	if (kind == "status" && $1 == "address") next
	n++
	u = substr($(ucol), 2); d = substr($(ucol + 1), 2)
	i = u; sub(/-.*/, "", i)
	if (addr(i) != $1 || d != u "-" pad) {
		print "FAIL: " kind " saw a torn or foreign record for " $1 ": USER=" $(ucol) " DOMAIN=" substr($(ucol + 1), 1, 40)
		bad++
	}
}
END { print "rows " n + 0; exit bad > 0 }'
for kind in check status; do
	if [ $kind = check ]; then
		out=$(cat "$T"/log/check?.out | awk -F'|' -v kind=check -v ucol=3 -v pad="$PAD" "$torn")
	else
		out=$(awk -F'\t' -v kind=status -v ucol=5 -v pad="$PAD" "$torn" "$T/log/status.out")
	fi
	rc=$?
	printf '%s\n' "$out" | grep '^FAIL' | head -n 5
	rows=$(printf '%s\n' "$out" | sed -n 's/^rows //p')
	if [ $kind = check ]; then check_rows=$rows; else status_rows=$rows; fi
	if [ "$rc" -ne 0 ]; then
		bad "$kind saw torn records"
	elif [ "${rows:-0}" -eq 0 ]; then
		bad "$kind never saw a record"
	else
		ok
	fi
done

# Every decision of check against the allows before it: a refusal is a lost
# login when an allow of that address had finished before the check began
# and had begun less than EXPIRY - 1 s before the check ended.  Its record
# then holds a time no older than the allow's start (SPEC: the writer's own
# clock), check's clock is at most the check's end, and whole seconds lose
# less than 1 s, so the record was fresh all the time the check ran.
# Revoked addresses (36-40) are not counted.  Each check line is ADDRESS |
# yes-or-empty | USER | DOMAIN | start | end; each allow line is start
# ADDRESS seq end.
lost=$(cat "$T"/log/check?.out | EXPIRY=$EXPIRY python3 -c '
import bisect, os, sys
E = float(os.environ["EXPIRY"])
allows = {}
for path in sys.argv[1:]:
    for line in open(path):
        w = line.split()
        if len(w) == 4:
            allows.setdefault(w[1], []).append((float(w[3]), float(w[0])))
index = {}
for a, l in allows.items():
    l.sort()
    ends, best, m = [], [], 0.0
    for end, start in l:
        m = max(m, start)
        ends.append(end)
        best.append(m)
    index[a] = (ends, best)
revoked = {"192.0.2.%d" % i for i in (37, 38, 39)} | {"2001:db8::36", "2001:db8::40"}
checks = bound = lost = 0
for line in sys.stdin:
    f = line.rstrip("\n").split("|")
    if len(f) != 6:
        continue
    checks += 1
    a, granted, t0, t1 = f[0], f[1] == "yes", float(f[4]), float(f[5])
    if a in revoked or a not in index:
        continue
    ends, best = index[a]
    k = bisect.bisect_left(ends, t0)
    if k == 0 or t1 - best[k - 1] >= E - 1:
        continue
    bound += 1
    if not granted:
        lost += 1
        if lost <= 5:
            print("FAIL: check refused %s at %.3f-%.3f, %.3f s after an allow began (finished %.3f)"
                  % (a, t0, t1, t1 - best[k - 1], ends[k - 1]))
print("decisions %d bound %d lost %d" % (checks, bound, lost))
' "$T"/log/allow?.out "$T"/log/sleepers.out)
printf '%s\n' "$lost" | grep '^FAIL'
case $lost in
*"lost 0") ok ;;
*) bad "check refused logins that were fresh: ${lost##*decisions }" ;;
esac
decisions=${lost##*decisions }
bound=${decisions#* bound }
bound=${bound%% *}
decisions=${decisions%% *}
[ "${bound:-0}" -gt 0 ] || bad "no check ran while a record had to be fresh"

lost=$(grep -c '^LOST' "$T/log/racers.out")
if [ "$lost" -gt 0 ]; then
	bad "$lost racer logins lost: $(grep -m 3 '^LOST' "$T/log/racers.out" | tr '\n' ' ')"
else
	ok
fi

# every loop ran quietly: a warning under load is a race that lost
for e in "$T"/log/*.err; do
	if [ -s "$e" ]; then
		bad "$(basename "$e" .err) said: $(head -n 3 "$e")"
	else
		ok
	fi
done
ages=$(sed -n 's/^runs //p' "$T/log/age.out")
echo "race: $SECS s, $(cat "$T"/log/allow?.out | wc -l) allows, ${ages:-0} age runs, $check_rows grants of ${decisions:-0} checks (${bound:-0} bound to grant), $status_rows status rows"
echo "race: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
