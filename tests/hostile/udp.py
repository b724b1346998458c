#!/usr/bin/env python3
"""The datagram corpus (tests/hostile/datagrams.txt) against one running
relay-ctrl-udp on 127.0.0.1 and ::1: each entry is one test.  After every
datagram: udp still runs, nothing outside the spool changed, the spool
holds exactly the record the entry allows (mode 0644, no temporary file)
and an answer came exactly when a record was written.  At the end every
line udp wrote is a whole "relay-ctrl-udp[PID]: ..." line of printable
text.  Usage: udp.py BINARY.  As root, udp runs as uid 65534 after its
start (UID, GID), as a service would."""
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import udptool  # noqa: E402

ESC = {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0", "s": b" ", "\\": b"\\"}


def unescape(text):
    out, i = b"", 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text[i + 1:i + 2] == "x":
            out += bytes([int(text[i + 2:i + 4], 16)])
            i += 4
        elif c == "\\" and text[i + 1:i + 2] in ESC:
            out += ESC[text[i + 1]]
            i += 2
        else:
            out += c.encode("latin-1")
            i += 1
    return out


def expand_big(text):
    return re.sub(r"@big:(\d+):([^@]*)@",
                  lambda m: (m.group(2) * int(m.group(1)))[:int(m.group(1))],
                  text)


def v1(spec, key):
    body = b"\1"
    for word in spec.split():
        name, _, arg = word.partition("=")
        if name == "req":
            body += udptool.item(udptool.REQ)
        elif name == "resp":
            body += udptool.item(udptool.RESP)
        elif name == "ts":
            body += udptool.item(udptool.TS, udptool.stamp(arg).encode())
        elif name in ("v4", "v6"):
            import ipaddress
            body += udptool.item(udptool.V4 if name == "v4" else udptool.V6,
                                 ipaddress.ip_address(arg).packed)
        elif name == "env":
            body += udptool.item(udptool.ENV, unescape(arg))
        elif name == "item":
            t, _, h = arg.partition(":")
            body += udptool.item(int(t), bytes.fromhex(h))
        elif name == "mac":
            import hashlib
            import hmac
            k = arg.encode() if arg else key
            body += udptool.item(udptool.MAC,
                                 hmac.new(k, body, hashlib.sha256).digest())
        elif name == "macbytes":
            body += udptool.item(udptool.MAC, bytes.fromhex(arg))
        elif name == "end":
            body += b"\0"
        elif name == "raw":
            body += bytes.fromhex(arg)
        else:
            raise ValueError("unknown item " + word)
    return body


def datagram(text, key):
    text = expand_big(text)
    if text.startswith("@v1 ") and text.endswith("@"):
        return v1(text[4:-1], key)
    return unescape(text)


def snapshot(top, skip):
    seen = {}
    for d, dirs, files in os.walk(top):
        if os.path.abspath(d) == os.path.abspath(skip):
            dirs[:] = []
            continue
        for n in dirs + files:
            p = os.path.join(d, n)
            if os.path.abspath(p) == os.path.abspath(skip):
                continue  # its own times change with every record
            st = os.lstat(p)
            what = (stat.S_IFMT(st.st_mode), st.st_mode & 0o7777, st.st_size,
                    st.st_mtime_ns)
            if stat.S_ISLNK(st.st_mode):
                what += (os.readlink(p),)
            seen[p] = what
    return seen


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main(argv):
    binary = os.path.abspath(argv[1])
    root = tempfile.mkdtemp(prefix="relayctl-hostile-udp.")
    os.chmod(root, 0o755)
    spool = os.path.join(root, "spool")
    os.makedirs(spool)
    os.makedirs(os.path.join(root, "conf"))
    with open(os.path.join(root, "outside.txt"), "w") as f:
        f.write("must not change\n")
    os.symlink(os.path.join(root, "outside.txt"), os.path.join(root, "link"))
    key = b"hostile-udp-secret-0123456789"
    keyfile = os.path.join(root, "key")
    with open(keyfile, "wb") as f:
        f.write(key + b"\n")
    os.chmod(keyfile, 0o600)
    bindir = os.path.join(root, "bin")
    os.makedirs(bindir)
    os.symlink(binary, os.path.join(bindir, "relay-ctrl-udp"))
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "RELAY_CTRL_CONFIG": root + "/conf",
           "RELAY_CTRL_DIR": spool, "RELAY_CTRL_KEYFILE": keyfile,
           "RELAY_CTRL_LISTEN": "127.0.0.1,[::1]",
           "RELAY_CTRL_PORT": str(port),
           "RELAY_CTRL_LEGACY_FROM": "127.0.0.9",
           "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", ""),
           "UBSAN_OPTIONS": os.environ.get("UBSAN_OPTIONS", "")}
    if os.getuid() == 0:
        env["UID"] = env["GID"] = "65534"
        os.chown(spool, 65534, 65534)
    # udp's messages: outside the root, which must not change
    errdir = tempfile.mkdtemp(prefix="relayctl-hostile-udp-log.")
    errpath = os.path.join(errdir, "udp.err")
    errf = open(errpath, "wb")
    udp = subprocess.Popen([os.path.join(bindir, "relay-ctrl-udp")], env=env,
                           stdin=subprocess.DEVNULL, stdout=errf, stderr=errf)
    for _ in range(100):
        with open(errpath, "rb") as f:
            if b"listening on [::1]" in f.read():
                break
        time.sleep(0.05)
    passed = failed = 0
    entries = []
    with open(os.path.join(HERE, "datagrams.txt")) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            expect, src, text = line.split("\t", 2)
            entries.append((n, expect, src, text))
    for n, expect, src, text in entries:
        why = []
        data = datagram(text, key)
        before = snapshot(root, spool)
        dst = "::1" if ":" in src else "127.0.0.1"
        s = socket.socket(socket.AF_INET6 if ":" in src else socket.AF_INET,
                          socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.settimeout(1.0 if expect != "-" else 0.4)
        try:
            s.sendto(data, (dst, port))
            answer = s.recvfrom(2048)[0]
        except socket.timeout:
            answer = None
        except OSError as e:
            answer = None
            why.append("send: %s" % e)
        s.close()
        if udp.poll() is not None:
            why.append("udp exited %s" % udp.returncode)
        if snapshot(root, spool) != before:
            why.append("something outside the spool changed")
        names = sorted(os.listdir(spool))
        want = [] if expect == "-" else [expect]
        if names != want:
            why.append("spool holds %s, want %s" % (names, want))
        for name in names:
            st = os.lstat(os.path.join(spool, name))
            if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o7777 != 0o644:
                why.append("%s is not a 0644 regular file" % name)
            os.unlink(os.path.join(spool, name))
        if (answer is not None) != (expect != "-"):
            why.append("answer %r" % answer)
        label = "datagrams.txt:%d %s from %s" % (n, text[:50], src)
        if why:
            failed += 1
            print("FAIL %s: %s" % (label, "; ".join(why)))
        else:
            passed += 1
            print("PASS %s" % label)
    udp.terminate()
    udp.wait()
    errf.close()
    with open(errpath, "rb") as f:
        lines = f.read().split(b"\n")
    bad = [x for x in lines[:-1] if not re.fullmatch(
        rb"relay-ctrl-udp\[\d+\]: (info|warning): [\x20-\x7e]+", x)]
    if bad or lines[-1] != b"":
        failed += 1
        print("FAIL udp's messages: %r" % (bad[:3] or lines[-1]))
    else:
        passed += 1
        print("PASS udp's %d messages are whole printable lines" %
              (len(lines) - 1))
    shutil.rmtree(root)
    shutil.rmtree(errdir)
    print("hostile-udp: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
