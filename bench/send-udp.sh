#!/bin/bash
# send/udp figures (bench/send-udp.py), in a private network namespace when
# root so that nothing else listens on its port.  No assertion.
cd "$(dirname "$0")/.." || exit 111
[ -x relayctl ] || make -s relayctl || exit 111
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
	exec unshare -n sh -c 'ip link set lo up && exec python3 bench/send-udp.py ./relayctl "$@"' sh "$@"
fi
exec python3 bench/send-udp.py ./relayctl "$@"
