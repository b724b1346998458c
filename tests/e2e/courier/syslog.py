#!/usr/bin/env python3
"""A syslog socket for the Courier end-to-end test: binds PATH (the private
mount namespace's /dev/log), writes every message it receives to LOG, one a
line, and runs until it is killed.  Courier's courierlogger and relayctl's
warnings (fd 2 of the login programs is a pipe to courierlogger) end up here.

usage: syslog.py PATH LOG
"""
import os
import socket
import sys

path, log = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(log, "ab", buffering=0) as out:
    out.write(b"syslog.py: listening\n")
    while True:
        data = s.recv(65536)
        out.write(data.replace(b"\n", b" ").rstrip(b"\0") + b"\n")
