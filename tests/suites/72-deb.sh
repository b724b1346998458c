#!/bin/bash
# The Debian package: dpkg-buildpackage in a clean copy, lintian, then dpkg -i, allow/check/status, -r and -P in a private mount namespace (tests/install/deb-test.sh).
cd "$(dirname "$0")/../.." || exit 111
exec nice bash tests/install/deb-test.sh
