#!/bin/bash
# The man pages against the binary's usage strings, mandoc -Tlint, README.md (tests/install/man-test.sh).
cd "$(dirname "$0")/../.." || exit 111
exec bash tests/install/man-test.sh
