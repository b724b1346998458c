#!/bin/sh
# Installs what "make check" needs on a Debian machine, when it is missing.
# Run as root (CI is); as another user it only says what is missing.
set -eu

pkgs="gcc make libcmocka-dev musl-tools clang libclang-rt-dev valgrind mandoc
file strace python3 iproute2 util-linux procps shellcheck cppcheck man-db
ucspi-tcp daemontools mailfront cvm
debhelper dpkg-dev fakeroot lintian
dovecot-imapd dovecot-pop3d postfix"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run make check as root to install them)" >&2
	exit 0
fi
echo "deps: installing$missing"
# Packages must not start system daemons on the test machine: the tests
# start their own servers with their own configuration.
rcd=/usr/sbin/policy-rc.d
had_rcd=no
[ -e "$rcd" ] && had_rcd=yes
if [ "$had_rcd" = no ]; then
	printf '#!/bin/sh\nexit 101\n' > "$rcd"
	chmod 755 "$rcd"
fi
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq >/dev/null || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
[ "$had_rcd" = no ] && rm -f "$rcd"
exit 0
