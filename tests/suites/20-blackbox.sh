#!/bin/bash
# The real static binary under every name, from the outside.
cd "$(dirname "$0")/../.." || exit 111
exec bash tests/blackbox/run.sh ./relayctl
