#!/bin/bash
# install.sh from the outside: options, permissions, every file, mode and
# link it installs, a second run that changes nothing, --uninstall and
# --purge, --prefix, building, the chroot, and (as root, in a private mount
# namespace) a real install into / that leaves the host untouched.
set -u
cd "$(dirname "$0")/../.." || exit 111
. tests/install/lib.sh

is_root=no
[ "$(id -u)" = 0 ] && is_root=yes

if [ ! -x ./relayctl ] && ! make -s relayctl; then
	fail "./relayctl cannot be built"
	summary install
	exit 1
fi

work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

# A copy of the tree, so that others' edits in the checkout do not make
# install.sh rebuild in the middle of a test; the binary is the newest file.
src=$work/src
mkdir "$src"
cp -R install.sh Makefile relayctl.c applets lib man systemd courier relayctl "$src/"
touch "$src/relayctl"
chmod -R a+rX "$src"
inst=$src/install.sh
names=$("$src/relayctl" --list)
# The unit files install.sh puts beside the cron file (udp's only with its applet).
units="relay-ctrl-age.service relay-ctrl-age.timer"
grep -qx udp <<<"$names" && units="$units relay-ctrl-udp.service"
version=$("$src/relayctl" --version)
pages=$(cd man && printf '%s\n' *.8)

# run_install LOG ARGS...: runs install.sh; stdout+stderr in LOG, returns its status.
run_install() {
	local log=$1
	shift
	"$inst" "$@" >"$log" 2>&1
}

# As another user: nobody, with no supplementary groups.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# Everything under a tree that a second run must leave alone: type, mode,
# owner, size, times (ctime catches a needless chmod or rewrite), target.
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %U %G %s %T@ %C@ %l\n' | sort)
}

# The tree as (type mode path target) lines, for comparison with expected().
tree() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %P %l\n' | sed 's/ $//' | sort -k3)
}

# What --destdir must produce for prefix $1 (without the leading slash).
expected() {
	local p=$1 d="" part
	{
		for part in ${p//\// }; do
			d=${d:+$d/}$part
			echo "d 755 $d"
		done
		echo "d 755 $p/bin"
		echo "f 755 $p/bin/relayctl"
		for n in $names; do
			echo "l 777 $p/bin/relay-ctrl-$n relayctl"
			echo "l 777 $p/bin/relayctl-$n relayctl"
		done
		echo "d 755 $p/libexec"
		echo "d 755 $p/libexec/relayctl"
		for f in courier-start courier-imapd courier-pop3d; do
			echo "f 755 $p/libexec/relayctl/$f"
		done
		echo "d 755 $p/share"
		echo "d 755 $p/share/man"
		echo "d 755 $p/share/man/man8"
		for pg in $pages; do
			echo "f 644 $p/share/man/man8/$pg"
		done
		echo "d 755 etc"
		echo "d 755 etc/cron.d"
		echo "f 644 etc/cron.d/relay-ctrl"
		echo "d 755 etc/relay-ctrl"
		echo "f 644 etc/relay-ctrl/RELAY_CTRL_DIR"
		echo "f 644 etc/relay-ctrl/RELAY_CTRL_EXPIRY"
		echo "d 755 etc/systemd"
		echo "d 755 etc/systemd/system"
		for u in $units; do
			echo "f 644 etc/systemd/system/$u"
		done
		echo "d 755 var"
		echo "d 755 var/spool"
		echo "d 700 var/spool/relay-ctrl"
		echo "d 777 var/spool/relay-ctrl/allow"
	} | sort -u -k3
}

# ---------------------------------------------------------------- static

if command -v shellcheck >/dev/null 2>&1; then
	if out=$(shellcheck -s sh "$inst" 2>&1); then
		pass "shellcheck -s sh install.sh is clean"
	else
		fail "shellcheck -s sh install.sh" "$out"
	fi
else
	fail "shellcheck is not installed (tests/deps.sh installs it)"
fi
if command -v shellcheck >/dev/null 2>&1; then
	if out=$(shellcheck -s sh -o quote-safe-variables "$inst" 2>&1); then
		pass "shellcheck -o quote-safe-variables: every variable expansion in install.sh is quoted"
	else
		fail "shellcheck -o quote-safe-variables install.sh" "$out"
	fi
fi
check "install.sh is POSIX sh (#!/bin/sh, set -eu)" \
	grep -qx 'set -eu' "$inst"
if [ "$(head -n 1 "$inst")" = "#!/bin/sh" ]; then
	pass "install.sh starts with #!/bin/sh"
else
	fail "install.sh does not start with #!/bin/sh"
fi
if command -v dash >/dev/null 2>&1 && dash -n "$inst"; then
	pass "dash -n install.sh parses"
fi

# ---------------------------------------------------------------- options

if run_install "$work/help" --help && grep -q -- --destdir "$work/help" &&
    grep -q -- --chroot "$work/help" && grep -q -- --uninstall "$work/help" &&
    grep -q -- --purge "$work/help" && grep -q -- --prefix "$work/help"; then
	pass "--help exits 0 and describes every option"
else
	fail "--help" "$(cat "$work/help")"
fi

bad=0
while IFS='|' read -r what args; do
	bad=$((bad + 1))
	d=$work/bad$bad
	# shellcheck disable=SC2086
	run_install "$work/bad.log" --destdir "$d" $args
	rc=$?
	if [ "$rc" = 100 ] && [ ! -e "$d" ] && grep -q 'fatal: .*nothing was changed' "$work/bad.log"; then
		pass "$what: exit 100, a message, nothing created"
	else
		fail "$what: exit $rc (want 100), created: $([ -e "$d" ] && echo yes || echo no)" "$(cat "$work/bad.log")"
	fi
done <<'EOF'
an unknown option|--bogus
an argument|extra
a relative --prefix|--prefix usr/local
--prefix without a directory|--prefix
--purge without --uninstall|--purge
--with-spool without --chroot|--with-spool
--chroot with --destdir|--chroot /nonexistent-jail
EOF

# ------------------------------------------------------------ permissions

if [ "$is_root" = yes ]; then
	before=$(ls -ld /etc/relay-ctrl /usr/local/bin/relayctl /var/spool/relay-ctrl 2>&1)
	as_nobody "$inst" >"$work/perm.log" 2>&1
	rc=$?
	after=$(ls -ld /etc/relay-ctrl /usr/local/bin/relayctl /var/spool/relay-ctrl 2>&1)
	if [ "$rc" = 111 ] && grep -q 'needs root' "$work/perm.log" && [ "$before" = "$after" ]; then
		pass "not root, no --destdir: exit 111, says root is needed, touches nothing"
	else
		fail "not root, no --destdir: exit $rc" "$(cat "$work/perm.log")"
	fi
fi

# A tree where one target directory (the man pages') is not writable: the
# refusal comes before the binary is installed, not half way.
runner=()
[ "$is_root" = yes ] && runner=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
d=$work/partial
mkdir -p "$d/usr/local/share"
[ "$is_root" = yes ] && chown -R 65534:65534 "$d"
chmod 555 "$d/usr/local/share"
"${runner[@]}" "$inst" --destdir "$d" >"$work/partial.log" 2>&1
rc=$?
if [ "$rc" = 111 ] && [ ! -e "$d/usr/local/bin" ] && grep -q 'cannot write to' "$work/partial.log"; then
	pass "an unwritable man directory: exit 111 before anything is installed"
else
	fail "an unwritable man directory: exit $rc, bin/ created: $([ -e "$d/usr/local/bin" ] && echo yes || echo no)" "$(cat "$work/partial.log")"
fi
chmod 755 "$d/usr/local/share"

d=$work/notadir
mkdir -p "$d/etc"
: >"$d/etc/relay-ctrl"
run_install "$work/notadir.log" --destdir "$d"
rc=$?
if [ "$rc" = 111 ] && [ ! -e "$d/usr" ] && grep -q 'not a directory' "$work/notadir.log"; then
	pass "a file where the config directory goes: exit 111 before anything is installed"
else
	fail "a file where the config directory goes: exit $rc" "$(cat "$work/notadir.log")"
fi

# ------------------------------------------------------- install, --destdir

d=$work/stage
if run_install "$work/first.log" --destdir "$d"; then
	pass "--destdir install exits 0"
else
	fail "--destdir install exits non-zero" "$(cat "$work/first.log")"
fi
got=$(tree "$d")
want=$(expected usr/local)
if [ "$got" = "$want" ]; then
	pass "--destdir: every file, mode and link as expected, nothing else"
else
	fail "--destdir: the tree differs (< expected, > installed)" "$(diff <(echo "$want") <(echo "$got"))"
fi
check "the installed relayctl is the built binary" cmp -s "$src/relayctl" "$d/usr/local/bin/relayctl"
ok=yes
for pg in $pages; do
	cmp -s "man/$pg" "$d/usr/local/share/man/man8/$pg" || ok=no
done
check "the installed man pages are man/*.8" test "$ok" = yes
check "RELAY_CTRL_DIR is /var/spool/relay-ctrl/allow" \
	test "$(cat "$d/etc/relay-ctrl/RELAY_CTRL_DIR")" = /var/spool/relay-ctrl/allow
check "RELAY_CTRL_EXPIRY is 900" test "$(cat "$d/etc/relay-ctrl/RELAY_CTRL_EXPIRY")" = 900
check "the cron line runs relay-ctrl-age every minute as root, unless systemd runs the timer" \
	grep -qx '\* \* \* \* \* root systemctl -q is-active relay-ctrl-age.timer 2>/dev/null || /usr/local/bin/relay-ctrl-age' "$d/etc/cron.d/relay-ctrl"
ok=yes
for f in courier-start courier-imapd courier-pop3d; do
	sed -e 's|@BINDIR@|/usr/local/bin|g' -e 's|@LIBEXECDIR@|/usr/local/libexec/relayctl|g' "courier/$f.in" |
		cmp -s - "$d/usr/local/libexec/relayctl/$f" || { ok=no; echo "    $f differs"; }
	! grep -q '@[A-Z]*@' "$d/usr/local/libexec/relayctl/$f" || { ok=no; echo "    $f keeps a placeholder"; }
done
check "Courier's scripts in /usr/local/libexec/relayctl name /usr/local/bin and their own directory" test "$ok" = yes
check "the age unit runs /usr/local/bin/relay-ctrl-age" \
	grep -qx 'ExecStart=/usr/local/bin/relay-ctrl-age' "$d/etc/systemd/system/relay-ctrl-age.service"
check "the timer starts it every minute" grep -qx 'OnCalendar=minutely' "$d/etc/systemd/system/relay-ctrl-age.timer"
ok=yes
for w in ProtectSystem=strict ReadWritePaths=/var/spool/relay-ctrl PrivateNetwork=yes NoNewPrivileges=yes \
    ProtectHome=yes PrivateTmp=yes RestrictAddressFamilies=AF_UNIX; do
	grep -qx "$w" "$d/etc/systemd/system/relay-ctrl-age.service" || { ok=no; echo "    missing: $w"; }
done
check "the age service has the hardening of a root job that only needs the spool" test "$ok" = yes
ok=yes
for w in 'ExecStart=/usr/local/bin/relay-ctrl-udp' 'Environment=UID=65534 GID=65534' \
    ProtectSystem=strict ReadWritePaths=/var/spool/relay-ctrl NoNewPrivileges=yes ProtectHome=yes PrivateTmp=yes \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'; do
	grep -qxF "$w" systemd/relay-ctrl-udp.service ||
		grep -qxF "$w" <(sed 's|@BINDIR@|/usr/local/bin|g' systemd/relay-ctrl-udp.service) || { ok=no; echo "    missing: $w"; }
done
grep -q '^PrivateNetwork=yes' systemd/relay-ctrl-udp.service && { ok=no; echo "    the udp receiver needs the network"; }
check "the udp unit runs chdir then udp as root, drops to 65534, the same hardening with the network" test "$ok" = yes
if [ "$is_root" = yes ]; then
	others=$(find "$d" -mindepth 1 ! -uid 0 -o -mindepth 1 ! -gid 0)
	check "as root every installed file belongs to root:root" test -z "$others"
fi
bare=$(cd "$d/usr/local/bin" && find . -mindepth 1 -maxdepth 1 ! -name '.*' ! -name relayctl \
    ! -name 'relay-ctrl-*' ! -name 'relayctl-*' -printf '%f\n')
check "no bare applet name (check, status ...) in bin/" test -z "$bare"
ok=yes
for n in $names; do
	want_u=$("$src/relayctl" "$n" --help)
	for l in "relay-ctrl-$n" "relayctl-$n"; do
		[ "$("$d/usr/local/bin/$l" --help 2>&1)" = "$want_u" ] || { ok=no; echo "    $l --help differs"; }
	done
done
check "every installed link runs its applet" test "$ok" = yes
for w in "relay-ctrl-check qmail-smtpd" "checkpassword /usr/local/bin/relay-ctrl-allow" \
    "AUTHMODULES=" "ExecStart=/usr/local/libexec/relayctl/courier-start start imapd" "DAEMON=/usr/local/libexec/relayctl/courier-start" "script-login" "check_policy_service" "smtpd_policy_service_default_action = DUNNO"; do
	if grep -qF -- "$w" "$work/first.log"; then
		pass "install.sh prints the wiring line with \"$w\""
	else
		fail "install.sh does not print a line with \"$w\""
	fi
done
check "install.sh explains why the 0700/0777 spool is safe" \
	grep -q 'why the spool is safe: .*0700.*0777' "$work/first.log"

# Every unit file, as install.sh fills it in, through systemd's own checker
# (man pages are looked up where they are installed, so not here).
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$work/units"
	for u in systemd/*; do
		sed "s|@BINDIR@|$d/usr/local/bin|g" "$u" >"$work/units/${u##*/}"
	done
	if out=$(systemd-analyze verify --man=no "$work"/units/* 2>&1) && [ -z "$out" ]; then
		pass "systemd-analyze verify: $(cd systemd && echo *)"
	else
		fail "systemd-analyze verify of systemd/*" "$out"
	fi
else
	skip "systemd-analyze verify of the unit files: systemd-analyze is not installed (Debian: systemd)"
fi

# ------------------------------------------------------------- second run

snap1=$(snapshot "$d")
run_install "$work/second.log" --destdir "$d"
rc=$?
snap2=$(snapshot "$d")
if [ "$rc" = 0 ] && [ "$snap1" = "$snap2" ]; then
	pass "a second run changes nothing on disk (modes, owners, times, ctimes)"
else
	fail "a second run changed the tree (exit $rc)" "$(diff <(echo "$snap1") <(echo "$snap2"))"
fi
last=$(grep '^install.sh: ' "$work/second.log" | tail -n 1)
case $last in
"install.sh: nothing changed"*) pass "the second run's last line says nothing changed" ;;
*) fail "the second run's last line: $last" ;;
esac
changed_lines=$(grep -E '^install.sh: /.*: ' "$work/second.log" | grep -v -E ': (unchanged|kept as it is.*)$')
check "the second run reports every item unchanged or kept" test -z "$changed_lines"
items=$(grep -cE '^install.sh: /.*: (unchanged|kept as it is.*)$' "$work/second.log")
want_items=$((1 + 2 * $(wc -w <<<"$names") + $(wc -w <<<"$pages") + 3 + 2 + 2 + 1 + $(wc -w <<<"$units")))
check "the second run reports each of the $want_items items once ($items)" test "$items" = "$want_items"

# Configuration belongs to the admin; a missing file comes back.
echo 300 >"$d/etc/relay-ctrl/RELAY_CTRL_EXPIRY"
rm "$d/etc/relay-ctrl/RELAY_CTRL_DIR"
run_install "$work/conf.log" --destdir "$d"
if [ "$(cat "$d/etc/relay-ctrl/RELAY_CTRL_EXPIRY")" = 300 ] &&
    [ "$(cat "$d/etc/relay-ctrl/RELAY_CTRL_DIR")" = /var/spool/relay-ctrl/allow ] &&
    grep -q 'RELAY_CTRL_EXPIRY: kept as it is' "$work/conf.log"; then
	pass "an existing config file is kept, a missing one is created again"
else
	fail "config files on a re-run" "$(cat "$work/conf.log")"
fi

# A damaged binary and a wrong mode are repaired.
printf 'x' >>"$d/usr/local/bin/relayctl"
run_install "$work/repair.log" --destdir "$d"
check "a changed binary is replaced by the built one" cmp -s "$src/relayctl" "$d/usr/local/bin/relayctl"
chmod 700 "$d/usr/local/bin/relayctl"
run_install "$work/repair.log" --destdir "$d"
check "a wrong binary mode is set back to 0755" test "$(stat -c %a "$d/usr/local/bin/relayctl")" = 755
rm "$d/usr/local/bin/relayctl-status"
ln -s /bin/false "$d/usr/local/bin/relayctl-status"
run_install "$work/repair.log" --destdir "$d"
check "a link pointing elsewhere is replaced" test "$(readlink "$d/usr/local/bin/relayctl-status")" = relayctl

# A spool with modes an admin chose is left alone: the policy's layout
# quietly, anything else with a warning, a plantable one with a loud one.
spool_case() {	# PARENT-MODE ALLOW-MODE GREP WHAT
	chmod "$1" "$d/var/spool/relay-ctrl"
	chmod "$2" "$d/var/spool/relay-ctrl/allow"
	run_install "$work/spool.log" --destdir "$d"
	if [ "$(stat -c %a "$d/var/spool/relay-ctrl") $(stat -c %a "$d/var/spool/relay-ctrl/allow")" = "${1#0} ${2#0}" ] &&
	    grep -q -- "$3" "$work/spool.log"; then
		pass "$4"
	else
		fail "$4" "$(cat "$work/spool.log")"
	fi
}
spool_case 0710 0777 "the layout for Postfix's policy service" "the spool opened to the policy's group (0710, 0777) is kept, without a warning"
check "  ... and no warning about it" test -z "$(grep 'warning' "$work/spool.log")"
spool_case 0750 0755 'warning: .*neither layout' "a spool with other modes is left alone, with a warning"
spool_case 0711 0777 'warning: .*plant records' "a spool where local users could plant records is pointed out"
chmod 700 "$d/var/spool/relay-ctrl"
chmod 777 "$d/var/spool/relay-ctrl/allow"

# ------------------------------------------------------------- uninstall

mkdir -p "$work/keep"
printf 'USER=alice\0' >"$d/var/spool/relay-ctrl/allow/192.0.2.7"
run_install "$work/un.log" --destdir "$d" --uninstall
rc=$?
left=$(cd "$d" && find . \( -type f -o -type l \) | sort)
want_left=$(printf '%s\n' ./etc/relay-ctrl/RELAY_CTRL_DIR ./etc/relay-ctrl/RELAY_CTRL_EXPIRY \
	./var/spool/relay-ctrl/allow/192.0.2.7 | sort)
if [ "$rc" = 0 ] && [ "$left" = "$want_left" ]; then
	pass "--uninstall leaves only the configuration and the spool's records"
else
	fail "--uninstall (exit $rc) left" "$left"
fi
run_install "$work/un2.log" --destdir "$d" --uninstall
check "a second --uninstall says nothing changed" grep -q '^install.sh: nothing changed' "$work/un2.log"
run_install "$work/purge.log" --destdir "$d" --uninstall --purge
left=$(cd "$d" && find . \( -type f -o -type l \) | sort)
check "--uninstall --purge removes the configuration and the spool too" test -z "$left"

# The program that was there before (relay-ctrl 3.2's, say) is kept and comes back.
d=$work/old
mkdir -p "$d/usr/local/bin"
printf '#!/bin/sh\necho relay-ctrl 3.2\n' >"$d/usr/local/bin/relay-ctrl-check"
chmod 755 "$d/usr/local/bin/relay-ctrl-check"
run_install "$work/old.log" --destdir "$d"
if [ "$(readlink "$d/usr/local/bin/relay-ctrl-check")" = relayctl ] &&
    grep -q 'relay-ctrl 3.2' "$d/usr/local/bin/relay-ctrl-check.orig"; then
	pass "an existing relay-ctrl-check is replaced by the link and kept as .orig"
else
	fail "an existing relay-ctrl-check" "$(cat "$work/old.log")"
fi
run_install "$work/old-un.log" --destdir "$d" --uninstall
if [ -f "$d/usr/local/bin/relay-ctrl-check" ] && [ ! -h "$d/usr/local/bin/relay-ctrl-check" ] &&
    grep -q 'relay-ctrl 3.2' "$d/usr/local/bin/relay-ctrl-check" && [ ! -e "$d/usr/local/bin/relay-ctrl-check.orig" ]; then
	pass "--uninstall puts the replaced relay-ctrl-check back"
else
	fail "--uninstall did not restore relay-ctrl-check" "$(cat "$work/old-un.log")"
fi

# ---------------------------------------------------------------- --prefix

d=$work/opt
run_install "$work/opt.log" --prefix /opt/relayctl --destdir "$d"
got=$(tree "$d")
want=$(expected opt/relayctl)
if [ "$got" = "$want" ]; then
	pass "--prefix /opt/relayctl: the same tree under opt/relayctl"
else
	fail "--prefix /opt/relayctl (< expected, > installed)" "$(diff <(echo "$want") <(echo "$got"))"
fi
check "--prefix: the cron line names /opt/relayctl/bin/relay-ctrl-age" \
	grep -qx '\* \* \* \* \* root .* || /opt/relayctl/bin/relay-ctrl-age' "$d/etc/cron.d/relay-ctrl"
check "--prefix: the unit names /opt/relayctl/bin/relay-ctrl-age" \
	grep -qx 'ExecStart=/opt/relayctl/bin/relay-ctrl-age' "$d/etc/systemd/system/relay-ctrl-age.service"
check "--prefix: the printed wiring names /opt/relayctl/bin" \
	grep -q '/opt/relayctl/bin/relay-ctrl-check' "$work/opt.log"

# ------------------------------------------------- --destdir without root

if [ "$is_root" = yes ]; then
	d=$work/user
	mkdir "$d"
	chown 65534:65534 "$d"
	as_nobody "$inst" --destdir "$d/root" >"$work/user.log" 2>&1
	rc=$?
	got=$(tree "$d/root")
	want=$(expected usr/local)
	foreign=$(find "$d" ! -uid 65534)
	if [ "$rc" = 0 ] && [ "$got" = "$want" ] && [ -z "$foreign" ]; then
		pass "--destdir as nobody: the full tree, owned by nobody, no root needed"
	else
		fail "--destdir as nobody (exit $rc)" "$(cat "$work/user.log"; diff <(echo "$want") <(echo "$got"))"
	fi
else
	skip "--destdir as another user (needs root to switch users); the runs above were not root"
fi

# Nothing outside DESTDIR: in a private mount namespace where every file
# system but DESTDIR is read-only, any write elsewhere would fail the run.
if [ "$is_root" = yes ] && command -v unshare >/dev/null 2>&1; then
	d=$work/ro
	mkdir -p "$d"
	# shellcheck disable=SC2016 # the script's $ are the child bash's
	unshare -m --propagation private bash -c '
		d=$1 inst=$2
		mount --bind "$d" "$d" || exit 90
		findmnt -rn -o TARGET | while read -r m; do
			case $m in /proc*|/sys*|/dev*|"$d") continue ;; esac
			mount -o remount,bind,ro "$m" 2>/dev/null
		done
		# the namespace must really be read-only, or the test proves nothing
		if touch /etc/.relayctl-ro-probe 2>/dev/null || touch /tmp/.relayctl-ro-probe 2>/dev/null; then
			rm -f /etc/.relayctl-ro-probe /tmp/.relayctl-ro-probe
			exit 90
		fi
		"$inst" --destdir "$d/root" >"$d/log" 2>&1
	' ro-test "$d" "$inst"
	rc=$?
	if [ "$rc" = 90 ]; then
		skip "read-only namespace could not be set up; write confinement not tested"
	elif [ "$rc" = 0 ] && [ "$(tree "$d/root")" = "$(expected usr/local)" ]; then
		pass "--destdir writes nothing outside DESTDIR (everything else read-only)"
	else
		fail "--destdir with everything but DESTDIR read-only: exit $rc" "$(cat "$d/log")"
	fi
else
	skip "write confinement of --destdir (needs root for a mount namespace)"
fi

# ---------------------------------------------------------------- building

b=$work/build
mkdir "$b"
cp -R "$src/." "$b/"
rm -f "$b/relayctl"
if "$b/install.sh" --destdir "$b/root" >"$work/build.log" 2>&1 && [ -x "$b/relayctl" ] &&
    cmp -s "$b/relayctl" "$b/root/usr/local/bin/relayctl" && grep -q '^install.sh: building' "$work/build.log"; then
	pass "a missing binary is built, then installed"
else
	fail "building a missing binary" "$(tail -n 20 "$work/build.log")"
fi

# Whether make runs, with a make that only says it was called.
mkdir "$work/fakebin"
# shellcheck disable=SC2016 # the $ are the fake make's own
printf '#!/bin/sh\necho "$@" >>"%s"\nexit "${FAKE_MAKE_RC:-0}"\n' "$work/make.calls" >"$work/fakebin/make"
chmod 755 "$work/fakebin/make"
: >"$work/make.calls"
touch "$b/relayctl"
PATH=$work/fakebin:$PATH "$b/install.sh" --destdir "$b/root2" >/dev/null 2>&1
check "an up-to-date binary is not rebuilt" test ! -s "$work/make.calls"
touch -d '+2 seconds' "$b/lib/msg.h"
PATH=$work/fakebin:$PATH "$b/install.sh" --destdir "$b/root3" >/dev/null 2>&1
check "a binary older than a source file is rebuilt" grep -q relayctl "$work/make.calls"
FAKE_MAKE_RC=2 PATH=$work/fakebin:$PATH "$b/install.sh" --destdir "$b/root4" >"$work/failbuild.log" 2>&1
rc=$?
if [ "$rc" = 111 ] && [ ! -e "$b/root4" ] && grep -q 'building relayctl failed' "$work/failbuild.log"; then
	pass "a failed build: exit 111, nothing installed"
else
	fail "a failed build: exit $rc" "$(cat "$work/failbuild.log")"
fi

# No compiler: a PATH with every program but make and the C compilers.
mkdir "$work/nocc"
for f in /usr/bin/* /usr/sbin/* /bin/* /sbin/*; do
	case ${f##*/} in
	make | gcc | gcc-* | cc | c99 | musl-gcc | *-gcc | *-gcc-* | apt-get) continue ;;
	esac
	[ -e "$work/nocc/${f##*/}" ] || ln -s "$f" "$work/nocc/${f##*/}"
done
rm -f "$b/relayctl"
PATH=$work/nocc "$b/install.sh" --destdir "$b/root5" >"$work/nocc.log" 2>&1
rc=$?
if [ "$rc" = 111 ] && [ ! -e "$b/root5" ] && grep -q 'make or a C compiler is missing; install them (Debian: apt-get install' "$work/nocc.log"; then
	pass "no compiler, --destdir: exit 111, says which packages to install, installs nothing"
else
	fail "no compiler, --destdir: exit $rc" "$(cat "$work/nocc.log")"
fi

# As root into the host (here: --chroot, which the same rule covers), a
# missing compiler is fetched with apt-get; a fake one links the real tools.
if [ "$is_root" = yes ]; then
	mkdir "$work/fakeapt"
	cat >"$work/fakeapt/apt-get" <<EOF
#!/bin/sh
echo "\$*" >>"$work/apt.calls"
case "\$*" in *install*)
	for p in /usr/bin/make /usr/bin/*gcc*; do
		[ -e "\$p" ] && ln -sf "\$p" "$work/nocc/\${p##*/}"
	done ;;
esac
exit 0
EOF
	chmod 755 "$work/fakeapt/apt-get"
	rm -f "$b/relayctl"
	PATH=$work/fakeapt:$work/nocc "$b/install.sh" --chroot "$work/jail-build" >"$work/apt.log" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && grep -q 'install .*make gcc libc6-dev musl-tools' "$work/apt.calls" &&
	    [ -x "$b/relayctl" ] && cmp -s "$b/relayctl" "$work/jail-build/bin/relayctl"; then
		pass "as root, no compiler: apt-get installs make gcc libc6-dev musl-tools, then it builds and installs"
	else
		fail "as root, no compiler (exit $rc)" "$(cat "$work/apt.log" "$work/apt.calls" 2>&1 | tail -n 20)"
	fi
fi

# musl: what install.sh ships is the musl build; a binary linked with
# glibc is what a host without musl gets, with a warning that says so.
is_glibc() { LC_ALL=C grep -q -a GLIBC_ "$1"; }
# The static musl build is under 64 KiB (issue 11), static glibc's over
# 700 KiB: the bound tells the two apart, and catches the musl build
# growing past what the README promises.
musl_max=65536
if command -v musl-gcc >/dev/null 2>&1; then
	mkdir "$work/nomusl"
	for f in "$work"/nocc/*; do
		[ "${f##*/}" = musl-gcc ] || ln -s "$(readlink "$f")" "$work/nomusl/${f##*/}"
	done
	for t in make gcc; do ln -sf "$(command -v "$t")" "$work/nomusl/$t"; done
	rm -f "$b/relayctl"
	PATH=$work/nomusl make -s -C "$b" relayctl >/dev/null 2>&1
	if is_glibc "$b/relayctl"; then
		cp "$b/relayctl" "$work/glibc-relayctl"
		# (b) no musl and no way to get it: the glibc build, installed, with its cost said.
		PATH=$work/nomusl "$b/install.sh" --destdir "$b/root-glibc" >"$work/glibc.log" 2>&1
		rc=$?
		size=$(wc -c <"$b/relayctl")
		if [ "$rc" = 0 ] && cmp -s "$b/relayctl" "$b/root-glibc/usr/local/bin/relayctl" &&
		    grep -q "warning: .*built with glibc's static C library, not musl.*$size bytes.*2.76x.*installing it anyway" "$work/glibc.log"; then
			pass "no musl anywhere: the glibc build is installed, with a warning giving its size ($size bytes) and its cost"
		else
			fail "no musl anywhere (exit $rc)" "$(grep -v ': installed' "$work/glibc.log" | tail -n 8)"
		fi
		# (c) musl is here now: a glibc binary newer than its sources is rebuilt.
		touch "$b/relayctl"
		"$b/install.sh" --destdir "$b/root-remusl" >"$work/remusl.log" 2>&1
		rc=$?
		if [ "$rc" = 0 ] && ! is_glibc "$b/root-remusl/usr/local/bin/relayctl" &&
		    grep -q 'building .*built with glibc; musl-gcc is here now' "$work/remusl.log" &&
		    ! grep -q "glibc's static C library" "$work/remusl.log"; then
			pass "a glibc binary with musl-gcc on PATH: rebuilt with musl, then installed"
		else
			fail "a glibc binary with musl-gcc on PATH (exit $rc)" "$(grep -v ': installed' "$work/remusl.log" | tail -n 8)"
		fi
		# (a) as root on Debian without musl-tools: apt-get installs it
		# (a stand-in that links the real musl-gcc), then the musl build.
		if [ "$is_root" = yes ]; then
			mkdir "$work/fakeapt2"
			cat >"$work/fakeapt2/apt-get" <<EOF
#!/bin/sh
echo "\$*" >>"$work/apt2.calls"
case "\$*" in *install*) ln -sf "$(command -v musl-gcc)" "$work/nomusl/musl-gcc" ;; esac
exit 0
EOF
			chmod 755 "$work/fakeapt2/apt-get"
			cp "$work/glibc-relayctl" "$b/relayctl"
			touch "$b/relayctl"
			PATH=$work/fakeapt2:$work/nomusl "$b/install.sh" --chroot "$work/jail-musl" >"$work/apt2.log" 2>&1
			rc=$?
			rm -f "$work/nomusl/musl-gcc"
			got=$(grep install "$work/apt2.calls" 2>/dev/null)
			if [ "$rc" = 0 ] && [ "${got##* }" = musl-tools ] && ! grep -q 'gcc libc6-dev\|make' <<<"$got" &&
			    ! is_glibc "$work/jail-musl/bin/relayctl" && [ "$(wc -c <"$work/jail-musl/bin/relayctl")" -lt "$musl_max" ] &&
			    file "$work/jail-musl/bin/relayctl" | grep -q 'statically linked'; then
				pass "as root, gcc but no musl: apt-get installs musl-tools only, and the musl build (under 64 KiB, static, no glibc) is installed"
			else
				fail "as root, gcc but no musl (exit $rc, apt-get: $got)" "$(grep -v ': installed\|unchanged' "$work/apt2.log" | tail -n 8)"
			fi
		fi
	else
		skip "the glibc fallback (gcc -static did not give a glibc binary here)"
	fi
else
	fail "musl-gcc is not installed (tests/deps.sh installs musl-tools)"
fi

# ---------------------------------------------------------------- chroot

chroot=$(command -v chroot)
if [ "$is_root" = yes ] && [ -n "$chroot" ]; then
	j=$work/jail
	mkdir "$j"
	run_install "$work/jail.log" --chroot "$j"
	rc=$?
	got=$(tree "$j")
	want=$( (echo "d 755 bin"; echo "f 755 bin/relayctl"
		for n in $names; do echo "l 777 bin/relay-ctrl-$n relayctl"; echo "l 777 bin/relayctl-$n relayctl"; done) | sort -k3)
	if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
		pass "--chroot: bin/relayctl and its links, and nothing else"
	else
		fail "--chroot (exit $rc)" "$(cat "$work/jail.log"; diff <(echo "$want") <(echo "$got"))"
	fi
	# no client address in the environment: check warns, and runs the program
	if out=$(env -i "$chroot" "$j" /bin/relay-ctrl-check /bin/relayctl --version 2>"$work/jail.err") &&
	    [ "$out" = "$version" ]; then
		pass "chroot DIR /bin/relay-ctrl-check /bin/relayctl --version runs with nothing else in DIR"
	else
		fail "chroot DIR /bin/relay-ctrl-check /bin/relayctl --version" "$out$(cat "$work/jail.err")"
	fi
	check "install.sh --chroot checked the chroot itself" grep -q '^install.sh: checked: chroot' "$work/jail.log"
	run_install "$work/jail2.log" --chroot "$j"
	check "a second --chroot run says nothing changed" grep -q '^install.sh: nothing changed' "$work/jail2.log"

	# The spool descriptor opened outside survives chroot(8): check in the
	# jail grants relaying from the host's spool.
	if [ -x build/recorder ]; then
		cp build/recorder "$j/bin/recorder"
		hs=$work/hostspool
		mkdir "$hs"
		env -i TCPREMOTEIP=192.0.2.9 USER=carol RELAY_CTRL_DIR="$hs" RELAY_CTRL_CONFIG=/nonexistent \
			"$src/relayctl" allow
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TCPREMOTEIP=192.0.2.9 RELAY_CTRL_DIR="$hs" \
			RELAY_CTRL_CONFIG=/nonexistent "$src/relayctl" chdir \
			chroot "$j" /bin/relay-ctrl-check /bin/recorder /out >"$work/fd.log" 2>&1
		if grep -qx 'env=RELAYCLIENT=' "$j/out" 2>/dev/null && grep -qx 'env=USER=carol' "$j/out"; then
			pass "relay-ctrl-chdir outside, relay-ctrl-check inside the chroot: relaying granted from the host's spool"
		else
			fail "relay-ctrl-chdir outside, relay-ctrl-check inside the chroot" "$(cat "$work/fd.log" "$j/out" 2>&1)"
		fi
		rm -f "$j/bin/recorder" "$j/out"
	else
		skip "chdir outside, check inside the chroot (build/recorder is built by make check)"
	fi

	run_install "$work/jail3.log" --chroot "$j" --with-spool
	if [ "$(stat -c %a "$j/var/spool/relay-ctrl")" = 700 ] && [ "$(stat -c %a "$j/var/spool/relay-ctrl/allow")" = 777 ] &&
	    [ "$(cat "$j/etc/relay-ctrl/RELAY_CTRL_DIR")" = /var/spool/relay-ctrl/allow ]; then
		pass "--chroot --with-spool: DIR's own config and spool layout"
	else
		fail "--chroot --with-spool" "$(cat "$work/jail3.log")"
	fi
	env -i TCPREMOTEIP=192.0.2.7 USER=alice "$chroot" "$j" /bin/relay-ctrl-allow 2>"$work/jail-allow.log"
	if env -i "$chroot" "$j" /bin/relayctl status 192.0.2.7 >"$work/jail-status.log" 2>&1; then
		pass "inside the chroot, allow writes a record that status finds"
	else
		fail "allow and status inside the chroot" "$(cat "$work/jail-allow.log" "$work/jail-status.log")"
	fi
	run_install "$work/jail-un.log" --chroot "$j" --uninstall
	left=$(cd "$j" && find . \( -type f -o -type l \) | sort)
	want_left=$(printf '%s\n' ./etc/relay-ctrl/RELAY_CTRL_DIR ./etc/relay-ctrl/RELAY_CTRL_EXPIRY \
		./var/spool/relay-ctrl/allow/192.0.2.7 | sort)
	check "--chroot --uninstall removes the binary and links, keeps config and spool" test "$left" = "$want_left"
else
	skip "the chroot tests (need root and chroot(8))"
fi

# ------------------------------------------ a real install, in a namespace

# ./install.sh without options, as on a fresh host: /etc, /usr/local and
# /var/spool are overlays in a private mount namespace, and everything
# else is read-only there, so the host is never touched.
if [ "$is_root" = yes ] && command -v unshare >/dev/null 2>&1; then
	ns=$work/ns
	mkdir "$ns"
	host_state() {
		ls -la --time-style=full-iso /usr/local/bin /usr/local/share/man/man8 /etc/relay-ctrl \
			/etc/cron.d /var/spool/relay-ctrl 2>&1
	}
	host_before=$(host_state)
	# shellcheck disable=SC2016 # the script's $ are the child bash's
	unshare -m --propagation private bash -c '
		ns=$1 inst=$2
		mount -t tmpfs tmpfs "$ns" || exit 90
		findmnt -rn -o TARGET | while read -r m; do
			case $m in /proc*|/sys*|/dev*|"$ns") continue ;; esac
			mount -o remount,bind,ro "$m" 2>/dev/null
		done
		if touch /tmp/.relayctl-ro-probe 2>/dev/null; then
			rm -f /tmp/.relayctl-ro-probe
			exit 90
		fi
		for dir in /etc /usr/local /var/spool; do
			n=$(echo "$dir" | tr / _)
			mkdir -p "$ns/u$n" "$ns/w$n"
			mount -t overlay overlay -o "lowerdir=$dir,upperdir=$ns/u$n,workdir=$ns/w$n" "$dir" || exit 90
		done
		export PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
		cd /
		had_cron=no
		PATH=$PATH:/usr/sbin:/sbin command -v cron >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v crond >/dev/null &&
			had_cron=yes
		had_systemctl=no
		command -v systemctl >/dev/null && had_systemctl=yes
		[ ! -d /run/systemd/system ] || { echo "skipped: systemd runs this host: the real install would enable its timer"; exit 0; }
		"$inst" >"$ns/first" 2>&1 || { echo "FAIL: ./install.sh exited $?"; cat "$ns/first"; }
		"$inst" >"$ns/second" 2>&1
		tail -n 1 "$ns/second" | grep -q "^install.sh: nothing changed" &&
			echo "ok: run again, it says nothing changed" ||
			{ echo "FAIL: the second run did not say nothing changed"; tail -n 5 "$ns/second"; }
		command -v relay-ctrl-check >/dev/null && relay-ctrl-check --help | grep -q "relay-ctrl-check PROGRAM" &&
			echo "ok: relay-ctrl-check is on PATH and runs" || echo "FAIL: relay-ctrl-check"
		env -i PATH="$PATH" TCPREMOTEIP=192.0.2.7 USER=alice relay-ctrl-allow 2>"$ns/allow" &&
			[ -f /var/spool/relay-ctrl/allow/192.0.2.7 ] &&
			echo "ok: relay-ctrl-allow writes into /var/spool/relay-ctrl/allow with the installed config" ||
			{ echo "FAIL: relay-ctrl-allow"; cat "$ns/allow"; }
		env -i PATH="$PATH" relayctl status 192.0.2.7 >"$ns/status" 2>&1 &&
			echo "ok: relayctl status shows the login" || { echo "FAIL: relayctl status"; cat "$ns/status"; }
		out=$(env -i PATH="$PATH" TCPREMOTEIP=192.0.2.7 relay-ctrl-check /usr/bin/env 2>&1)
		case $out in *RELAYCLIENT=*) echo "ok: relay-ctrl-check grants RELAYCLIENT" ;;
		*) echo "FAIL: relay-ctrl-check did not grant RELAYCLIENT"; echo "$out" ;; esac
		env -i PATH="$PATH" relay-ctrl-age -v >"$ns/age" 2>&1 && echo "ok: relay-ctrl-age runs with the installed config" ||
			{ echo "FAIL: relay-ctrl-age"; cat "$ns/age"; }
		if command -v man >/dev/null; then
			for p in relayctl relay-ctrl-allow relayctl-status; do
				MANPAGER=cat MANWIDTH=200 man "$p" 2>/dev/null | grep -q "^SYNOPSIS" &&
					echo "ok: man $p" || echo "FAIL: man $p"
			done
		else
			echo "skipped: man (man-db is not installed)"
		fi
		line="* * * * * root systemctl -q is-active relay-ctrl-age.timer 2>/dev/null || /usr/local/bin/relay-ctrl-age"
		if [ "$had_cron" = yes ]; then
			grep -qxF "$line" /etc/cron.d/relay-ctrl && grep -q "age: a cron daemon runs here" "$ns/first" &&
				echo "ok: with a cron daemon, /etc/cron.d/relay-ctrl runs relay-ctrl-age every minute" ||
				echo "FAIL: /etc/cron.d/relay-ctrl"
		else
			[ ! -e /etc/cron.d/relay-ctrl ] &&
				grep -q "warning: relay-ctrl-age will not run: .*neither systemd as PID 1 nor a cron daemon.*add \"\* \* \* \* \* /usr/local/bin/relay-ctrl-age\" to root.s crontab" "$ns/first" &&
				echo "ok: without systemd as PID 1 or cron, install.sh warns with the crontab line and writes no cron file" ||
				{ echo "FAIL: without systemd or cron"; grep age "$ns/first"; }
		fi
		if [ "$had_systemctl" = yes ]; then
			[ -f /etc/systemd/system/relay-ctrl-age.service ] && [ -f /etc/systemd/system/relay-ctrl-age.timer ] &&
				[ ! -e /etc/systemd/system/timers.target.wants/relay-ctrl-age.timer ] &&
				grep -q "systemd is installed but is not PID 1 here.*not enabled.*systemctl enable --now relay-ctrl-age.timer" "$ns/first" &&
				echo "ok: systemd installed but not PID 1: the units are installed, not enabled, and it says how to enable them" ||
				{ echo "FAIL: units where systemd is not PID 1"; ls -l /etc/systemd/system; grep age "$ns/first"; }
			if command -v systemd-analyze >/dev/null; then
				# it needs a writable /tmp: a tmpfs in a namespace of its own
				out=$(unshare -m sh -c "mount -t tmpfs tmpfs /tmp && systemd-analyze verify /etc/systemd/system/relay-ctrl-age.service /etc/systemd/system/relay-ctrl-age.timer" 2>&1) &&
					[ -z "$out" ] && echo "ok: systemd-analyze verify: the installed age units" ||
					{ echo "FAIL: systemd-analyze verify of the installed age units"; echo "$out"; }
			else
				echo "skipped: systemd-analyze verify of the installed units (systemd-analyze is not installed)"
			fi
		fi
		[ "$(stat -c "%a %u" /var/spool/relay-ctrl)" = "700 0" ] &&
			[ "$(stat -c "%a %u" /var/spool/relay-ctrl/allow)" = "777 0" ] &&
			echo "ok: the spool is 0700 root with allow/ 0777" || echo "FAIL: spool modes"
		"$inst" --uninstall >"$ns/un" 2>&1
		[ ! -e /usr/local/bin/relayctl ] && [ ! -e /usr/local/bin/relay-ctrl-check ] &&
			[ -f /etc/relay-ctrl/RELAY_CTRL_DIR ] && [ -f /var/spool/relay-ctrl/allow/192.0.2.7 ] &&
			echo "ok: --uninstall removes the programs and keeps config and spool" ||
			{ echo "FAIL: --uninstall"; cat "$ns/un"; }
		# A cron daemon (a stand-in on PATH): the cron file, and no warning.
		mkdir -p /usr/local/sbin
		printf "#!/bin/sh\nexit 0\n" >/usr/local/sbin/cron
		chmod 755 /usr/local/sbin/cron
		"$inst" >"$ns/cron" 2>&1
		grep -qxF "$line" /etc/cron.d/relay-ctrl && ! grep -q "will not run" "$ns/cron" &&
			grep -q "age: a cron daemon runs here" "$ns/cron" &&
			echo "ok: with a cron daemon, the cron file is installed and install.sh says so" ||
			{ echo "FAIL: with a cron daemon"; grep age "$ns/cron"; }
		# systemd as PID 1 (/run/systemd/system, and a systemctl that keeps
		# its state in files): the timer, enabled and started; our cron file goes.
		mount -t tmpfs tmpfs /run || exit 90
		mkdir -p /run/systemd/system "$ns/sd"
		cat >/usr/local/sbin/systemctl <<EOF
#!/bin/sh
echo "\$*" >>$ns/systemctl.calls
case "\$*" in
"-q is-enabled relay-ctrl-age.timer") test -e $ns/sd/enabled ;;
"-q is-active relay-ctrl-age.timer") test -e $ns/sd/active ;;
"enable --now relay-ctrl-age.timer") : >$ns/sd/enabled; : >$ns/sd/active ;;
"disable --now relay-ctrl-age.timer") rm -f $ns/sd/enabled $ns/sd/active ;;
esac
EOF
		chmod 755 /usr/local/sbin/systemctl
		"$inst" >"$ns/sd1" 2>&1
		grep -qx "enable --now relay-ctrl-age.timer" "$ns/systemctl.calls" && grep -qx "daemon-reload" "$ns/systemctl.calls" &&
			grep -q "systemd runs this host, so relay-ctrl-age.timer runs relay-ctrl-age every minute" "$ns/sd1" &&
			echo "ok: systemd as PID 1: daemon-reload, enable --now relay-ctrl-age.timer, and it says so" ||
			{ echo "FAIL: systemd as PID 1"; cat "$ns/systemctl.calls"; grep age "$ns/sd1"; }
		[ ! -e /etc/cron.d/relay-ctrl ] && grep -q "/etc/cron.d/relay-ctrl: removed: the systemd timer runs" "$ns/sd1" &&
			echo "ok: systemd as PID 1: the cron file an earlier run wrote is removed" ||
			echo "FAIL: systemd as PID 1: the cron file stays"
		: >"$ns/systemctl.calls"
		"$inst" >"$ns/sd2" 2>&1
		tail -n 1 "$ns/sd2" | grep -q "^install.sh: nothing changed" && ! grep -q -e "^enable" -e "^daemon-reload" "$ns/systemctl.calls" &&
			echo "ok: systemd as PID 1, run again: the timer is enabled and running, nothing changed" ||
			{ echo "FAIL: systemd as PID 1, second run"; cat "$ns/systemctl.calls"; tail -n 3 "$ns/sd2"; }
		"$inst" --uninstall >"$ns/sd-un" 2>&1
		grep -qx "disable --now relay-ctrl-age.timer" "$ns/systemctl.calls" &&
			[ ! -e /etc/systemd/system/relay-ctrl-age.timer ] && [ ! -e /etc/systemd/system/relay-ctrl-age.service ] &&
			echo "ok: --uninstall stops and disables the timer and removes the units" ||
			{ echo "FAIL: --uninstall with systemd as PID 1"; cat "$ns/systemctl.calls"; cat "$ns/sd-un"; }
	' real-install "$ns" "$inst" >"$work/ns.log" 2>&1
	rc=$?
	if [ "$rc" = 90 ]; then
		skip "the real install in a mount namespace (overlay or read-only remount not possible here)"
	else
		while IFS= read -r line; do
			case $line in
			"ok: "*) pass "real install: ${line#ok: }" ;;
			"FAIL: "*) fail "real install: ${line#FAIL: }" ;;
			"skipped: "*) skip "real install: ${line#skipped: }" ;;
			*) echo "    $line" ;;
			esac
		done <"$work/ns.log"
		grep -q '^ok: ' "$work/ns.log" || fail "real install: nothing ran (exit $rc)" "$(cat "$work/ns.log")"
	fi
	host_after=$(host_state)
	if [ "$host_before" = "$host_after" ]; then
		pass "the host's /usr/local, /etc/relay-ctrl, /etc/cron.d and spool are untouched by the namespace test"
	else
		fail "the namespace test changed the host" "$(diff <(echo "$host_before") <(echo "$host_after"))"
	fi
else
	skip "the real install into / (needs root for a private mount namespace)"
fi

# A disk that fills up half way: the run fails with 111 and says so, and a
# run after the disk has room completes the install.
if [ "$is_root" = yes ] && command -v unshare >/dev/null 2>&1; then
	small=$work/small
	mkdir "$small"
	# shellcheck disable=SC2016 # the script's $ are the child bash's
	unshare -m --propagation private bash -c '
		small=$1 inst=$2
		mount -t tmpfs -o size=64k tmpfs "$small" || exit 90
		"$inst" --destdir "$small/root" >"$small/../small1.log" 2>&1
		echo "first=$?"
		mount -o remount,size=8m "$small" || exit 90
		"$inst" --destdir "$small/root" >"$small/../small2.log" 2>&1
		echo "second=$?"
		cd "$small/root" && find . -mindepth 1 -printf "%y %m %P %l\n" | sed "s/ \$//" | sort -k3 >"$small/../small.tree"
	' small "$small" "$inst" >"$work/small.log" 2>&1
	if grep -qx 'first=111' "$work/small.log" && grep -q 'a step failed' "$work/small1.log" &&
	    grep -qx 'second=0' "$work/small.log" && [ "$(cat "$work/small.tree")" = "$(expected usr/local)" ]; then
		pass "a full disk: exit 111 with a message; the next run completes the install"
	elif grep -q 'first=\|second=' "$work/small.log"; then
		fail "a full disk" "$(cat "$work/small.log" "$work/small1.log" "$work/small2.log" 2>&1)"
	else
		skip "a full disk (no tmpfs in a mount namespace here)"
	fi
else
	skip "a full disk (needs root for a small tmpfs)"
fi

# ------------------------------------------------- planted links (SECURITY)

# A victim outside the tree: a directory that must stay empty and a file
# that must keep its bytes and its mode.
victim=$work/victim
mkdir "$victim"
printf 'secret\n' >"$victim/file"
chmod 600 "$victim/file"
victim_state() {
	(cd "$victim" && find . -printf '%p %y %m %s %T@\n' | sort; cat file)
}
victim_before=$(victim_state)

# A link planted where a directory of the tree goes, under DESTDIR: the
# run refuses before it changes anything, and nothing lands in the victim.
for rel in etc/relay-ctrl usr/local/bin usr/local/share/man/man8 usr/local/libexec/relayctl etc/cron.d etc/systemd/system var/spool/relay-ctrl var/spool/relay-ctrl/allow; do
	d=$work/plant-${rel//\//-}
	mkdir -p "$d/$(dirname "$rel")"
	ln -s "$victim" "$d/$rel"
	run_install "$work/plant.log" --destdir "$d"
	rc=$?
	if [ "$rc" = 111 ] && [ "$(victim_state)" = "$victim_before" ] &&
	    grep -q "refusing to install .*$rel.* is a symbolic link.*nothing was changed" "$work/plant.log" &&
	    [ -z "$(cd "$d" && find . -mindepth 1 ! -type d ! -path "./$rel")" ]; then
		pass "a link planted at DESTDIR/$rel: exit 111, says so, writes nothing anywhere"
	else
		fail "a link planted at DESTDIR/$rel (exit $rc)" "$(cat "$work/plant.log"; ls -la "$victim")"
	fi
done

# A link one level up (DESTDIR/etc -> victim) is refused the same way.
d=$work/plant-etc
mkdir -p "$d"
ln -s "$victim" "$d/etc"
run_install "$work/plant.log" --destdir "$d"
rc=$?
if [ "$rc" = 111 ] && [ "$(victim_state)" = "$victim_before" ]; then
	pass "a link planted at DESTDIR/etc: exit 111, nothing written through it"
else
	fail "a link planted at DESTDIR/etc (exit $rc)" "$(cat "$work/plant.log")"
fi

# Links planted at the temporary names an install.sh that names them by
# its pid would use (NAME.install.PID, .NAME.install.PID): exec keeps the
# pid, so the planter knows it.  Whatever install.sh names its temporary
# files, no victim changes, and every planted link is still there.
d=$work/plant-tmp
mkdir -p "$d/etc/relay-ctrl" "$d/etc/cron.d" "$d/usr/local/bin" "$d/usr/local/share/man/man8" "$d/etc/systemd/system"
bash -c '
	d=$1 victim=$2
	shift 2
	for n in RELAY_CTRL_DIR RELAY_CTRL_EXPIRY; do
		ln -s "$victim/file" "$d/etc/relay-ctrl/$n.install.$$"
		ln -s "$victim/file" "$d/etc/relay-ctrl/.$n.install.$$"
	done
	ln -s "$victim/file" "$d/etc/cron.d/.relay-ctrl.install.$$"
	ln -s "$victim/file" "$d/etc/cron.d/relay-ctrl.install.$$"
	ln -s "$victim/file" "$d/usr/local/bin/.relayctl.install.$$"
	ln -s "$victim/file" "$d/usr/local/bin/.relay-ctrl-check.install.$$"
	ln -s "$victim/file" "$d/usr/local/share/man/man8/.relayctl.8.install.$$"
	for u in relay-ctrl-age.service relay-ctrl-age.timer; do
		ln -s "$victim/file" "$d/etc/systemd/system/.$u.install.$$"
	done
	exec "$@"
' planter "$d" "$victim" "$inst" --destdir "$d" >"$work/plant-tmp.log" 2>&1
rc=$?
links=$(cd "$d" && find . -name '*.install.*' -type l | wc -l)
if [ "$rc" = 0 ] && [ "$(victim_state)" = "$victim_before" ] && [ "$links" = 11 ] &&
    [ "$(cat "$d/etc/relay-ctrl/RELAY_CTRL_EXPIRY")" = 900 ]; then
	pass "links planted at pid-named temporary names: the install completes, no victim is written or chmodded"
else
	fail "links planted at pid-named temporary names (exit $rc, $links links left)" \
		"$(cat "$work/plant-tmp.log"; diff <(echo "$victim_before") <(victim_state))"
fi
left=$(cd "$d" && find . -name ".relayctl.*" ! -name "*.install.*" | head -n 5)
check "no temporary file is left behind" test -z "$left"

# A directory on the way that others may write to, or that belongs to
# another user, is refused as root: someone could plant links there.
if [ "$is_root" = yes ]; then
	mkdir -m 777 "$work/open"
	run_install "$work/open.log" --destdir "$work/open/stage"
	rc=$?
	if [ "$rc" = 111 ] && [ ! -e "$work/open/stage" ] && grep -q 'lets every user plant links' "$work/open.log"; then
		pass "as root, a DESTDIR below a world-writable directory: exit 111, nothing created"
	else
		fail "as root, a DESTDIR below a world-writable directory (exit $rc)" "$(cat "$work/open.log")"
	fi
	mkdir -m 775 "$work/grp"
	chgrp 65534 "$work/grp"
	run_install "$work/grp.log" --destdir "$work/grp/stage"
	rc=$?
	if [ "$rc" = 111 ] && [ ! -e "$work/grp/stage" ] && grep -q 'lets group 65534 plant links' "$work/grp.log"; then
		pass "as root, a DESTDIR below a directory another group may write to: exit 111, nothing created"
	else
		fail "as root, a DESTDIR below a group-writable directory (exit $rc)" "$(cat "$work/grp.log")"
	fi
	mkdir -m 2775 "$work/staff"
	chgrp 50 "$work/staff"
	if run_install "$work/staff.log" --destdir "$work/staff/stage" && [ -x "$work/staff/stage/usr/local/bin/relayctl" ]; then
		pass "as root, Debian's 2775 root:staff (as /usr/local may be) is accepted"
	else
		fail "as root, a 2775 root:staff directory" "$(tail -n 3 "$work/staff.log")"
	fi
	mkdir "$work/theirs"
	chown 65534:65534 "$work/theirs"
	run_install "$work/theirs.log" --destdir "$work/theirs/stage"
	rc=$?
	if [ "$rc" = 111 ] && [ ! -e "$work/theirs/stage" ] && grep -q 'belongs to uid 65534' "$work/theirs.log"; then
		pass "as root, a DESTDIR in another user's directory: exit 111, nothing created"
	else
		fail "as root, a DESTDIR in another user's directory (exit $rc)" "$(cat "$work/theirs.log")"
	fi
fi

# The chroot's bin/ planted as a link: nothing is installed through it.
if [ "$is_root" = yes ]; then
	j=$work/jail-planted
	mkdir "$j"
	ln -s "$victim" "$j/bin"
	run_install "$work/jail-planted.log" --chroot "$j"
	rc=$?
	if [ "$rc" = 111 ] && [ "$(victim_state)" = "$victim_before" ] &&
	    grep -q 'is a symbolic link' "$work/jail-planted.log"; then
		pass "a link planted at the chroot's bin: exit 111, nothing written through it"
	else
		fail "a link planted at the chroot's bin (exit $rc)" "$(cat "$work/jail-planted.log"; ls -la "$victim")"
	fi
fi

# A source tree whose path holds a space.
sp="$work/with space"
mkdir -p "$sp"
cp -R "$src" "$sp/src"
touch "$sp/src/relayctl"
if "$sp/src/install.sh" --destdir "$sp/stage" >"$work/space.log" 2>&1 &&
    [ "$(tree "$sp/stage")" = "$(expected usr/local)" ]; then
	pass "a source path with a space: the full tree"
else
	fail "a source path with a space" "$(tail -n 20 "$work/space.log"; diff <(expected usr/local) <(tree "$sp/stage"))"
fi

summary install
