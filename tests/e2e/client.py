#!/usr/bin/env python3
"""Minimal SMTP/POP3/IMAP clients for the end-to-end tests.

Every connection binds a chosen source address (127.0.0.2, ::1, ...) so that
the servers see the client address the test wants, and every step has a
timeout.  Used as a module or from the shell:

  client.py smtp SRC HOST PORT MAILFROM RCPT   -> prints the RCPT reply code
  client.py smtpsend SRC HOST PORT MAILFROM RCPT -> prints the final reply code
  client.py pop3 SRC HOST PORT USER PASS       -> prints "ok" or "fail"
  client.py imap SRC HOST PORT USER PASS       -> prints "ok" or "fail"
Exit status 0 when the conversation happened, 2 on a network error.
"""
import socket
import sys

TIMEOUT = 10


def connect(src, host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.bind((src, 0))
    s.connect((host, int(port)))
    return s, s.makefile("rb")


def line(f):
    data = f.readline(4096)
    if not data:
        raise ConnectionError("connection closed by server")
    return data.decode("latin-1").rstrip("\r\n")


def smtp_reply(f):
    """Read a possibly multi-line SMTP reply, return its code."""
    while True:
        text = line(f)
        if len(text) < 4 or text[3] != "-":
            return int(text[:3])


def smtp(src, host, port, mailfrom, rcpt, send=False):
    s, f = connect(src, host, port)
    try:
        smtp_reply(f)
        s.sendall(b"HELO client.test\r\n")
        smtp_reply(f)
        s.sendall(("MAIL FROM:<%s>\r\n" % mailfrom).encode())
        smtp_reply(f)
        s.sendall(("RCPT TO:<%s>\r\n" % rcpt).encode())
        code = smtp_reply(f)
        if send and code // 100 == 2:
            s.sendall(b"DATA\r\n")
            code = smtp_reply(f)
            if code == 354:
                s.sendall(b"Subject: relayctl test\r\n\r\nhello\r\n.\r\n")
                code = smtp_reply(f)
        s.sendall(b"QUIT\r\n")
        return code
    finally:
        s.close()


def pop3(src, host, port, user, password):
    s, f = connect(src, host, port)
    try:
        if not line(f).startswith("+OK"):
            return False
        s.sendall(("USER %s\r\n" % user).encode())
        if not line(f).startswith("+OK"):
            return False
        s.sendall(("PASS %s\r\n" % password).encode())
        ok = line(f).startswith("+OK")
        if ok:
            s.sendall(b"STAT\r\n")
            ok = line(f).startswith("+OK")
        s.sendall(b"QUIT\r\n")
        return ok
    finally:
        s.close()


def imap(src, host, port, user, password):
    s, f = connect(src, host, port)
    try:
        if not line(f).startswith("* OK"):
            return False
        s.sendall(('a1 LOGIN "%s" "%s"\r\n' % (user, password)).encode())
        while True:
            text = line(f)
            if text.startswith("a1 "):
                ok = text.startswith("a1 OK")
                break
        if ok:
            s.sendall(b"a2 LOGOUT\r\n")
        return ok
    finally:
        s.close()


def main(argv):
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "smtp":
            print(smtp(*args))
        elif cmd == "smtpsend":
            print(smtp(*args, send=True))
        elif cmd in ("pop3", "imap"):
            ok = (pop3 if cmd == "pop3" else imap)(*args)
            print("ok" if ok else "fail")
        else:
            print(__doc__, file=sys.stderr)
            return 100
    except (OSError, ConnectionError, ValueError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
