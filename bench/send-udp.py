#!/usr/bin/env python3
"""send/udp figures, no assertion: relay-ctrl-udp's signed requests per
second on one host pair (here the loopback of a private network namespace:
bench/send-udp.sh), and the time from a login (relay-ctrl-send run as a
login chain runs it) to the record in udp's spool.
Usage: send-udp.py RELAYCTL [REQUESTS] [LOGINS]."""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "e2e"))
import udptool  # noqa: E402


def main(argv):
    binary = os.path.abspath(argv[1])
    nreq = int(argv[2]) if len(argv) > 2 else 20000
    nlogin = int(argv[3]) if len(argv) > 3 else 50
    root = tempfile.mkdtemp(prefix="relayctl-bench-su.")
    spool = os.path.join(root, "spool")
    os.makedirs(spool)
    os.makedirs(os.path.join(root, "conf"))
    key = os.urandom(32).hex().encode()
    keyfile = os.path.join(root, "key")
    with open(keyfile, "wb") as f:
        f.write(key)
    os.chmod(keyfile, 0o600)
    for n in ("udp", "send"):
        os.symlink(binary, os.path.join(root, "relay-ctrl-" + n))
    base = {"PATH": "/usr/bin:/bin", "RELAY_CTRL_CONFIG": root + "/conf",
            "RELAY_CTRL_KEYFILE": keyfile, "RELAY_CTRL_PORT": "8811"}
    err = open(os.path.join(root, "udp.err"), "wb")
    udp = subprocess.Popen([root + "/relay-ctrl-udp"], stdout=err, stderr=err,
                           env=dict(base, RELAY_CTRL_DIR=spool,
                                    RELAY_CTRL_LISTEN="127.0.0.1"))
    time.sleep(0.3)

    # Requests per second: every request a new client, 64 in flight.
    now = "%.9f" % time.time()
    pkts = [udptool.packet(key, "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255,
                                                  i & 255), now, ["USER=u%d" % i])
            for i in range(nreq)]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    sent = got = 0
    start = time.monotonic()
    while got < nreq:
        while sent < nreq and sent - got < 64:
            s.sendto(pkts[sent], ("127.0.0.1", 8811))
            sent += 1
        try:
            s.recv(600)
            got += 1
        except socket.timeout:
            break
    took = time.monotonic() - start
    print("udp: %d signed requests (new records), %d answered in %.2f s: "
          "%.0f requests/s" % (nreq, got, took, got / took))

    # Login to record: send forks its sender, which udp answers.
    lat = []
    for i in range(nlogin):
        name = "192.0.2.%d" % (i + 1)
        env = dict(base, TCPREMOTEIP=name, USER="alice",
                   RELAY_CTRL_REMOTES="127.0.0.1")
        t0 = time.monotonic()
        subprocess.run([root + "/relay-ctrl-send", "true"], env=env)
        t1 = time.monotonic()
        while not os.path.exists(os.path.join(spool, name)):
            if time.monotonic() - t0 > 5:
                break
            time.sleep(0.0002)
        lat.append((time.monotonic() - t0, t1 - t0))
    total = sorted(x[0] * 1000 for x in lat)
    login = sorted(x[1] * 1000 for x in lat)
    print("login to record on the other host: median %.2f ms, p95 %.2f ms "
          "(%d logins); relay-ctrl-send itself: median %.2f ms" %
          (statistics.median(total), total[int(len(total) * 0.95) - 1],
           nlogin, statistics.median(login)))
    udp.terminate()
    udp.wait()
    subprocess.run(["rm", "-rf", root])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
