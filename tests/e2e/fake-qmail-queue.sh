#!/bin/sh
# A stand-in for qmail-queue(8) that smtpfront-qmail runs through $QMAILQUEUE:
# it keeps the message (fd 0), the envelope (fd 1) and the relay variables
# it was given, so that the end-to-end test can see what reached the queue.
# It lives in BIN/ and stores into BIN/../queue, which the SMTP uid owns.
set -u
q=$(dirname "$0")/../queue
id=msg.$$
cat > "$q/$id.body" || exit 53
# qmail-queue reads the envelope from descriptor 1.
cat <&1 > "$q/$id.envelope" || exit 54
{
	for v in RELAYCLIENT USER DOMAIN; do
		if eval "[ -n \"\${$v+set}\" ]"; then
			eval "printf '%s=%s\n' $v \"\$$v\""
		else
			printf '%s unset\n' "$v"
		fi
	done
} > "$q/$id.env" || exit 53
exit 0
