#!/bin/bash
# make check, make e2e: IMAP/POP-before-SMTP with the real Dovecot and
# Postfix, over IPv4 and IPv6 (tests/e2e/dovecot-postfix.sh has the watchdog).
cd "$(dirname "$0")/../.." || exit 111
exec nice bash tests/e2e/dovecot-postfix.sh ./relayctl
