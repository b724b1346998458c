#!/bin/sh
# make deb: builds the Debian package with dpkg-buildpackage -us -uc -b in a clean copy of the tree under build/deb/ (the committed files plus uncommitted changes to them; untracked files stay out), and prints the .deb's path last.
set -eu
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^#define VERSION "\(.*\)"$/\1/p' relayctl.c)
deb_version=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [ "${deb_version%-*}" != "$version" ]; then
	echo "build-deb: fatal: debian/changelog says $deb_version, relayctl.c says $version; add a changelog entry (dch -v $version-1)" >&2
	exit 111
fi
out=build/deb
rm -rf "$out"
mkdir -p "$out"
if git rev-parse --git-dir >/dev/null 2>&1; then
	# a commit of the work tree as it is, made without touching the index
	tree=$(git stash create)
	git archive --prefix="relayctl-$version/" "${tree:-HEAD}" | tar -x -C "$out"
	from="git archive of ${tree:-HEAD}"
else
	mkdir "$out/relayctl-$version"
	tar -c --exclude=./build --exclude=./relayctl . | tar -x -C "$out/relayctl-$version"
	from="a copy of $(pwd) without build/"
fi
echo "build-deb: building relayctl $deb_version in $out/relayctl-$version ($from)"
if ! (cd "$out/relayctl-$version" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "build-deb: fatal: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
	exit 111
fi
arch=$(dpkg --print-architecture)
deb=$out/relayctl_${deb_version}_$arch.deb
[ -f "$deb" ] || { echo "build-deb: fatal: $deb was not built" >&2; exit 111; }
echo "$deb"
