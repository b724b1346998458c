#!/bin/bash
# make check, make e2e: IMAP/POP-before-SMTP with Courier-IMAP 5 as Debian
# 12 packages it, over IPv4 and IPv6, plain and TLS (tests/e2e/courier/run.sh
# has the watchdog).
cd "$(dirname "$0")/../.." || exit 111
exec nice bash tests/e2e/courier/run.sh ./relayctl
