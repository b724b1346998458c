#!/usr/bin/env python3
"""Attributes an insns -t trace to the symbols of an unstripped static build: where the instructions before the execve go; see bench/run.sh."""
import bisect
import collections
import subprocess
import sys


def symbols(binary):
    out = subprocess.run(["nm", "-n", "--defined-only", binary],
                         capture_output=True, text=True, check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: symbolize.py UNSTRIPPED_BINARY TRACEFILE [TOP]")
    top = int(sys.argv[3]) if len(sys.argv) == 4 else 25
    addrs, names = symbols(sys.argv[1])
    counts = collections.Counter()
    with open(sys.argv[2]) as f:
        for line in f:
            pc = int(line, 16)
            i = bisect.bisect_right(addrs, pc) - 1
            counts[names[i] if i >= 0 else "?"] += 1
    total = sum(counts.values())
    for name, n in counts.most_common(top):
        print("%7d %5.1f%%  %s" % (n, 100.0 * n / total, name))
    print("%7d total" % total)


main()
