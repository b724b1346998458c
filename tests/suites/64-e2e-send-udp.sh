#!/bin/bash
# make check, make e2e: POP on host A, SMTP on host B (two network
# namespaces), send and udp between them, over IPv4 and IPv6
# (tests/e2e/send-udp.sh has the watchdog).
cd "$(dirname "$0")/../.." || exit 111
exec nice bash tests/e2e/send-udp.sh
