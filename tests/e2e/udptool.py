#!/usr/bin/env python3
"""The test sender of send/udp datagrams, and a POP3 client that times the
server's disconnect; written apart from lib/packet.c so that a bug there is
not copied here.  Used by tests/e2e/send-udp.sh and tests/hostile/udp.py:

  udptool.py packet KEYFILE ADDR STAMP [NAME=VALUE...]  -> the request, hex
  udptool.py send SRC DST PORT HEX [KEYFILE]  -> the answer: "none", "legacy"
      (the byte 0x01), "response" (a RESPONSE signed with KEYFILE that
      repeats the request's TIMESTAMP and address), or "other HEX"
  udptool.py pop3wait SRC HOST PORT USER PASS -> "ok SECONDS" or "fail
      SECONDS": from connect to the server's end of the connection
  udptool.py legacy-udp ADDR PORT OUTFILE  -> a stand-in for relay-ctrl
      3.2's receiver, as its source reads: each request's text appended to
      OUTFILE, answered with the byte 0x01 (until killed)
STAMP "now", "now+N" and "now-N" are this host's clock.
"""
import hashlib
import hmac
import ipaddress
import socket
import sys
import time

END, REQ, RESP, TS, V4, V6, ENV, MAC = range(8)


def secret(path):
    with open(path, "rb") as f:
        k = f.read()
    return k[:-1] if k.endswith(b"\n") else k


def item(t, data=b""):
    return bytes([t, len(data)]) + data


def stamp(text):
    if text.startswith("now"):
        return "%.9f" % (time.time() + float(text[3:] or 0))
    return text


def packet(key, addr, ts, env=(), kind=REQ):
    a = ipaddress.ip_address(addr)
    body = b"\1" + item(kind) + item(TS, ts.encode())
    body += item(V4 if a.version == 4 else V6, a.packed)
    for e in env:
        body += item(ENV, e.encode())
    return body + item(MAC, hmac.new(key, body, hashlib.sha256).digest()) + b"\0"


def items(data):
    """The items of a well-formed packet, or None."""
    if not data or data[0] != 1:
        return None
    out, pos = [], 1
    while pos < len(data):
        if data[pos] == END:
            return out if pos + 1 == len(data) else None
        if pos + 2 > len(data) or pos + 2 + data[pos + 1] > len(data):
            return None
        out.append((data[pos], data[pos + 2:pos + 2 + data[pos + 1]], pos))
        pos += 2 + data[pos + 1]
    return None


def judge(answer, request, key):
    if answer is None:
        return "none"
    if answer == b"\1":
        return "legacy"
    got, sent = items(answer), items(request)
    if key is not None and got and sent and got[-1][0] == MAC:
        mac = hmac.new(key, answer[:got[-1][2]], hashlib.sha256).digest()
        want = [(t, d) for t, d, _ in sent if t in (TS, V4, V6)]
        have = [(t, d) for t, d, _ in got[:-1] if t in (TS, V4, V6)]
        if (hmac.compare_digest(mac, got[-1][1]) and got[0][0] == RESP
                and want == have and len(got) == 4):
            return "response"
    return "other " + answer.hex()


def send(src, dst, port, data, keyfile=None, wait=2.0):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(wait)
    s.sendto(data, (dst, int(port)))
    try:
        answer, _ = s.recvfrom(2048)
    except socket.timeout:
        answer = None
    s.close()
    return judge(answer, data, secret(keyfile) if keyfile else None)


def pop3wait(src, host, port, user, password):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    start = time.monotonic()
    s = socket.create_connection((host, int(port)), 10, (src, 0)) \
        if fam == socket.AF_INET else socket.socket(fam, socket.SOCK_STREAM)
    if fam == socket.AF_INET6:
        s.settimeout(10)
        s.bind((src, 0))
        s.connect((host, int(port)))
    f = s.makefile("rb")
    ok = f.readline().startswith(b"+OK")
    for cmd in (b"USER " + user.encode(), b"PASS " + password.encode()):
        s.sendall(cmd + b"\r\n")
        ok = ok and f.readline().startswith(b"+OK")
    s.sendall(b"QUIT\r\n")
    f.readline()
    while f.read(4096):
        pass
    s.close()
    return "%s %.3f" % ("ok" if ok else "fail", time.monotonic() - start)


def legacy_udp(addr, port, outfile):
    """relay-ctrl-udp.c 3.2: strip ::ffff:, digits and dots only, at most
    16 bytes, touch the file, answer 1 to the source."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    while True:
        data, src = s.recvfrom(511)
        text = data.decode("latin-1")
        if text.startswith("::ffff:"):
            text = text[7:]
        if len(text) > 16 or any(c not in "0123456789." for c in text):
            continue
        with open(outfile, "a") as f:
            f.write(text + "\n")
        s.sendto(b"\1", src)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "packet":
        print(packet(secret(args[0]), args[1], stamp(args[2]), args[3:]).hex())
    elif cmd == "send":
        print(send(args[0], args[1], args[2], bytes.fromhex(args[3]),
                   args[4] if len(args) > 4 else None))
    elif cmd == "legacy-udp":
        legacy_udp(*args)
    elif cmd == "pop3wait":
        print(pop3wait(*args))
    else:
        print(__doc__, file=sys.stderr)
        return 100
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
