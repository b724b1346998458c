#!/bin/sh
# Installs what "make check" needs on a Debian machine, when it is missing:
# tools and shared libraries, never a mail server.  It installs nothing that
# is, provides, conflicts with or replaces one and removes nothing: what
# apt-get would do is simulated first and refused if it would.  Run as root
# (CI is); as another user it only says what is missing.
set -eu

# The tools the suites run (ucspi-tcp, daemontools, mailfront and cvm are
# the tcpserver end-to-end suite's servers: no mail transport, no IMAP or
# POP3 server as Debian counts them); debhelper, dpkg-dev, fakeroot and
# lintian build and check the Debian package (72-deb); curl is the Courier
# suite's mail client (62-e2e-courier).
tools="gcc make libc6-dev libcmocka-dev musl-tools clang libclang-rt-dev
valgrind mandoc file strace python3 iproute2 util-linux mount procps
shellcheck cppcheck man-db ucspi-tcp daemontools mailfront cvm
debhelper dpkg-dev fakeroot lintian curl"
# The shared libraries of Postfix and Dovecot.  The servers themselves are
# fetched with apt-get download, unpacked under build/debs and run in
# namespaces of their own (tests/e2e/debs.sh), never installed.
libs="libapparmor1 libbz2-1.0 libcap2 libcrypt1 libdb5.3 libexttextcat-2.0-0
libicu72 liblua5.4-0 liblz4-1 liblzma5 libnsl2 libpam0g libsasl2-2
libsodium23 libssl3 libstemmer0d libsystemd0 libtirpc3 libunwind8 libwrap0
libzstd1 zlib1g"
# What a mail server is, to Debian: these virtual packages and these names.
mail_virtual='mail-transport-agent|imap-server|pop3-server'
mail_names='^(postfix|dovecot-.*|courier-.*|exim4.*|sendmail.*|opensmtpd|nullmailer)$'

missing=
for p in $tools $libs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run make check as root to install them)" >&2
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || true

# shellcheck disable=SC2086 # one word a package
plan=$(apt-get -s install -o Debug::NoLocking=1 --no-install-recommends $missing) || {
	echo "deps: apt-get cannot install$missing:" >&2
	printf '%s\n' "$plan" | tail -n 5 >&2
	exit 1
}
refuse=$(printf '%s\n' "$plan" | awk '$1 == "Remv" { print "removes " $2 }')
upgrades=$(printf '%s\n' "$plan" | awk '$1 == "Inst" && $3 ~ /^\[/ { printf " %s", $2 }')
for p in $(printf '%s\n' "$plan" | awk '$1 == "Inst" { print $2 }'); do
	if printf '%s\n' "$p" | grep -Eq "$mail_names" ||
	    apt-cache show --no-all-versions "$p" 2>/dev/null |
	    grep -E '^(Provides|Conflicts|Breaks|Replaces):' |
	    grep -Eqw "$mail_virtual"; then
		refuse="$refuse
installs $p, a mail server or one that replaces one"
	fi
done
if [ -n "$refuse" ]; then
	echo "deps: refusing to install$missing: apt-get would do more than" \
	    "add tools and libraries:" >&2
	printf '%s\n' "$refuse" | sed '/^$/d; s/^/  /' >&2
	echo "deps: install them by hand if that is what you want" >&2
	exit 1
fi
echo "deps: installing$missing (tools and libraries, no mail server)"
[ -z "$upgrades" ] || echo "deps: apt-get upgrades what they need:$upgrades"
# shellcheck disable=SC2086
apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends \
    $missing >/dev/null
