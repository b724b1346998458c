#!/bin/sh
# Builds relayctl when needed and installs it with working defaults (binary, links, man pages, config, spool, cron); see README.md and relayctl(8).
#
# Every step first looks at what is there: a second run changes nothing and
# says so.  Options and permissions are checked before anything is touched,
# so a refused run leaves the host as it was.
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

Builds relayctl if the binary is missing or older than its sources, then
installs, as root:
  PREFIX/bin/relayctl (0755) and, for every applet NAME of relayctl --list,
  the relative links PREFIX/bin/relay-ctrl-NAME and PREFIX/bin/relayctl-NAME;
  the man pages in PREFIX/share/man/man8;
  $conf_rel/RELAY_CTRL_DIR and RELAY_CTRL_EXPIRY (existing files are kept);
  $spool_rel (0700 root) with allow/ (0777) inside;
  $cron_rel, running relay-ctrl-age every minute, if /etc/cron.d exists.
Running it again changes nothing and says so.

  --prefix DIR     install under DIR instead of /usr/local (absolute path).
  --destdir DIR    stage every file under DIR, for packaging: nothing outside
                   DIR is touched and root is not needed.
  --chroot DIR     put relayctl and its links into DIR/bin for a chrooted mail
                   service; the static binary needs no other file there.
  --with-spool     with --chroot: also create DIR$conf_rel and DIR$spool_rel.
  --uninstall      remove what install.sh installed; the configuration and
                   the spool stay, unless --purge is given too.
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

if [ -n "$chroot_dir" ]; then
	bindir=$chroot_dir/bin
	mandir=
	crondir=
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
	confdir=$destdir$conf_rel
	spooldir=$destdir$spool_rel
	crondir=$destdir/etc/cron.d
	# A package ships the cron file; on a host it needs a running cron.
	[ -n "$destdir" ] || [ -d /etc/cron.d ] || crondir=
	runbin=$prefix/bin
fi

# --- permissions, before anything is touched ---------------------------------

is_root=no
[ "$(id -u)" = 0 ] && is_root=yes

if [ "$is_root" = no ] && [ -z "$destdir" ] && [ -z "$chroot_dir" ]; then
	die_temp "changing the host's /usr/local, /etc and /var/spool needs root (the spool must belong to root); run ./install.sh as root, or stage the files as this user with --destdir DIR; nothing was changed"
fi

# The deepest existing directory on the way to $1 must be writable.
check_writable() {
	d=$1
	while [ ! -e "$d" ] && [ ! -h "$d" ]; do
		d=$(dirname "$d")
	done
	if [ ! -d "$d" ]; then
		die_temp "cannot create $1: $d is not a directory; nothing was changed"
	fi
	if [ ! -w "$d" ] || [ ! -x "$d" ]; then
		die_temp "cannot write to $d (needed for $1): permission denied or read-only file system; run as a user who may, or choose another directory; nothing was changed"
	fi
}

for d in "$bindir" "$mandir" "$confdir" "$spooldir" "${spooldir:+$spooldir/allow}" "$crondir"; do
	[ -z "$d" ] || check_writable "$d"
done

# --- the binary --------------------------------------------------------------

bin=$src/relayctl

stale_binary() {
	[ ! -f "$bin" ] && return 0
	[ -n "$(cd "$src" && find relayctl.c applets lib Makefile -newer relayctl -print 2>/dev/null | head -n 1)" ]
}

have_build_tools() {
	command -v make >/dev/null 2>&1 &&
	    { command -v musl-gcc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; }
}

# A fresh Debian host has no compiler: as root, installing into the host,
# install.sh fetches one, since that is what the admin asked for.  A
# --destdir run touches nothing outside DESTDIR, so it only says what is
# missing.
get_build_tools() {
	tools="make gcc libc6-dev musl-tools"
	if [ "$is_root" = no ] || [ -n "$destdir" ] || ! command -v apt-get >/dev/null 2>&1; then
		die_temp "cannot build relayctl: make or a C compiler is missing; install them (Debian: apt-get install $tools), then run ./install.sh again; nothing was changed"
	fi
	say "make or a C compiler is missing; installing $tools with apt-get"
	# shellcheck disable=SC2086 # one word a package
	if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $tools; }; then
		die_temp "apt-get could not install $tools (see its messages above); install them by hand, then run ./install.sh again; nothing else was changed"
	fi
}

build() {
	have_build_tools || get_build_tools
	say "building $bin (missing or older than its sources)"
	if ! make -C "$src" relayctl; then
		die_temp "building relayctl failed (see the compiler's messages above); nothing was changed"
	fi
}

if [ "$action" = install ]; then
	if stale_binary; then
		build
	fi
	if ! names=$("$bin" --list) || [ -z "$names" ]; then
		die_temp "$bin --list did not work, so the applet names are unknown; run make and look at its messages; nothing was changed"
	fi
	version=$("$bin" --version)
fi

# --- helpers that change things ----------------------------------------------

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

make_dir() {
	if [ -d "$1" ]; then
		return 0
	fi
	mkdir -p "$1"
	installed "$1" "directory created"
}

# Replaced by rename, so that a server starting relay-ctrl-check at this
# moment runs the old binary or the new one, never half of one.
put_file() {
	from=$1 to=$2 mode=$3 perm=$4
	if [ -f "$to" ] && [ ! -h "$to" ] && cmp -s "$from" "$to" &&
	    [ "$(perm_of "$to")" = "$perm" ] && right_owner "$to"; then
		kept "$to"
		return 0
	fi
	tmp=$(dirname "$to")/.$(basename "$to").install.$$
	rm -f "$tmp"
	cp "$from" "$tmp"
	chmod "$mode" "$tmp"
	[ "$is_root" = no ] || chown 0:0 "$tmp"
	mv -f "$tmp" "$to"
	tmp=
	installed "$to" "installed (mode $mode)"
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
		rm -f "$path"
	elif [ -e "$path" ]; then
		rm -f "$path.orig"
		cp -p "$path" "$path.orig"
		how="installed; the file that was there is kept as $path.orig"
	fi
	tmp=$1/.$2.install.$$
	rm -f "$tmp"
	ln -s relayctl "$tmp"
	mv -f "$tmp" "$path"
	tmp=
	installed "$path -> relayctl" "$how"
}

# Configuration belongs to the admin: written once, never overwritten.
put_config() {
	file=$confdir/$1
	if [ -e "$file" ] || [ -h "$file" ]; then
		kept "$file" "kept as it is (existing configuration is never overwritten)"
		return 0
	fi
	tmp=$file.install.$$
	printf '%s\n' "$2" >"$tmp"
	chmod 0644 "$tmp"
	mv -f "$tmp" "$file"
	tmp=
	installed "$file" "created with \"$2\""
}

# A spool directory that exists keeps its mode and owner: an admin may
# have opened it to Postfix's policy service on purpose.  check_layout
# judges them.
spool_dir() {
	dir=$1 mode=$2
	if [ -d "$dir" ] && [ ! -h "$dir" ]; then
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

cron_text() {
	cat <<EOF
# relayctl: remove stale POP/IMAP-before-SMTP records every minute; see relay-ctrl-age(8).
# Installed by relayctl's install.sh; "./install.sh --uninstall" removes it.
* * * * * root $runbin/relay-ctrl-age
EOF
}

# Like the configuration, the cron file is the admin's once it exists.
put_cron() {
	file=$crondir/relay-ctrl
	if [ -e "$file" ] || [ -h "$file" ]; then
		if cron_text | cmp -s - "$file"; then
			kept "$file"
		else
			kept "$file" "kept as it is, though it differs from what install.sh writes (\"* * * * * root $runbin/relay-ctrl-age\")"
		fi
		return 0
	fi
	tmp=$crondir/.relay-ctrl.install.$$
	cron_text >"$tmp"
	chmod 0644 "$tmp"
	[ "$is_root" = no ] || chown 0:0 "$tmp"
	mv -f "$tmp" "$file"
	tmp=
	installed "$file" "installed: relay-ctrl-age runs every minute"
}

# A step that fails half way (disk full, say) must not pass for success,
# nor leave its temporary file behind.
tmp=
on_exit() {
	rc=$?
	[ -z "$tmp" ] || rm -f "$tmp"
	if [ "$rc" -ne 0 ] && [ "$started" = yes ]; then
		printf '%s: fatal: a step failed (see the message above) after %s changes; they stay in place, and running ./install.sh again after fixing the cause completes the %s\n' \
		    "$me" "$changed" "$action" >&2
		exit 111
	fi
}
trap on_exit EXIT

# --- install -----------------------------------------------------------------

man_pages() {
	[ -d "$src/man" ] || return 0
	for p in "$src"/man/relayctl.8 "$src"/man/relay-ctrl-*.8 "$src"/man/relayctl-*.8; do
		[ -f "$p" ] && printf '%s\n' "$p"
	done
	return 0
}

print_wiring() {
	b=$runbin
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
  Courier (authlib): AUTHMODULES="authdaemon $b/relay-ctrl-allow" and
    couriertcpd started under envdir $conf_rel $b/relay-ctrl-chdir;
  Courier 5: imaplogin $b/relay-ctrl-allow /usr/bin/imapd Maildir
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
	for n in $names; do
		put_link "$bindir" "relay-ctrl-$n"
		put_link "$bindir" "relayctl-$n"
	done
	if [ -n "$mandir" ]; then
		make_dir "$mandir"
		for p in $(man_pages); do
			put_file "$p" "$mandir/$(basename "$p")" 0644 -rw-r--r--
		done
		for n in $names; do
			if [ ! -f "$src/man/relay-ctrl-$n.8" ] || [ ! -f "$src/man/relayctl-$n.8" ]; then
				warn "no man page for the applet $n in $src/man; man relayctl describes it"
			fi
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
	elif [ -z "$chroot_dir" ]; then
		say "no /etc/cron.d on this host: add \"* * * * * $runbin/relay-ctrl-age\" to root's crontab"
	fi
	if [ -n "$chroot_dir" ]; then
		check_chroot
	else
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

do_uninstall() {
	started=yes
	say "uninstalling from ${destdir:-${chroot_dir:-/}}"
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
		for p in $(man_pages); do
			page=$mandir/$(basename "$p")
			[ -f "$page" ] || continue
			rm -f "$page"
			removed "$page" "removed"
		done
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
