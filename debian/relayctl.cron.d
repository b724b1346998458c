# relayctl: remove stale POP/IMAP-before-SMTP records every minute; see relay-ctrl-age(8).
# Where systemd runs, relay-ctrl-age.timer does this and the line below does nothing.
* * * * * root test -e /run/systemd/system || { test ! -x /usr/sbin/relay-ctrl-age || /usr/sbin/relay-ctrl-age; }
