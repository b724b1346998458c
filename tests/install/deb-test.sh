#!/bin/bash
# The Debian package: built with dpkg-buildpackage in a clean copy of the
# tree, checked with lintian, then installed, used, removed and purged with
# dpkg inside a private mount namespace whose /etc, /usr and /var are
# overlays, so that the host's dpkg database and any relayctl that
# ./install.sh put there stay exactly as they were.
set -u
cd "$(dirname "$0")/../.." || exit 111
. tests/install/lib.sh
started=$(date +%s)

if [ "$(id -u)" != 0 ]; then
	skip "the Debian package (installing it with dpkg, even in a namespace, needs root)"
	summary deb
	exit 0
fi
missing=
for t in dpkg-buildpackage dh lintian fakeroot dpkg-deb unshare file; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	fail "missing:$missing (tests/deps.sh installs debhelper, dpkg-dev, fakeroot, lintian)"
	summary deb
	exit 1
fi

# ------------------------------------------------------------------ build

mkdir -p build
if deb=$(sh tests/install/build-deb.sh 2>build/deb-build.err | tail -n 1) && [ -f "$deb" ]; then
	pass "dpkg-buildpackage -us -uc -b in a clean copy of the tree builds $(basename "$deb")"
else
	fail "dpkg-buildpackage -us -uc -b" "$(cat build/deb-build.err)"
	summary deb
	exit 1
fi
out=$(dirname "$deb")
version=$(sed -n 's/^#define VERSION "\(.*\)"$/\1/p' relayctl.c)
case $(basename "$deb") in
"relayctl_$version-1_amd64.deb" | "relayctl_$version-"*"_$(dpkg --print-architecture).deb")
	pass "the package is named relayctl_$version-REVISION_ARCH.deb, the version of relayctl --version" ;;
*) fail "the package's name $(basename "$deb") does not carry relayctl's version $version" ;;
esac

x=$out/x
rm -rf "$x"
dpkg-deb -x "$deb" "$x"
dpkg-deb -e "$deb" "$x/DEBIAN"
bin=$x/usr/sbin/relayctl
size=$(wc -c <"$bin")
# The static musl build is under 64 KiB (issue 11), static glibc's over
# 700 KiB: the bound tells the two apart, and catches the musl build
# growing past what the README promises.
musl_max=65536
if [ -f "$bin" ] && ! LC_ALL=C grep -q -a GLIBC_ "$bin" && [ "$size" -lt "$musl_max" ] &&
    file "$bin" | grep -q 'statically linked'; then
	pass "/usr/sbin/relayctl is the static musl build ($size bytes)"
else
	fail "/usr/sbin/relayctl is not the static musl build under $musl_max bytes ($size bytes)" "$(file "$bin")"
fi
names=$("$bin" --list)
ok=yes
for n in $names; do
	for l in "relay-ctrl-$n" "relayctl-$n"; do
		[ "$(readlink "$x/usr/sbin/$l")" = relayctl ] || { ok=no; echo "    no link /usr/sbin/$l -> relayctl"; }
		[ -f "$x/usr/share/man/man8/$l.8.gz" ] || { ok=no; echo "    no man page $l.8"; }
	done
done
check "a relay-ctrl-NAME and a relayctl-NAME link beside it, and a man page, for every applet of relayctl --list" test "$ok" = yes
check "relayctl(8) is in the package" test -f "$x/usr/share/man/man8/relayctl.8.gz"
ok=yes
for f in courier-start courier-imapd courier-pop3d; do
	[ "$(stat -c %a "$x/usr/libexec/relayctl/$f" 2>&1)" = 755 ] || { ok=no; echo "    no $f (0755)"; }
	sed -e 's|@BINDIR@|/usr/sbin|g' -e 's|@LIBEXECDIR@|/usr/libexec/relayctl|g' "courier/$f.in" |
		cmp -s - "$x/usr/libexec/relayctl/$f" || { ok=no; echo "    $f does not name /usr/sbin and /usr/libexec/relayctl"; }
done
check "Courier's scripts in /usr/libexec/relayctl, naming /usr/sbin" test "$ok" = yes
want=$(printf '%s\n' /etc/cron.d/relayctl /etc/relay-ctrl/RELAY_CTRL_DIR /etc/relay-ctrl/RELAY_CTRL_EXPIRY)
check "the conffiles are /etc/relay-ctrl/RELAY_CTRL_DIR, RELAY_CTRL_EXPIRY and the cron file" \
	test "$(sort "$x/DEBIAN/conffiles")" = "$want"
others=$(cd "$x" && find etc ! -type d | grep -v -x -e etc/cron.d/relayctl -e 'etc/relay-ctrl/RELAY_CTRL_[A-Z]*')
check "no file in /etc but its own (no other package's configuration)" test -z "$others"
if grep -l -i -E 'postfix|dovecot|exim|courier|sendmail|postconf|invoke-rc.d|service ' \
    "$x"/DEBIAN/p* 2>/dev/null | grep -q .; then
	fail "a maintainer script names a mail server or starts a service" "$(grep -n -i -E 'postfix|dovecot|exim|courier|sendmail|postconf|invoke-rc.d|service ' "$x"/DEBIAN/p*)"
else
	pass "no maintainer script names a mail server or starts a service but the timer"
fi
check "postinst enables relay-ctrl-age.timer through deb-systemd-helper" \
	grep -q "deb-systemd-helper enable 'relay-ctrl-age.timer'" "$x/DEBIAN/postinst"
check "postinst starts no udp receiver" test -z "$(grep "deb-systemd-invoke.*relay-ctrl-udp" "$x/DEBIAN/postinst")"
check "the cron file steps aside where systemd runs" \
	grep -qx '\* \* \* \* \* root test -e /run/systemd/system || .*/usr/sbin/relay-ctrl-age.*' "$x/etc/cron.d/relayctl"

# ---------------------------------------------------------------- lintian

lint=$(lintian --fail-on error,warning "${deb%.deb}.changes" 2>&1)
rc=$?
tags=$(grep -E '^[EW]: ' <<<"$lint")
if [ "$rc" = 0 ] && [ -z "$tags" ]; then
	pass "lintian: no error and no warning$(grep -c '^[IN]: ' <<<"$lint" | sed 's/^0$//; s/^[1-9].*/ (& notes)/')"
else
	fail "lintian (exit $rc)" "$lint"
fi
ok=yes
prev=
while IFS= read -r line; do
	case $line in
	'#'*) prev=reason ;;
	'') prev= ;;
	*) [ "$prev" = reason ] || { ok=no; echo "    no reason above: $line"; }; prev= ;;
	esac
done <debian/relayctl.lintian-overrides
check "every lintian override has a one-line reason above it" test "$ok" = yes

# ----------------------------------------- install, use, remove, purge

# What the host has of relayctl, from ./install.sh or an earlier package:
# the namespace must leave all of it as it was.
host_state() {
	dpkg-query -W -f='${Status} ${Version}\n' relayctl 2>&1
	find /etc/relay-ctrl /var/spool/relay-ctrl -printf '%p %y %m %U %G %s %T@ %C@ %l\n' 2>&1 | sort
	ls -la --time-style=full-iso /etc/cron.d/relay* /etc/systemd/system/relay-ctrl-* /etc/systemd/system/*/relay-ctrl-* \
		/usr/local/bin/relay* /usr/sbin/relay* /lib/systemd/system/relay* /var/lib/dpkg/info/relayctl.* 2>&1
}
before=$(host_state)

ns=$out/ns
mkdir -p "$ns"
unshare -m --propagation private bash -s "$ns" "$(pwd)/$deb" "$version" >"$out/ns.log" 2>&1 <<'NS'
ns=$1 deb=$2 version=$3
mount -t tmpfs tmpfs "$ns" || exit 90
mkdir "$ns/lower"
mount --bind / "$ns/lower" || exit 90
for dir in /etc /usr /var; do
	n=${dir#/}
	mkdir -p "$ns/u/$n" "$ns/w/$n"
	mount -t overlay overlay -o "lowerdir=$dir,upperdir=$ns/u/$n,workdir=$ns/w/$n" "$dir" || exit 90
done
# systemd is not PID 1 here, and no daemon is started: a fresh /run, and
# policy-rc.d refuses every start.
mount -t tmpfs tmpfs /run || exit 90
mkdir "$ns/tmp"
export TMPDIR=$ns/tmp
mount -o remount,bind,ro / || exit 90
if touch /.relayctl-ro-probe 2>/dev/null; then exit 90; fi
mount -o remount,bind,ro "$ns/lower" 2>/dev/null
echo "info: dpkg runs in a private mount namespace: /etc, /usr and /var are overlays on a tmpfs, /run is a tmpfs, TMPDIR is on it, the rest of / is read-only"
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
# A fresh host as far as relayctl goes: what install.sh left is hidden.
rm -rf /etc/relay-ctrl /var/spool/relay-ctrl /etc/cron.d/relay-ctrl /etc/cron.d/relayctl \
	/etc/systemd/system/relay-ctrl-* /etc/systemd/system/*/relay-ctrl-*
dpkg --purge relayctl >/dev/null 2>&1
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
for i in 1 2 3 4 5 6; do
	[ -z "$(dpkg --audit 2>&1)" ] && break
	sleep 10	# another dpkg was half way when the overlay was laid
done

if DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$ns/install.log" 2>&1 &&
    [ "$(dpkg-query -W -f='${Status}' relayctl)" = "install ok installed" ]; then
	echo "ok: dpkg -i installs it (install ok installed)"
else
	echo "FAIL: dpkg -i"; cat "$ns/install.log"
fi
[ "$(stat -c '%a %u %g' /var/spool/relay-ctrl)" = "700 0 0" ] &&
	[ "$(stat -c '%a %u %g' /var/spool/relay-ctrl/allow)" = "777 0 0" ] &&
	echo "ok: postinst creates /var/spool/relay-ctrl 0700 root with allow/ 0777" ||
	{ echo "FAIL: spool modes"; ls -la /var/spool/relay-ctrl; }
[ "$(cat /etc/relay-ctrl/RELAY_CTRL_DIR)" = /var/spool/relay-ctrl/allow ] &&
	[ "$(cat /etc/relay-ctrl/RELAY_CTRL_EXPIRY)" = 900 ] &&
	echo "ok: /etc/relay-ctrl holds RELAY_CTRL_DIR and RELAY_CTRL_EXPIRY" || echo "FAIL: /etc/relay-ctrl"
[ "$(readlink /etc/systemd/system/timers.target.wants/relay-ctrl-age.timer)" = /lib/systemd/system/relay-ctrl-age.timer ] &&
	echo "ok: relay-ctrl-age.timer is enabled" || { echo "FAIL: the timer is not enabled"; ls -lR /etc/systemd/system; }
[ -z "$(find /etc/systemd/system -name 'relay-ctrl-udp*')" ] &&
	echo "ok: no udp receiver is enabled" || echo "FAIL: a udp unit is enabled"
units=$(ls /lib/systemd/system/relay-ctrl-* | tr "\n" " ")
if ! command -v systemd-analyze >/dev/null; then
	echo "skipped: systemd-analyze verify of the package's units: systemd-analyze is not installed (Debian: systemd)"
elif out=$(unshare -m sh -c "mount -t tmpfs tmpfs /tmp && systemd-analyze verify $units" 2>&1) && [ -z "$out" ]; then
	echo "ok: systemd-analyze verify: $(echo $units | sed 's:/lib/systemd/system/::g')"
else
	echo "FAIL: systemd-analyze verify"; echo "$out"
fi
MANPAGER=cat MANWIDTH=200 man relay-ctrl-check 2>/dev/null | grep -q '^SYNOPSIS' &&
	echo "ok: man relay-ctrl-check" || echo "FAIL: man relay-ctrl-check"

# allow, check and status from the installed files and configuration
env -i PATH="$PATH" TCPREMOTEIP=192.0.2.7 USER=alice /usr/sbin/relay-ctrl-allow 2>"$ns/allow" &&
	[ -f /var/spool/relay-ctrl/allow/192.0.2.7 ] &&
	echo "ok: relay-ctrl-allow writes the record with the installed configuration" ||
	{ echo "FAIL: relay-ctrl-allow"; cat "$ns/allow"; }
out=$(env -i PATH="$PATH" TCPREMOTEIP=192.0.2.7 /usr/sbin/relay-ctrl-check /usr/bin/env 2>&1)
case $out in *RELAYCLIENT=*) echo "ok: relay-ctrl-check grants the address that logged in" ;;
*) echo "FAIL: relay-ctrl-check"; echo "$out" ;; esac
out=$(env -i PATH="$PATH" TCPREMOTEIP=192.0.2.8 /usr/sbin/relay-ctrl-check /usr/bin/env 2>/dev/null)
case $out in *RELAYCLIENT=*) echo "FAIL: relay-ctrl-check grants an address that did not log in" ;;
*) echo "ok: relay-ctrl-check refuses one that did not" ;; esac
env -i PATH="$PATH" /usr/sbin/relayctl status 192.0.2.7 >"$ns/status" 2>&1 && grep -q 192.0.2.7 "$ns/status" &&
	echo "ok: relayctl status shows the login" || { echo "FAIL: relayctl status"; cat "$ns/status"; }

# The cron line: age without systemd, nothing where systemd runs.
line=$(sed -n 's/^\* \* \* \* \* root //p' /etc/cron.d/relayctl)
stale=/var/spool/relay-ctrl/allow/192.0.2.99
printf 'USER=old\0' >"$stale"
touch -d '-2 hours' "$stale"
mkdir -p /run/systemd/system
sh -c "$line"
[ -f "$stale" ] && echo "ok: where systemd runs, the cron line does nothing (the timer's job)" ||
	echo "FAIL: the cron line ran age beside the timer"
rm -rf /run/systemd/system
sh -c "$line" && [ ! -e "$stale" ] && [ -f /var/spool/relay-ctrl/allow/192.0.2.7 ] &&
	echo "ok: without systemd, the cron line runs relay-ctrl-age: the stale record goes, the fresh one stays" ||
	echo "FAIL: without systemd, the cron line did not age the spool"

if DEBIAN_FRONTEND=noninteractive dpkg -r relayctl >"$ns/remove.log" 2>&1 &&
    [ "$(dpkg-query -W -f='${Status}' relayctl)" = "deinstall ok config-files" ]; then
	echo "ok: dpkg -r removes it (deinstall ok config-files)"
else
	echo "FAIL: dpkg -r"; cat "$ns/remove.log"
fi
[ ! -e /usr/sbin/relayctl ] && [ -z "$(ls /usr/sbin/relay-ctrl-* /usr/sbin/relayctl-* /lib/systemd/system/relay-ctrl-* 2>/dev/null)" ] &&
	echo "ok: remove takes the binary, its links and the units" || echo "FAIL: remove left programs or units"
[ -f /etc/relay-ctrl/RELAY_CTRL_DIR ] && [ -f /var/spool/relay-ctrl/allow/192.0.2.7 ] &&
	echo "ok: remove keeps the configuration and the spool" || echo "FAIL: remove took the configuration or the spool"
if out=$(sh -c "$(sed -n 's/^\* \* \* \* \* root //p' /etc/cron.d/relayctl)" 2>&1) && [ -z "$out" ]; then
	echo "ok: removed but not purged, the cron line is silent"
else
	echo "FAIL: removed but not purged, the cron line says: $out"
fi

if DEBIAN_FRONTEND=noninteractive dpkg -P relayctl >"$ns/purge.log" 2>&1 &&
    ! dpkg-query -W -f='${Status}' relayctl 2>/dev/null | grep -q 'installed\|config-files'; then
	echo "ok: dpkg -P purges it"
else
	echo "FAIL: dpkg -P"; cat "$ns/purge.log"
fi
[ ! -e /etc/relay-ctrl ] && [ ! -e /var/spool/relay-ctrl ] && [ ! -e /etc/cron.d/relayctl ] &&
	[ ! -e /etc/systemd/system/timers.target.wants/relay-ctrl-age.timer ] &&
	[ ! -h /etc/systemd/system/timers.target.wants/relay-ctrl-age.timer ] &&
	echo "ok: purge removes the configuration, the spool, the cron file and the timer's link" ||
	echo "FAIL: purge left $(ls -d /etc/relay-ctrl /var/spool/relay-ctrl /etc/cron.d/relayctl /etc/systemd/system/timers.target.wants/relay-ctrl-age.timer 2>/dev/null)"

# What the whole run left in the overlays, against the host underneath:
# only dpkg's database and log and man-db's cache may differ.
left=
seen=0
while IFS= read -r p; do
	seen=$((seen + 1))
	case $p in
	var/lib/dpkg/* | var/log/dpkg.log | var/cache/man/* | var/cache/man | var/lib/dpkg) continue ;;
	usr/sbin/policy-rc.d) continue ;;	# this test's own
	esac
	if [ -d "$ns/u/$p" ] && [ ! -h "$ns/u/$p" ] && [ -d "$ns/lower/$p" ]; then
		continue	# a directory copied up, there before
	fi
	if [ -c "$ns/u/$p" ] && [ ! -e "$ns/lower/$p" ]; then
		continue
	fi
	case $p in
	etc/relay-ctrl | etc/relay-ctrl/* | var/spool/relay-ctrl | var/spool/relay-ctrl/* | etc/cron.d/relay-ctrl | etc/systemd/system/*relay-ctrl-*)
		[ -c "$ns/u/$p" ] && continue ;;	# what install.sh left on the host, hidden above
	esac
	left="$left $p"
done <<EOF
$(cd "$ns/u" && find . -mindepth 1 | sed 's:^\./::' | sort)
EOF
[ -z "$left" ] && echo "ok: after purge nothing is left but dpkg's database and log and man-db's cache ($seen paths in the overlays)" ||
	echo "FAIL: after purge left:$left"
NS
rc=$?
if [ "$rc" = 90 ]; then
	fail "the private mount namespace with overlays could not be set up" "$(cat "$out/ns.log")"
else
	while IFS= read -r line; do
		case $line in
		"ok: "*) pass "installed: ${line#ok: }" ;;
		"FAIL: "*) fail "installed: ${line#FAIL: }" ;;
		"info: "*) echo "${line#info: }" ;;
		"skipped: "*) skip "installed: ${line#skipped: }" ;;
		*) echo "    $line" ;;
		esac
	done <"$out/ns.log"
	grep -q '^ok: ' "$out/ns.log" || fail "installed: nothing ran (exit $rc)" "$(cat "$out/ns.log")"
fi
after=$(host_state)
if [ "$before" = "$after" ]; then
	pass "the host's dpkg database and its relayctl files (install.sh's, if any) are as they were"
else
	fail "the namespace test changed the host" "$(diff <(echo "$before") <(echo "$after"))"
fi
echo "deb: the package suite took $(($(date +%s) - started)) s"
summary deb
