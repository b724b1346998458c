#!/bin/bash
# install.sh: files, modes, links, idempotence, uninstall, chroot, a real install in a namespace (tests/install/install-test.sh).
cd "$(dirname "$0")/../.." || exit 111
exec nice bash tests/install/install-test.sh
