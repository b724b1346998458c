#!/bin/bash
# Races between allow, check, age, status and revoke under load, ~20 s.
cd "$(dirname "$0")/../.." || exit 111
exec bash tests/race/run.sh ./relayctl "${RACE_SECONDS:-20}"
