#!/bin/bash
# relayctl status and revoke from the outside, with the static binary and,
# when make check has built it, the ASan/UBSan one (tests/blackbox/status.sh).
# Their cmocka tests run in 10-unit and 30-sanitize.
cd "$(dirname "$0")/../.." || exit 111
exec bash tests/blackbox/both-builds.sh status.sh status-revoke
