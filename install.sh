#!/bin/sh
# Builds relayctl when needed and installs it with working defaults (binary, links, man pages, config, spool, a timer or cron line for age); see README.md and relayctl(8).
#
# Every step first looks at what is there: a second run changes nothing and
# says so.  Options, permissions and every directory on the way are checked
# before anything is touched, so a refused run leaves the host as it was.
# Files are written under names no one else can plant (mktemp in a checked
# directory) and put in place by rename, which never follows a link.
set -eu
umask 022

me=install.sh
src=$(cd "$(dirname "$0")" && pwd)

# Where things go at run time; DESTDIR and --chroot only move them on disk.
prefix=/usr/local
destdir=
chroot_dir=
with_spool=no
action=install
purge=no
spool_rel=/var/spool/relay-ctrl
conf_rel=/etc/relay-ctrl
cron_rel=/etc/cron.d/relay-ctrl
units_rel=/etc/systemd/system
expiry_default=900

changed=0
unchanged=0
started=no

say() {
	printf '%s: %s\n' "$me" "$*"
}

warn() {
	printf '%s: warning: %s\n' "$me" "$*" >&2
}

die_usage() {
	printf '%s: fatal: %s; nothing was changed (see ./install.sh --help)\n' \
	    "$me" "$*" >&2
	exit 100
}

die_temp() {
	printf '%s: fatal: %s\n' "$me" "$*" >&2
	exit 111
}

usage() {
	cat <<EOF
usage: ./install.sh [--prefix DIR] [--destdir DIR] [--uninstall [--purge]]
       ./install.sh --chroot DIR [--with-spool] [--uninstall [--purge]]
       ./install.sh --help

Builds relayctl with musl (on Debian, as root, installing musl-tools and a
compiler if missing) if the binary is missing, older than its sources or
built with another C library, then installs, as root:
  PREFIX/bin/relayctl (0755) and, for every applet NAME of relayctl --list,
  the relative links PREFIX/bin/relay-ctrl-NAME and PREFIX/bin/relayctl-NAME;
  the man pages in PREFIX/share/man/man8;
  Courier's courier-start, courier-imapd and courier-pop3d in
  PREFIX/libexec/relayctl (README.md, Courier);
  $conf_rel/RELAY_CTRL_DIR and RELAY_CTRL_EXPIRY (existing files are kept);
  $spool_rel (0700 root) with allow/ (0777) inside;
  a way to run relay-ctrl-age every minute, chosen by what the host runs:
    systemd as PID 1: $units_rel/relay-ctrl-age.service and .timer,
      enabled and started;
    a cron daemon: $cron_rel;
    neither: a warning with the line to add;
    where systemd is installed but is not PID 1 (a container), the unit
    files are installed too, not enabled, with the command that enables
    them.
Running it again changes nothing and says so.

  --prefix DIR     install under DIR instead of /usr/local (absolute path).
  --destdir DIR    stage every file under DIR, for packaging, with both the
                   cron file and the unit files: nothing outside DIR is
                   touched, nothing is written through a symbolic link
                   under DIR, and root is not needed.
  --chroot DIR     put relayctl and its links into DIR/bin for a chrooted mail
                   service; the static binary needs no other file there.
  --with-spool     with --chroot: also create DIR$conf_rel and DIR$spool_rel.
  --uninstall      remove what install.sh installed (disabling the timer
                   first); the configuration and the spool stay, unless
                   --purge is given too.
  --purge          with --uninstall: remove $conf_rel and $spool_rel too.
  --help           print this text.

Exit status: 0 done, 100 bad option, 111 missing permission or failed step.
EOF
}

# --- options ---------------------------------------------------------------

need_arg() {
	if [ $# -lt 2 ] || [ -z "$2" ]; then
		die_usage "$1 needs a directory"
	fi
}

while [ $# -gt 0 ]; do
	case $1 in
	--prefix) need_arg "$@"; prefix=$2; shift 2 ;;
	--prefix=*) prefix=${1#*=}; shift ;;
	--destdir) need_arg "$@"; destdir=$2; shift 2 ;;
	--destdir=*) destdir=${1#*=}; shift ;;
	--chroot) need_arg "$@"; chroot_dir=$2; shift 2 ;;
	--chroot=*) chroot_dir=${1#*=}; shift ;;
	--with-spool) with_spool=yes; shift ;;
	--uninstall) action=uninstall; shift ;;
	--purge) purge=yes; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die_usage "unknown option or argument: $1" ;;
	esac
done

case $prefix in
/*) ;;
*) die_usage "--prefix $prefix is not an absolute path" ;;
esac
case $prefix$destdir$chroot_dir in
*'
'*) die_usage "a directory name holds a newline" ;;
esac
prefix=$(printf '%s' "$prefix" | sed 's://*$::')
[ -n "$prefix" ] || die_usage "--prefix / would put the binary in /bin; use --prefix /usr"

absolute() {
	case $1 in
	/*) printf '%s' "$1" ;;
	*) printf '%s/%s' "$(pwd)" "$1" ;;
	esac | sed 's://*$::'
}
[ -z "$destdir" ] || destdir=$(absolute "$destdir")
if [ -n "$chroot_dir" ]; then
	chroot_dir=$(absolute "$chroot_dir")
	[ -n "$chroot_dir" ] || die_usage "--chroot / is the host itself; run ./install.sh without --chroot"
	[ -z "$destdir" ] || die_usage "--chroot and --destdir cannot be combined; --chroot DIR already installs under DIR"
	[ "$prefix" = /usr/local ] || die_usage "--prefix has no meaning with --chroot, which always installs into DIR/bin"
fi
[ "$with_spool" = no ] || [ -n "$chroot_dir" ] ||
	die_usage "--with-spool only goes with --chroot DIR (the normal install always creates the spool)"
[ "$purge" = no ] || [ "$action" = uninstall ] ||
	die_usage "--purge only goes with --uninstall"

# Below base, the directory the caller chose for a staged or chrooted
# tree, no symbolic link is followed: anyone who could write there could
# otherwise send root's files anywhere.
base=$destdir$chroot_dir

# --- how relay-ctrl-age will run ----------------------------------------------

# sd_booted(3): systemd is PID 1 exactly when this directory exists.
systemd_runs() {
	[ -d /run/systemd/system ]
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# A cron daemon that reads /etc/cron.d (Debian's cron, cronie, bcron).
cron_runs_here() (
	PATH=$PATH:/usr/sbin:/sbin
	have cron || have crond
)

if [ -n "$chroot_dir" ]; then
	age_how=chroot
elif [ -n "$destdir" ]; then
	age_how=stage
elif systemd_runs && have systemctl; then
	age_how=timer
elif cron_runs_here; then
	age_how=cron
else
	age_how=none
fi

if [ -n "$chroot_dir" ]; then
	bindir=$chroot_dir/bin
	mandir=
	libexecdir=
	crondir=
	unitdir=
	if [ "$with_spool" = yes ] || [ "$purge" = yes ]; then
		confdir=$chroot_dir$conf_rel
		spooldir=$chroot_dir$spool_rel
	else
		confdir=
		spooldir=
	fi
	runbin=/bin
else
	bindir=$destdir$prefix/bin
	mandir=$destdir$prefix/share/man/man8
	libexecdir=$destdir$prefix/libexec/relayctl
	[ -d "$src/courier" ] || libexecdir=
	confdir=$destdir$conf_rel
	spooldir=$destdir$spool_rel
	crondir=
	unitdir=
	# A package ships both and lets its scripts choose; a host gets what
	# it runs, and the unit files wherever systemd is installed.
	case $age_how in
	stage) crondir=$destdir/etc/cron.d unitdir=$destdir$units_rel ;;
	timer) unitdir=$units_rel ;;
	cron) crondir=/etc/cron.d ;;
	esac
	if [ "$age_how" != stage ] && [ "$age_how" != timer ] && have systemctl; then
		unitdir=$units_rel
	fi
	if [ "$action" = uninstall ] && [ -z "$destdir" ]; then
		crondir=/etc/cron.d
		unitdir=$units_rel
	fi
	runbin=$prefix/bin
fi

# --- permissions and directories, before anything is touched -------------------

is_root=no
[ "$(id -u)" = 0 ] && is_root=yes
my_uid=$(id -u)

if [ "$is_root" = no ] && [ -z "$destdir" ] && [ -z "$chroot_dir" ]; then
	die_temp "changing the host's /usr/local, /etc and /var/spool needs root (the spool must belong to root); run ./install.sh as root, or stage the files as this user with --destdir DIR; nothing was changed"
fi

# "drwx------" and the like: ls is the portable way to read a mode and an
# owner, and every name given to it here is one install.sh chose.
perm_of() {
	# shellcheck disable=SC2012
	ls -ld "$1" | cut -c1-10
}

owner_of() {
	# shellcheck disable=SC2012
	ls -ldn "$1" | awk '{ print $3 }'
}

group_of() {
	# shellcheck disable=SC2012
	ls -ldn "$1" | awk '{ print $4 }'
}

# A directory is safe to create files in when only root or this user can
# change it: owned by one of them, and not writable by group or others
# unless sticky (like /tmp, where others cannot replace root's entries).
# Debian's group staff, which may own /usr/local (2775), is root's equal
# by Debian's own account (its members can already replace any program
# root runs from /usr/local/bin), so its write bit is no one else's.
safe_dir() {
	o=$(owner_of "$1")
	if [ "$o" != 0 ] && [ "$o" != "$my_uid" ]; then
		die_temp "refusing to install through $1: it belongs to uid $o, who could plant links there; nothing was changed (choose another directory)"
	fi
	case $(perm_of "$1") in
	d????????[tT]) ;;
	d???????w?)
		die_temp "refusing to install through $1: $(perm_of "$1") lets every user plant links there; nothing was changed (chmod o-w $1, or choose another directory)" ;;
	d????w????)
		g=$(group_of "$1")
		if [ "$g" != 0 ] && [ "$g" != 50 ] && [ "$g" != "$(id -g)" ]; then
			die_temp "refusing to install through $1: $(perm_of "$1") lets group $g plant links there; nothing was changed (chmod g-w $1, or choose another directory)"
		fi ;;
	esac
}

# check_path DIR: the way to DIR holds no symbolic link below $base and no
# directory someone else could change; the deepest existing directory must
# be writable.  Run for every target before the first change, and again
# before each directory is used.
check_path() {
	target=$1
	d=$target
	while [ ! -e "$d" ] && [ ! -h "$d" ]; do
		d=$(dirname "$d")
	done
	if [ -n "$base" ]; then
		p=$d
		while [ "${#p}" -gt "${#base}" ]; do
			if [ -h "$p" ]; then
				die_temp "refusing to install $target: $p is a symbolic link, and nothing is written through a link under $base; nothing was changed"
			fi
			p=$(dirname "$p")
		done
		# DIR itself may be a link its owner made (only root or this user).
		[ ! -h "$base" ] || safe_dir "$base"
	fi
	if [ ! -d "$d" ]; then
		die_temp "cannot create $target: $d is not a directory; nothing was changed"
	fi
	p=$(cd -P "$d" && pwd)
	while :; do
		safe_dir "$p"
		[ "$p" != / ] || break
		p=$(dirname "$p")
	done
	if [ ! -w "$d" ] || [ ! -x "$d" ]; then
		die_temp "cannot write to $d (needed for $target): permission denied or read-only file system; run as a user who may, or choose another directory; nothing was changed"
	fi
}

# allow/ is 0777 on purpose and gets no file from install.sh: only the
# directory that holds it is checked.
for d in "$bindir" "$mandir" "$libexecdir" "$confdir" "$spooldir" "$crondir" "$unitdir"; do
	[ -z "$d" ] || check_path "$d"
done
for d in "$spooldir" "${spooldir:+$spooldir/allow}"; do
	if [ -n "$d" ] && [ -h "$d" ]; then
		die_temp "refusing to install the spool $d: it is a symbolic link, and the spool must be a directory of its own; nothing was changed"
	fi
done

# --- the binary --------------------------------------------------------------

bin=$src/relayctl

stale_binary() {
	[ ! -f "$bin" ] && return 0
	[ -n "$(cd "$src" && find relayctl.c applets lib Makefile -newer relayctl -print 2>/dev/null | head -n 1)" ]
}

# glibc names its tunables and symbol versions in every static binary it
# links; musl's hold no such string.
built_with_glibc() {
	[ -f "$bin" ] && LC_ALL=C grep -q -a 'GLIBC_' "$bin"
}

# A fresh Debian host has no compiler and no musl: as root, installing into
# the host, install.sh fetches them, since that is what the admin asked for.
# A --destdir run touches nothing outside DESTDIR, so it only says what is
# missing.  Without musl (another distribution) the build goes on with the
# C library there is; finish_binary says what that costs.
get_build_tools() {
	# What a musl build needs that is not here, as Debian package names.
	set --
	have make || set -- "$@" make
	have gcc || set -- "$@" gcc libc6-dev
	have musl-gcc || set -- "$@" musl-tools
	[ $# -gt 0 ] || return 0
	tools=$*
	if [ "$is_root" = yes ] && [ -z "$destdir" ] && have apt-get; then
		say "$tools missing; installing them with apt-get (musl gives the small binary that README.md measures)"
		if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; }; then
			die_temp "apt-get could not install $tools (see its messages above); install them by hand, then run ./install.sh again; nothing else was changed"
		fi
		return 0
	fi
	if ! have make || ! { have gcc || have musl-gcc; }; then
		die_temp "cannot build relayctl: make or a C compiler is missing; install them (Debian: apt-get install $tools), then run ./install.sh again; nothing was changed"
	fi
}

build() {
	why=$1
	say "building $bin ($why)"
	# A binary newer than its sources but built with glibc: make alone
	# would keep it.
	force=--no-print-directory
	[ ! -f "$bin" ] || ! built_with_glibc || ! have musl-gcc || force=--always-make
	if ! make -C "$src" "$force" relayctl; then
		die_temp "building relayctl failed (see the compiler's messages above); nothing was changed"
	fi
}

# The figures of README.md and bench/ are the musl build's; a glibc build
# works the same but is about fourteen times bigger, and glibc's start-up
# runs on every SMTP connection.
finish_binary() {
	built_with_glibc || return 0
	size=$(wc -c <"$bin" | tr -d ' ')
	warn "$bin is built with glibc's static C library, not musl (no musl-gcc here): $size bytes instead of about 60,000, and every relay-ctrl-check start costs more (measured 2.76x a static program that only execs, against 1.11x for the musl build); installing it anyway; install musl-gcc (Debian: musl-tools) and run ./install.sh again to replace it"
}

if [ "$action" = install ]; then
	if [ ! -f "$bin" ]; then
		get_build_tools
		build "missing"
	elif stale_binary; then
		get_build_tools
		build "older than its sources"
	elif built_with_glibc; then
		get_build_tools
		if have musl-gcc; then
			build "built with glibc; musl-gcc is here now"
		fi
	fi
	finish_binary
	if ! names=$("$bin" --list) || [ -z "$names" ]; then
		die_temp "$bin --list did not work, so the applet names are unknown; run make and look at its messages; nothing was changed"
	fi
	version=$("$bin" --version)
	case $names in
	*[!a-z0-9'
'-]*) die_temp "$bin --list printed a name that is not an applet's; nothing was changed" ;;
	esac
fi

# --- helpers that change things ----------------------------------------------

installed() {
	changed=$((changed + 1))
	say "$1: $2"
}

kept() {
	unchanged=$((unchanged + 1))
	say "$1: ${2:-unchanged}"
}

# The owner matters only when root installs: a staged tree belongs to its
# packager, and fakeroot makes the packager root.
right_owner() {
	[ "$is_root" = no ] || [ "$(owner_of "$1")" = 0 ]
}

# One directory at a time, each checked: mkdir never follows a link, and
# a name that appeared in the meantime is judged by check_path again.
make_dir() {
	check_path "$1"
	[ -d "$1" ] && [ ! -h "$1" ] && return 0
	parent=$(dirname "$1")
	if [ ! -d "$parent" ] || [ -h "$parent" ]; then
		make_dir "$parent"
	fi
	mkdir "$1"
	[ "$is_root" = no ] || chown 0:0 "$1"
	check_path "$1"
	installed "$1" "directory created"
}

# new_tmp DIR: a fresh file in DIR that no one else can have planted.
tmp=
tmpd=
new_tmp() {
	tmp=$(mktemp "$1/.relayctl.XXXXXXXX")
}

# Rename replaces the name itself, never a link's target; a directory in
# the way would swallow the file, so it stops the run instead.
put_in_place() {
	if [ -d "$2" ] && [ ! -h "$2" ]; then
		die_temp "$2 is a directory; left as it is, and nothing more was changed"
	fi
	mv -f "$1" "$2"
}

# put_content FILE MODE PERM COMMAND...: FILE holds what COMMAND writes,
# with MODE (ls's PERM) and root's ownership.  Replaced by rename, so that
# a server starting relay-ctrl-check at this moment runs the old binary or
# the new one, never half of one.
put_content() {
	to=$1 mode=$2 perm=$3
	shift 3
	if [ -f "$to" ] && [ ! -h "$to" ] && "$@" | cmp -s - "$to" &&
	    [ "$(perm_of "$to")" = "$perm" ] && right_owner "$to"; then
		kept "$to"
		return 0
	fi
	new_tmp "$(dirname "$to")"
	"$@" >"$tmp"
	chmod "$mode" "$tmp"
	[ "$is_root" = no ] || chown 0:0 "$tmp"
	put_in_place "$tmp" "$to"
	tmp=
	installed "$to" "installed (mode $mode)"
}

# put_file FROM TO MODE PERM: a copy of FROM.
put_file() {
	put_content "$2" "$3" "$4" cat "$1"
}

# put_text FILE MODE TEXT: a file install.sh writes itself (0644 or 0755).
put_text() {
	if [ "$2" = 0644 ]; then
		put_content "$1" "$2" -rw-r--r-- printf '%s\n' "$3"
	else
		put_content "$1" "$2" -rwxr-xr-x printf '%s\n' "$3"
	fi
}

# A file that is not our link (relay-ctrl 3.2's program, say) is kept as
# NAME.orig; --uninstall puts it back.
put_link() {
	path=$1/$2
	if [ -h "$path" ] && [ "$(readlink "$path")" = relayctl ]; then
		kept "$path -> relayctl"
		return 0
	fi
	how="installed"
	if [ -h "$path" ]; then
		how="installed, replacing a link to $(readlink "$path")"
	elif [ -e "$path" ]; then
		new_tmp "$1"
		cp -p "$path" "$tmp"
		put_in_place "$tmp" "$path.orig"
		tmp=
		how="installed; the file that was there is kept as $path.orig"
	fi
	tmpd=$(mktemp -d "$1/.relayctl.XXXXXXXX")
	ln -s relayctl "$tmpd/link"
	put_in_place "$tmpd/link" "$path"
	rmdir "$tmpd"
	tmpd=
	installed "$path -> relayctl" "$how"
}

# Configuration belongs to the admin: written once, never overwritten.
# link(2) fails where a file of that name appeared in the meantime.
put_new() {
	file=$1 text=$2 note=$3
	if [ -e "$file" ] || [ -h "$file" ]; then
		return 1
	fi
	new_tmp "$(dirname "$file")"
	printf '%s\n' "$text" >"$tmp"
	chmod 0644 "$tmp"
	[ "$is_root" = no ] || chown 0:0 "$tmp"
	if ! ln "$tmp" "$file" 2>/dev/null; then
		rm -f "$tmp"
		tmp=
		return 1
	fi
	rm -f "$tmp"
	tmp=
	installed "$file" "$note"
}

put_config() {
	put_new "$confdir/$1" "$2" "created with \"$2\"" ||
		kept "$confdir/$1" "kept as it is (existing configuration is never overwritten)"
}

# A spool directory that exists keeps its mode and owner: an admin may
# have opened it to Postfix's policy service on purpose.  check_layout
# judges them.
spool_dir() {
	dir=$1 mode=$2
	check_path "$(dirname "$dir")"
	if [ -h "$dir" ]; then
		die_temp "$dir is a symbolic link; left as it is (the spool must be a directory of its own)"
	fi
	if [ -d "$dir" ]; then
		kept "$dir"
		return 0
	fi
	mkdir "$dir"
	chmod "$mode" "$dir"
	[ "$is_root" = no ] || chown 0:0 "$dir"
	installed "$dir" "created (mode $mode)"
}

# The two layouts of relayctl(8), SECURITY, and what is wrong with others.
check_layout() {
	p=$(perm_of "$spooldir")
	a=$(perm_of "$spooldir/allow")
	case "$p $a" in
	"drwx------ drwxrwxrwx")
		say "why the spool is safe: $spool_rel is 0700 root, so only a process that relay-ctrl-chdir started as root, holding the descriptor it opened, reaches allow/ inside; allow/ is 0777 so that relay-ctrl-allow can write there after dropping to the mail user, yet local users cannot reach it to plant records"
		;;
	"drwx--x--- drwxrwxrwx")
		say "the spool has the layout for Postfix's policy service ($spool_rel 0710, its group gid $(group_of "$spooldir") may enter): left as it is"
		;;
	*)
		case $p$a in
		?????????x????????w?)
			warn "$spool_rel is $p and allow/ is $a: every local user can enter the spool and plant records that open the relay; left as it is; fix it as relayctl(8), SECURITY shows (chmod 0700 $spool_rel for relay-ctrl-chdir)" ;;
		*)
			warn "$spool_rel has mode $p and allow/ has mode $a, neither layout of relayctl(8), SECURITY; left as it is" ;;
		esac
		;;
	esac
	if ! right_owner "$spooldir"; then
		warn "$spool_rel belongs to uid $(owner_of "$spooldir"), not root; left as it is, see relayctl(8), SECURITY"
	fi
}

# --- relay-ctrl-age: cron line and systemd units ----------------------------------

# The cron line steps aside where systemd runs the timer, so that a host
# that boots systemd later and enables the timer does not run age twice.
cron_line() {
	printf '* * * * * root systemctl -q is-active relay-ctrl-age.timer 2>/dev/null || %s/relay-ctrl-age' "$runbin"
}

cron_text() {
	cat <<EOF
# relayctl: remove stale POP/IMAP-before-SMTP records every minute; see relay-ctrl-age(8).
# Installed by relayctl's install.sh; "./install.sh --uninstall" removes it.
# Where systemd runs relay-ctrl-age.timer, this line does nothing.
$(cron_line)
EOF
}

# Like the configuration, the cron file is the admin's once it exists.
put_cron() {
	file=$crondir/relay-ctrl
	if put_new "$file" "$(cron_text)" "installed: relay-ctrl-age runs every minute"; then
		return 0
	fi
	if cron_text | cmp -s - "$file"; then
		kept "$file"
	else
		kept "$file" "kept as it is, though it differs from what install.sh writes (\"$(cron_line)\")"
	fi
}

# The units name the binary where it is installed; the files in systemd/
# say @BINDIR@ for it.
unit_text() {
	sed "s|@BINDIR@|$runbin|g" "$src/systemd/$1"
}

units_to_install() {
	echo relay-ctrl-age.service
	echo relay-ctrl-age.timer
	case " $(printf '%s' "$names" | tr '\n' ' ') " in
	*" udp "*) echo relay-ctrl-udp.service ;;
	esac
}

put_units() {
	make_dir "$unitdir"
	units_changed=no
	while IFS= read -r u; do
		if [ ! -f "$src/systemd/$u" ]; then
			warn "$src/systemd/$u is missing, so $u is not installed"
			continue
		fi
		before=$changed
		put_text "$unitdir/$u" 0644 "$(unit_text "$u")"
		[ "$changed" = "$before" ] || units_changed=yes
	done <<EOF
$(units_to_install)
EOF
}

# systemd is PID 1: the timer is enabled and started, and a cron file that
# an older install.sh wrote (the same line without the systemd guard) goes.
start_timer() {
	running=no
	if systemctl -q is-enabled relay-ctrl-age.timer 2>/dev/null &&
	    systemctl -q is-active relay-ctrl-age.timer 2>/dev/null; then
		running=yes
	fi
	if [ "$units_changed" = yes ] || [ "$running" = no ]; then
		systemctl daemon-reload
	fi
	if [ "$running" = yes ]; then
		kept "relay-ctrl-age.timer" "enabled and running"
	else
		systemctl enable --now relay-ctrl-age.timer
		installed "relay-ctrl-age.timer" "enabled and started"
	fi
	old=/etc/cron.d/relay-ctrl
	if [ -f "$old" ] && [ ! -h "$old" ] && grep -q "^# Installed by relayctl's install.sh" "$old"; then
		rm -f "$old"
		installed "$old" "removed: the systemd timer runs relay-ctrl-age now"
	fi
}

# Says, after the files, how relay-ctrl-age will really run.
age_report() {
	case $age_how in
	stage)
		say "age: staged $crondir/relay-ctrl and the systemd units in $unitdir; the package chooses which runs (the cron line steps aside while systemd runs the timer)" ;;
	timer)
		say "age: systemd runs this host, so relay-ctrl-age.timer runs relay-ctrl-age every minute (systemctl list-timers relay-ctrl-age.timer)" ;;
	cron)
		say "age: a cron daemon runs here and systemd is not PID 1, so $crondir/relay-ctrl runs relay-ctrl-age every minute" ;;
	none)
		warn "relay-ctrl-age will not run: this host has neither systemd as PID 1 nor a cron daemon; stale records are still refused, but stay in the spool; add \"* * * * * $runbin/relay-ctrl-age\" to root's crontab once a cron daemon runs, or start it every minute from your service manager" ;;
	esac
	if [ -n "$unitdir" ] && [ "$age_how" != timer ] && [ "$age_how" != stage ]; then
		say "age: systemd is installed but is not PID 1 here (a container?): the unit files are in $unitdir, not enabled; where systemd runs this host: systemctl daemon-reload && systemctl enable --now relay-ctrl-age.timer"
	fi
	if [ -n "$unitdir" ] && [ -f "$unitdir/relay-ctrl-udp.service" ]; then
		say "udp: $unitdir/relay-ctrl-udp.service is installed, not enabled; see relay-ctrl-udp(8) for what it needs first"
	fi
}

# A step that fails half way (disk full, say) must not pass for success,
# nor leave its temporary file behind.
on_exit() {
	rc=$?
	[ -z "$tmp" ] || rm -f "$tmp"
	[ -z "$tmpd" ] || rm -rf "$tmpd"
	if [ "$rc" -ne 0 ] && [ "$started" = yes ]; then
		printf '%s: fatal: a step failed (see the message above) after %s changes; they stay in place, and running ./install.sh again after fixing the cause completes the %s\n' \
		    "$me" "$changed" "$action" >&2
		exit 111
	fi
}
trap on_exit EXIT

# --- install -----------------------------------------------------------------

# Courier's start script and post-login wrappers (README.md, Courier),
# naming the programs where they are installed.
courier_text() {
	sed -e "s|@BINDIR@|$runbin|g" -e "s|@LIBEXECDIR@|${libexecdir#"$destdir"}|g" \
	    "$src/courier/$1.in"
}

# The man pages of the tree, one a line.
man_pages() {
	[ -d "$src/man" ] || return 0
	for p in "$src"/man/relayctl.8 "$src"/man/relay-ctrl-*.8 "$src"/man/relayctl-*.8; do
		[ -f "$p" ] && printf '%s\n' "$p"
	done
	return 0
}

# The wiring below is printed by this one function, so that each server's
# part can be edited in one place.
print_wiring() {
	b=$runbin
	lx=${libexecdir#"$destdir"}
	[ -n "$lx" ] || lx=$prefix/libexec/relayctl
	cat <<EOF

What to put into the mail servers' configuration (details: man relayctl,
EXAMPLES; README.md):
  qmail SMTP run script (tcpserver):
    exec envdir $conf_rel $b/relay-ctrl-chdir \\
      tcpserver -v -R -u QMAILD_UID -g NOFILES_GID 0 smtp \\
      $b/relay-ctrl-check qmail-smtpd 2>&1
  qmail POP3 run script:
    exec envdir $conf_rel $b/relay-ctrl-chdir \\
      tcpserver -v -R 0 pop3 qmail-popup HOSTNAME \\
      checkpassword $b/relay-ctrl-allow qmail-pop3d Maildir 2>&1
  mailfront: ... pop3front-auth cvm-unix $b/relay-ctrl-allow pop3front-maildir
  Courier-IMAP 5 (Debian's courier-imap, courier-pop): one systemd drop-in
  per service, /etc/systemd/system/courier-imap.service.d/relayctl.conf:
    [Service]
    ExecStart=
    ExecStart=$lx/courier-start start imapd
  and the same for courier-imap-ssl (imapd-ssl), courier-pop (pop3d) and
  courier-pop-ssl (pop3d-ssl); then systemctl daemon-reload and restart them.
  Without systemd, /etc/default/imapd (likewise imapd-ssl, pop3d, pop3d-ssl):
    DAEMON=$lx/courier-start
    DAEMON_ARGS=imapd
  Courier-IMAP before 5 / authlib module chain:
    AUTHMODULES="authdaemon $b/relay-ctrl-allow", and couriertcpd
    started under envdir $conf_rel $b/relay-ctrl-chdir
  Dovecot (conf.d/10-master.conf; the same for pop3; the post-login
  service runs as root, which lets it into the spool):
    service imap { executable = imap imap-postlogin }
    service imap-postlogin {
      executable = script-login /usr/local/libexec/relayctl-postlogin
      unix_listener imap-postlogin { }
    }
    /usr/local/libexec/relayctl-postlogin (0755):
      #!/bin/sh
      exec $b/relayctl allow "\$@"
  Postfix master.cf:
    relayctl-policy  unix  -  n  n  -  0  spawn
      user=nobody:relayctl argv=$b/relayctl policy
  Postfix main.cf:
    smtpd_relay_restrictions = permit_mynetworks,
      check_policy_service unix:private/relayctl-policy,
      reject_unauth_destination
    smtpd_policy_service_default_action = DUNNO
    relayctl-policy_time_limit = 3600
  and a group that lets the policy service (never root) into the spool:
    groupadd --system relayctl
    chgrp relayctl $spool_rel; chmod 0710 $spool_rel
  Several hosts (POP3/IMAP here, SMTP elsewhere; man relay-ctrl-send,
  man relay-ctrl-udp): the same secret on every host, 0600 root:
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > $conf_rel/secret
    chmod 600 $conf_rel/secret
    echo $conf_rel/secret > $conf_rel/RELAY_CTRL_KEYFILE
  POP3/IMAP host: echo 192.0.2.25,2001:db8::25 > $conf_rel/RELAY_CTRL_REMOTES
    ... checkpassword $b/relay-ctrl-allow $b/relay-ctrl-send qmail-pop3d Maildir
  SMTP host: systemctl enable --now relay-ctrl-udp, or a daemontools run script:
    exec envdir $conf_rel envuidgid nobody $b/relay-ctrl-chdir $b/relay-ctrl-udp 2>&1
    and let UDP port 811 in from the POP3/IMAP hosts only.
EOF
}

do_install() {
	started=yes
	if [ -n "$destdir" ]; then
		say "staging $version under $destdir for packaging (files name their final paths, without $destdir)"
	else
		say "installing $version into ${chroot_dir:-/}"
	fi
	make_dir "$bindir"
	put_file "$bin" "$bindir/relayctl" 0755 -rwxr-xr-x
	while IFS= read -r n; do
		put_link "$bindir" "relay-ctrl-$n"
		put_link "$bindir" "relayctl-$n"
	done <<EOF
$names
EOF
	if [ -n "$mandir" ]; then
		make_dir "$mandir"
		while IFS= read -r p; do
			[ -z "$p" ] || put_file "$p" "$mandir/$(basename "$p")" 0644 -rw-r--r--
		done <<EOF
$(man_pages)
EOF
		while IFS= read -r n; do
			if [ ! -f "$src/man/relay-ctrl-$n.8" ] || [ ! -f "$src/man/relayctl-$n.8" ]; then
				warn "no man page for the applet $n in $src/man; man relayctl describes it"
			fi
		done <<EOF
$names
EOF
	fi
	if [ -n "$libexecdir" ]; then
		make_dir "$libexecdir"
		for f in courier-start courier-imapd courier-pop3d; do
			put_text "$libexecdir/$f" 0755 "$(courier_text "$f")"
		done
	fi
	if [ -n "$confdir" ]; then
		make_dir "$confdir"
		put_config RELAY_CTRL_DIR "$spool_rel/allow"
		put_config RELAY_CTRL_EXPIRY "$expiry_default"
	fi
	if [ -n "$spooldir" ]; then
		make_dir "$(dirname "$spooldir")"
		spool_dir "$spooldir" 0700
		spool_dir "$spooldir/allow" 0777
		check_layout
	fi
	if [ -n "$crondir" ]; then
		make_dir "$crondir"
		put_cron
	fi
	if [ -n "$unitdir" ]; then
		put_units
		[ "$age_how" != timer ] || start_timer
	fi
	if [ -n "$chroot_dir" ]; then
		check_chroot
	else
		age_report
		print_wiring
	fi
	finish
}

# The proof that the static binary needs nothing else in the chroot.
check_chroot() {
	chroot_cmd=$(command -v chroot || true)
	if [ "$is_root" = no ] || [ -z "$chroot_cmd" ]; then
		say "not checked inside $chroot_dir: that needs root and chroot(8); as root: chroot $chroot_dir /bin/relay-ctrl-check /bin/relayctl --version"
	elif out=$(env -i RELAY_CTRL_LOG=none "$chroot_cmd" "$chroot_dir" /bin/relay-ctrl-check /bin/relayctl --version 2>&1) &&
	    [ "$out" = "$version" ]; then
		say "checked: chroot $chroot_dir /bin/relay-ctrl-check /bin/relayctl --version prints \"$out\" with nothing else from the host"
	else
		warn "chroot $chroot_dir /bin/relay-ctrl-check /bin/relayctl --version did not work (${out:-no output}); is $chroot_dir mounted noexec?"
	fi
	cat <<EOF

To run a service in the chroot, start relay-ctrl-chdir outside it, as root,
and chroot(8) next: the spool descriptor survives chroot, so the chroot
needs no spool of its own (only --with-spool gives it one):
  exec envdir $conf_rel relay-ctrl-chdir chroot $chroot_dir \\
    tcpserver -u UID -g GID 0 smtp /bin/relay-ctrl-check /bin/qmail-smtpd
EOF
}

finish() {
	if [ "$changed" -eq 0 ]; then
		say "nothing changed: all $unchanged items were already in place"
	else
		say "done: $changed changed, $unchanged already in place"
	fi
}

# --- uninstall ---------------------------------------------------------------

removed() {
	changed=$((changed + 1))
	say "$1: $2"
}

# Units of ours: a timer that runs is stopped and disabled before its
# files go, and systemd is told.
remove_units() {
	[ -n "$unitdir" ] && [ -d "$unitdir" ] || return 0
	gone=no
	for u in relay-ctrl-age.timer relay-ctrl-age.service relay-ctrl-udp.service; do
		f=$unitdir/$u
		if [ ! -f "$f" ] || [ -h "$f" ] || ! grep -q '^# relayctl: ' "$f"; then
			continue
		fi
		if [ -z "$destdir" ] && have systemctl; then
			if systemd_runs; then
				systemctl disable --now "$u" >/dev/null 2>&1 || true
			else
				systemctl disable "$u" >/dev/null 2>&1 || true
			fi
		fi
		rm -f "$f"
		gone=yes
		if [ -z "$destdir" ] && have systemctl; then
			removed "$f" "disabled$(systemd_runs && echo ' and stopped'), then removed"
		else
			removed "$f" "removed"
		fi
	done
	if [ "$gone" = yes ] && [ -z "$destdir" ] && systemd_runs && have systemctl; then
		systemctl daemon-reload || true
	fi
}

# Courier started through courier-start does not start once it is gone
# (under sysvinit silently: init-d-script exits 0 without its DAEMON).
warn_courier_wiring() {
	[ -z "$destdir" ] && [ -z "$chroot_dir" ] || return 0
	for f in /etc/systemd/system/courier-*.service.d/*.conf \
	    /etc/default/imapd /etc/default/imapd-ssl \
	    /etc/default/pop3d /etc/default/pop3d-ssl; do
		grep -qs courier-start "$f" || continue
		warn "$f still starts Courier through courier-start, which is being removed; remove that file (then systemctl daemon-reload) or Courier will not start"
	done
}

do_uninstall() {
	started=yes
	say "uninstalling from ${destdir:-${chroot_dir:-/}}"
	remove_units
	if [ -f "$bindir/relayctl" ] || [ -h "$bindir/relayctl" ]; then
		rm -f "$bindir/relayctl"
		removed "$bindir/relayctl" "removed"
	fi
	for path in "$bindir"/relay-ctrl-* "$bindir"/relayctl-*; do
		if [ ! -h "$path" ] || [ "$(readlink "$path")" != relayctl ]; then
			continue
		fi
		rm -f "$path"
		if [ -e "$path.orig" ] || [ -h "$path.orig" ]; then
			mv "$path.orig" "$path"
			removed "$path" "removed; the file it replaced is back"
		else
			removed "$path" "removed"
		fi
	done
	if [ -n "$mandir" ]; then
		while IFS= read -r p; do
			[ -n "$p" ] || continue
			page=$mandir/$(basename "$p")
			[ -f "$page" ] || continue
			rm -f "$page"
			removed "$page" "removed"
		done <<EOF
$(man_pages)
EOF
	fi
	if [ -n "$libexecdir" ] && [ -d "$libexecdir" ]; then
		warn_courier_wiring
		for f in courier-start courier-imapd courier-pop3d; do
			[ -f "$libexecdir/$f" ] || continue
			rm -f "$libexecdir/$f"
			removed "$libexecdir/$f" "removed"
		done
		rmdir "$libexecdir" 2>/dev/null || true
	fi
	if [ -n "$crondir" ] && [ -f "$crondir/relay-ctrl" ] &&
	    grep -q relay-ctrl-age "$crondir/relay-ctrl"; then
		rm -f "$crondir/relay-ctrl"
		removed "$crondir/relay-ctrl" "removed"
	fi
	for d in "$confdir" "$spooldir"; do
		if [ -z "$d" ] || [ ! -e "$d" ]; then
			continue
		fi
		if [ "$purge" = yes ]; then
			rm -rf "$d"
			removed "$d" "removed (--purge)"
		else
			say "$d: left in place (configuration and records stay; --uninstall --purge removes them)"
		fi
	done
	if [ "$changed" -eq 0 ]; then
		say "nothing changed: nothing of relayctl was installed there"
	else
		say "done: $changed removed"
	fi
}

if [ "$action" = install ]; then
	do_install
else
	do_uninstall
fi
