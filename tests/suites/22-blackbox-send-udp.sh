#!/bin/bash
# relay-ctrl-send and relay-ctrl-udp from the outside, with the static binary and,
# when make check has built it, the ASan/UBSan one (tests/blackbox/send-udp.sh).
# Their cmocka tests (test_packet, test_sha256) run in 10-unit and 30-sanitize.
cd "$(dirname "$0")/../.." || exit 111
exec bash tests/blackbox/both-builds.sh send-udp.sh send-udp
