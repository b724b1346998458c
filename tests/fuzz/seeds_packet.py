#!/usr/bin/env python3
"""Writes tests/fuzz/seeds_packet/: v1 packets signed with fuzz_packet.c's
key, each malformed shape once, and relay-ctrl 3.2 texts.  Named by their
SHA-1 like libFuzzer's own corpus files; run again after changing it."""
import hashlib, hmac, os, sys

KEY = b"fuzz-secret-0123456789"
END, REQ, RESP, TS, V4, V6, ENV, MAC = range(8)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds_packet")


def item(t, data=b""):
    return bytes([t, len(data)]) + data


def signed(*items, key=KEY, tail=b"\0"):
    body = b"\1" + b"".join(items)
    return body + item(MAC, hmac.new(key, body, hashlib.sha256).digest()) + tail


a4 = bytes([192, 0, 2, 7])
a6 = bytes.fromhex("20010db8000000000000000000000007")
ts = item(TS, b"1700000000.123456789")
seeds = [
    signed(item(REQ), ts, item(V4, a4)),
    signed(item(REQ), ts, item(V6, a6), item(ENV, b"USER=alice"),
           item(ENV, b"DOMAIN=example.com")),
    signed(item(RESP), ts, item(V4, a4)),
    signed(item(REQ), item(ENV, b"USER=" + b"u" * 250), ts, item(V4, a4)),
    signed(item(REQ), ts, item(V4, a4), key=b"another secret"),
    signed(item(REQ), ts, item(V4, a4), item(V4, a4)),
    signed(item(REQ), ts, item(V4, a4), item(V6, a6)),
    signed(item(REQ), ts, item(V4, a4), item(ENV, b"LD_PRELOAD=/tmp/x")),
    signed(item(REQ), ts, item(V4, a4), item(ENV, b"USER=a\nb")),
    signed(item(REQ), ts, item(V4, a4), item(ENV, b"USER=a"), item(ENV, b"USER=b")),
    signed(item(REQ), ts, item(V4, a4), tail=item(ENV, b"USER=x") + b"\0"),
    signed(item(REQ), ts, item(V4, a4), tail=b"\0\0"),
    signed(item(REQ), ts, item(V4, a4), tail=b""),
    b"\1" + item(REQ) + ts + item(V4, a4) + b"\0",
    signed(item(REQ), item(TS, b"1700000000."), item(V4, a4)),
    signed(item(REQ), item(TS, b"-1"), item(V4, a4)),
    signed(item(REQ), ts, item(V4, a4[:3])),
    signed(item(REQ), ts, item(V6, bytes(10) + b"\xff\xff" + a4)),
    signed(item(REQ, b"x"), ts, item(V4, a4)),
    signed(item(8, b"x"), item(REQ), ts, item(V4, a4)),
    signed(item(RESP), ts, item(V4, a4), item(ENV, b"USER=alice")),
    signed(item(REQ), ts, item(V4, a4)) + bytes(500),
    b"\1", b"\2", b"", b"\1\1",
    b"192.0.2.7", b"255.255.255.255", b"192.0.2.7\n", b"::ffff:192.0.2.7",
    b"../../../etc/passwd", b"127.1",
]
full = signed(item(REQ), ts, item(V6, a6), item(ENV, b"USER=alice"))
seeds += [full[:n] for n in range(0, len(full), 7)]
os.makedirs(out, exist_ok=True)
for s in seeds:
    with open(os.path.join(out, hashlib.sha1(s).hexdigest()), "wb") as f:
        f.write(s)
print(f"{len(seeds)} seeds in {out}", file=sys.stderr)
