#!/bin/bash
# make check, make e2e: POP-before-SMTP end to end with real tcpserver,
# mailfront and cvm, over IPv4 and IPv6 (tests/e2e/run.sh has the watchdog).
cd "$(dirname "$0")/../.." || exit 111
exec nice bash tests/e2e/run.sh
