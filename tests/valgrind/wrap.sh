#!/bin/bash
# Stands in for the binary in the black-box suite, which runs it with
# env -i under every applet name: runs the real static binary (the file
# relayctl.bin next to the real path of this script) under valgrind, under
# the name it was invoked as, since the applet is chosen by argv[0].  Logs
# go to logs/vg.PID.XXXXXX.log beside it, a name of its own for each run:
# in a suite of a thousand runs pids come round again, and valgrind would
# truncate an earlier run's log (losing its errors) or, as another user,
# fail to open it and not run the program.  The next program runs natively.
me=$(basename "$0")
here=$(dirname "$(readlink -f "$0")")
[ -e "$here/links/$me" ] || ln -sf "$here/relayctl.bin" "$here/links/$me"
log=$(mktemp --suffix=.log "$here/logs/vg.$$.XXXXXX") || exit 111
exec /usr/bin/valgrind -q --error-exitcode=99 --track-origins=yes \
    --vgdb=no --log-file="$log" -- "$here/links/$me" "$@"
