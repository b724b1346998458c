# Shared by the end-to-end suites (sourced, bash): Debian packages fetched
# with apt-get download and unpacked with dpkg-deb -x under build/, never
# installed, and laid over / inside a private mount namespace, so that a
# server runs from the paths it was built for while the host's own /etc,
# /usr, /var and /run stay untouched.
#
#   debs_unpack NAME PACKAGE...
#	Prints the path of build/debs/NAME, a tree holding every PACKAGE
#	unpacked (a Debian 12 host is merged-/usr, so the packages' /lib,
#	/bin and /sbin land in its usr/).  The .debs are cached in
#	build/debs/cache (or taken from /var/cache/apt/archives); a tree
#	already unpacked from the same files is reused.  apt-get download
#	is bounded by timeouts; when it fails (no network, no package
#	lists, an unknown name) debs_unpack says why on stderr and returns 1.
#	Root runs apt-get update once if the lists are missing.
#
#   debs_overlay TREE SCRATCH
#	Only in a private mount namespace (unshare -m), which it checks:
#	mounts TREE/etc over /etc, TREE/usr over /usr and TREE/var over
#	/var as overlays whose writes go to SCRATCH (a new, empty directory
#	the caller removes), and a fresh tmpfs on /run.  Returns 1 with a
#	message when a mount fails or the namespace is the host's.
#
# Example (tests/e2e/dovecot-postfix.sh):
#	tree=$(debs_unpack dovecot-postfix postfix dovecot-core) || exit 1
#	E2E_TREE=$tree unshare -m -n bash inner.sh
#	# inner.sh: debs_overlay "$E2E_TREE" "$T/overlay" || exit 1
# shellcheck shell=bash

DEBS_ROOT=${DEBS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/debs}

# The newest cached .deb of one package, or nothing.
debs_cached() {
	local d
	for d in "$DEBS_ROOT/cache" /var/cache/apt/archives; do
		# shellcheck disable=SC2012 # apt-get download's names have no newline
		ls -t "$d/$1"_*.deb 2>/dev/null | head -n 1 | grep . && return 0
	done
	return 1
}

# apt-get download PACKAGE... into the cache, bounded: 3 minutes at most with the update.
debs_download() {
	local log=$DEBS_ROOT/cache/apt.log
	local apt=(apt-get download -q -o Acquire::Retries=1
	    -o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20)
	(cd "$DEBS_ROOT/cache" && timeout 60 "${apt[@]}" "$@") >"$log" 2>&1 &&
	    return 0
	# A fresh machine whose tools were all preinstalled may have no lists.
	if [ "$(id -u)" = 0 ]; then
		timeout 60 apt-get update -qq >>"$log" 2>&1 &&
		    (cd "$DEBS_ROOT/cache" && timeout 60 "${apt[@]}" "$@") \
		    >>"$log" 2>&1 && return 0
	fi
	echo "debs: apt-get download $* failed (no network, no package" \
	    "lists or an unknown name?); its last lines:" >&2
	tail -n 5 "$log" | sed 's/^/  /' >&2
	return 1
}

debs_unpack() {
	local tree=$DEBS_ROOT/$1 p f d tmp want=() files=()
	shift
	mkdir -p "$DEBS_ROOT/cache" || return 1
	for p in "$@"; do
		debs_cached "$p" >/dev/null || want=("$@")
	done
	# All of them again when one is missing: packages of one source
	# must come in one version.
	[ ${#want[@]} -eq 0 ] || debs_download "${want[@]}" || return 1
	for p in "$@"; do
		f=$(debs_cached "$p") || {
			echo "debs: apt-get download left no ${p}_*.deb in" \
			    "$DEBS_ROOT/cache" >&2
			return 1
		}
		files+=("$f")
	done
	if [ -f "$tree/.debs" ] &&
	    [ "$(cat "$tree/.debs")" = "$(printf '%s\n' "${files[@]}")" ]; then
		echo "$tree"
		return 0
	fi
	tmp=$tree.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp/usr" || return 1
	for f in "${files[@]}"; do
		dpkg-deb -x "$f" "$tmp" || {
			echo "debs: dpkg-deb -x $f failed" >&2
			rm -rf "$tmp"
			return 1
		}
	done
	# shellcheck disable=SC2015 # continue unless a real directory; clean up when a step fails
	for d in bin sbin lib lib32 lib64 libx32; do
		[ -d "$tmp/$d" ] && [ ! -L "$tmp/$d" ] || continue
		mkdir -p "$tmp/usr/$d" && cp -a "$tmp/$d/." "$tmp/usr/$d/" &&
		    rm -rf "${tmp:?}/$d" || { rm -rf "$tmp"; return 1; }
	done
	mkdir -p "$tmp/etc" "$tmp/var"
	printf '%s\n' "${files[@]}" >"$tmp/.debs"
	# Another run may unpack at the same time: the first rename wins.
	rm -rf "$tree"
	mv -T "$tmp" "$tree" 2>/dev/null || rm -rf "$tmp"
	[ -f "$tree/.debs" ] && echo "$tree"
}

debs_overlay() {
	local tree=$1 scratch=$2 d
	if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
		echo "debs: refusing to mount over /etc, /usr and /var outside" \
		    "a private mount namespace (unshare -m)" >&2
		return 1
	fi
	for d in etc usr var; do
		mkdir -p "$scratch/$d" "$scratch/$d.work" || return 1
		mount -t overlay overlay -o "lowerdir=$tree/$d:/$d,upperdir=$scratch/$d,workdir=$scratch/$d.work" "/$d" || {
			echo "debs: cannot mount an overlay on /$d (overlayfs missing?)" >&2
			return 1
		}
	done
	mount -t tmpfs -o mode=0755 tmpfs /run || {
		echo "debs: cannot mount a tmpfs on /run" >&2
		return 1
	}
}
