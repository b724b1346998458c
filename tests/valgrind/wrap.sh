#!/bin/bash
# Stands in for the binary in the black-box suite, which runs it with
# env -i under every applet name: runs the real static binary (the file
# relayctl.bin next to the real path of this script) under valgrind, under
# the name it was invoked as, since the applet is chosen by argv[0].  Logs
# go to logs/vg.PID.log beside it; the next program runs natively.
me=$(basename "$0")
here=$(dirname "$(readlink -f "$0")")
[ -e "$here/links/$me" ] || ln -sf "$here/relayctl.bin" "$here/links/$me"
exec /usr/bin/valgrind -q --error-exitcode=99 --track-origins=yes \
    --vgdb=no --log-file="$here/logs/vg.%p.log" -- "$here/links/$me" "$@"
