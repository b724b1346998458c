#!/usr/bin/env python3
"""The hostile-input corpus: runs the real binary on every entry of
tests/hostile/*.txt and checks the promises of SECURITY.md for each.

usage: run.py RELAYCTL [RECORDER] [PATTERN]

Every entry runs twice, on a fresh temporary root each time: once with fds
0, 1 and 2 all on a socket (qmail-popup hands its subprogram the network
on fd 2), once with fd 2 on a pipe so that the warnings can be read.  Each
run must:
  - create, change or remove nothing outside the spool (the whole temporary
    root is compared before and after, symlink targets included);
  - change the spool only as the applet may: check never, allow only the
    record named by the canonical address, age only stale regular records;
    and leave no temporary file;
  - export no variable but RELAYCLIENT, USER and DOMAIN (check), none at
    all (allow), and remove none but RELAY_CTRL_DIR_FD;
  - grant RELAYCLIENT exactly when the entry says so;
  - run the next program with its argv untouched, fd 3 still open and the
    spool descriptor closed;
  - write no byte to the socket;
  - write only whole "NAME[PID]: ..." lines to stderr, a warning when the
    entry expects one and nothing when it expects silence.
An entry is one test: it passes when both runs pass.  The file formats are
described in tests/hostile/README.
"""

import fcntl
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = "192.0.2.7"
SEED = b"USER=seed\0DOMAIN=seed.example\0"
ALLOW_CONTENT = b"USER=alice\0DOMAIN=example.com\0"
FD_THREE = 3
FD_SPOOL = 5
FD_FILE = 6
FD_CLOSED = 77
FD_FIFO = 8
NOBODY = 65534
EXPORTABLE = {"RELAYCLIENT", "USER", "DOMAIN"}


class Fail(Exception):
    pass


def unescape(s):
    """\\xHH, \\n, \\t, \\r, \\0, \\\\ and \\s (a space) in corpus text."""
    out = bytearray()
    i = 0
    b = s.encode()
    while i < len(b):
        c = b[i]
        if c == 0x5c and i + 1 < len(b):
            n = chr(b[i + 1])
            if n == "x":
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0",
                    "\\": b"\\", "s": b" "}[n]
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def expand(b, fx):
    """@ROOT@ and @SPOOL@ name the temporary root and spool;
    @big:N:TEXT@ is TEXT repeated to N bytes."""
    b = b.replace(b"@ROOT@", fx.root.encode())
    b = b.replace(b"@SPOOL@", fx.spool.encode())

    def big(m):
        n = int(m.group(1))
        t = m.group(2)
        return (t * (n // len(t) + 1))[:n]
    return re.sub(rb"@big:(\d+):([^@]+)@", big, b)


def fields(line, n):
    parts = line.split("\t")
    if len(parts) != n:
        raise ValueError("expected %d tab-separated fields: %r" % (n, line))
    return parts


class Fixture:
    """A temporary root: out/ for the recorder, a/spool the spool,
    conf the config directory, the rest 'outside'."""

    def __init__(self, ctx):
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="hostile."))
        self.spool = os.path.join(self.root, "a", "spool")
        self.conf = os.path.join(self.root, "conf")
        self.out = os.path.join(self.root, "out")
        for d in (self.spool, self.conf, self.out):
            os.makedirs(d)
        self.now = time.time()
        self.bindir = os.path.join(self.root, "bin")
        os.mkdir(self.bindir)
        for applet in ("allow", "check", "age", "revoke", "status"):
            os.symlink(ctx.binary,
                       os.path.join(self.bindir, "relay-ctrl-" + applet))
        self.make("root", "victim", "record", "1")
        self.make("root", "fresh", "record", "5")
        self.fds = {}

    def path(self, where, name):
        base = {"root": self.root, "spool": self.spool,
                "conf": self.conf}[where]
        return os.path.join(base, name)

    def make(self, where, name, kind, arg=None, content=None):
        """Creates one thing; returns False when it cannot be made here
        (a device node without root)."""
        p = self.path(where, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if kind == "missing":
            if os.path.lexists(p):
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p)
                else:
                    os.unlink(p)
        elif kind in ("record", "mode000", "mode666"):
            with open(p, "wb") as f:
                f.write(SEED if content is None else content)
            t = self.now - float(arg or 10)
            os.utime(p, (t, t))
            os.chmod(p, {"record": 0o644, "mode000": 0,
                         "mode666": 0o666}[kind])
        elif kind in ("text", "empty"):
            with open(p, "wb") as f:
                f.write(content or b"")
        elif kind == "dir":
            os.mkdir(p)
            t = self.now - 5000
            os.utime(p, (t, t))
        elif kind == "symlink":
            os.symlink(content, p)
        elif kind == "fifo":
            os.mkfifo(p)
        elif kind == "socket":
            s = socket.socket(socket.AF_UNIX)
            s.bind(p)
            s.close()
        elif kind == "chr":
            if os.geteuid() != 0:
                return False
            os.mknod(p, 0o644 | stat.S_IFCHR, os.makedev(1, 3))
        elif kind == "chmod":
            os.chmod(p, int(arg, 8))
        else:
            raise ValueError("unknown kind " + kind)
        return True

    def give_away(self):
        """As root the applets run as nobody, who owns the whole root:
        then permissions cannot hide a write to the wrong place."""
        if os.geteuid() != 0:
            return
        for d, dirs, files in os.walk(self.root):
            for n in [d] + [os.path.join(d, x) for x in dirs + files]:
                os.lchown(n, NOBODY, NOBODY)
        os.chmod(self.root, 0o755)

    def snapshot(self, top, skip=()):
        snap = {}
        for d, dirs, files in os.walk(top):
            dirs[:] = [x for x in dirs if os.path.join(d, x) not in skip]
            for n in dirs + files:
                p = os.path.join(d, n)
                if p in skip:
                    continue
                st = os.lstat(p)
                extra = None
                if stat.S_ISLNK(st.st_mode):
                    extra = os.readlink(p)
                elif stat.S_ISREG(st.st_mode):
                    try:
                        with open(p, "rb") as f:
                            extra = f.read()
                    except OSError:
                        extra = "unreadable"
                key = os.path.relpath(p, top)
                snap[key] = (stat.S_IFMT(st.st_mode), st.st_mode & 0o7777,
                             st.st_uid, st.st_size, st.st_mtime_ns,
                             st.st_ino, extra)
        return snap

    def outside(self):
        return self.snapshot(self.root, skip=(self.out, self.spool))

    def inside(self):
        return self.snapshot(self.spool)

    def cleanup(self):
        for fd in self.fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        for d, dirs, files in os.walk(self.root):
            for n in dirs:
                try:
                    os.chmod(os.path.join(d, n), 0o755)
                except OSError:
                    pass
        shutil.rmtree(self.root, ignore_errors=True)


ADMIN = ("age", "revoke", "status")


def run_one(ctx, fx, applet, env, sock_stderr, args=()):
    """Runs the applet under its relay-ctrl-NAME name, returns what it did."""
    name = "relay-ctrl-" + applet
    link = os.path.join(fx.bindir, name)
    outfile = os.path.join(fx.out, "next")
    argv = [link] + list(args)
    if applet not in ADMIN:
        argv += [ctx.recorder, outfile, "arg with space", "--x", ""]
    ours, theirs = socket.socketpair()
    r3, w3 = os.pipe()
    errr = errw = None
    if not sock_stderr:
        errr, errw = os.pipe()
    keep = {FD_THREE: r3}
    for num, fd in fx.fds.items():
        keep[num] = fd
    tfd = theirs.fileno()
    # an admin's command prints to its terminal, here a pipe
    outr, outw = os.pipe() if applet in ("revoke", "status") else (None, None)
    ofd = outw if outw is not None else tfd
    efd = errw if errw is not None else tfd

    def child_setup():
        # fds 0-2 on the socket (or 2 on the pipe), the numbered ones the
        # entry asks for, and nothing else: copies go high first, so that
        # no wanted number clobbers another's source
        high = {want: fcntl.fcntl(fd, fcntl.F_DUPFD, 500)
                for want, fd in keep.items()}
        t = fcntl.fcntl(tfd, fcntl.F_DUPFD, 500)
        o = fcntl.fcntl(ofd, fcntl.F_DUPFD, 500)
        e = fcntl.fcntl(efd, fcntl.F_DUPFD, 500)
        os.dup2(t, 0)
        os.dup2(o, 1)
        os.dup2(e, 2)
        os.closerange(3, 500)
        for want, fd in high.items():
            os.dup2(fd, want)
        os.closerange(500, 4096)
        if os.geteuid() == 0:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    t0 = time.time()
    p = subprocess.Popen(argv, env=env, close_fds=False,
                         preexec_fn=child_setup, cwd=fx.out)
    theirs.close()
    os.close(r3)
    if outw is not None:
        os.close(outw)
    if errw is not None:
        os.close(errw)
    timed_out = False
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
        timed_out = True
    ours.setblocking(False)
    got = b""
    try:
        while True:
            b = ours.recv(65536)
            if not b:
                break
            got += b
    except BlockingIOError:
        pass
    ours.close()
    os.close(w3)
    out = b""
    if outr is not None:
        with os.fdopen(outr, "rb") as f:
            out = f.read()
    err = b""
    if errr is not None:
        with os.fdopen(errr, "rb") as f:
            err = f.read()
    rec = None
    if os.path.exists(outfile):
        with open(outfile, "rb") as f:
            rec = parse_record(f.read())
        os.unlink(outfile)
    return {"rc": rc, "timeout": timed_out, "sock": got, "err": err,
            "rec": rec, "argv": argv, "name": name, "t0": t0, "out": out}


def parse_record(data):
    """tests/helper/recorder.c's lines, with \\\\ and \\n undone."""
    rec = {"argv": [], "fds": set(), "env": {}}
    for line in data.split(b"\n")[:-1]:
        tag, _, rest = line.partition(b"=")
        rest = re.sub(rb"\\(.)", lambda m: b"\n" if m.group(1) == b"n"
                      else m.group(1), rest)
        if tag.startswith(b"argv["):
            rec["argv"].append(rest)
        elif tag.startswith(b"fd"):
            rec["fds"].add(int(rest.split(b" ")[0]))
        elif tag == b"env":
            k, _, v = rest.partition(b"=")
            rec["env"][k.decode("latin-1")] = v
    return rec


def value_ok(v):
    return len(v) <= 255 and all(c >= 0x20 and c != 0x7f for c in v)


def verify(fx, applet, env, res, exp, before_out, before_in, sock_stderr):
    """Raises Fail with the first broken promise."""
    if res["timeout"]:
        raise Fail("did not finish in 10 s (blocked?)")
    if res["sock"]:
        raise Fail("wrote %r to the client's socket" % res["sock"][:80])
    after_out = fx.outside()
    if after_out != before_out:
        diff = sorted(k for k in set(after_out) | set(before_out)
                      if after_out.get(k) != before_out.get(k))
        raise Fail("changed outside the spool: %s" % diff[:5])
    after_in = fx.inside()
    changed = sorted(k for k in set(after_in) | set(before_in)
                     if after_in.get(k) != before_in.get(k))
    leftovers = [k for k in after_in if k.startswith(".allow.") or
                 k.startswith(".age.")]
    leftovers = [k for k in leftovers if k not in before_in]
    if leftovers:
        raise Fail("left temporary files %s" % leftovers)
    errtext = res["err"].decode("latin-1")
    if not sock_stderr:
        lines = errtext.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        else:
            if errtext:
                raise Fail("stderr does not end in a newline: %r" %
                           errtext[-80:])
        pat = re.compile(r"^%s\[\d+\]: " % re.escape(res["name"]))
        for ln in lines:
            if not pat.match(ln) and not ln.startswith("usage: "):
                raise Fail("stderr line not in NAME[PID]: form: %r" % ln)
        warned = any(": warning: " in ln or ": fatal: " in ln for ln in lines)
        if exp.get("warn") == "W" and not warned:
            raise Fail("expected a warning, stderr was %r" % errtext)
        if exp.get("warn") == "-" and lines:
            raise Fail("expected silence, stderr was %r" % errtext)

    if applet in ADMIN:
        if res["rc"] != exp.get("rc", 0):
            raise Fail("%s exited %d, expected %d" %
                       (applet, res["rc"], exp.get("rc", 0)))
        if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", res["out"]):
            raise Fail("%s printed a control byte: %r" %
                       (applet, res["out"][:200]))
        for name, want in exp["age"].items():
            if want == "-" and name in after_in:
                raise Fail("%s did not remove %s" % (applet, name))
            if want == "=" and after_in.get(name) != before_in.get(name):
                raise Fail("%s changed %s" % (applet, name))
        for k in changed:
            if exp["age"].get(k) in ("-", "?"):
                continue
            raise Fail("%s changed %s" % (applet, k))
        return

    rec = res["rec"]
    if rec is None:
        raise Fail("the next program did not run (exit %d, stderr %r)" %
                   (res["rc"], errtext[:200]))
    if res["rc"] != 0:
        raise Fail("exit %d, not the next program's 0" % res["rc"])
    want_argv = [a.encode() for a in res["argv"][1:]]
    if rec["argv"] != want_argv:
        raise Fail("next program's argv %r" % rec["argv"])
    if FD_THREE not in rec["fds"]:
        raise Fail("fd 3 was not passed on")
    dirfd = env.get("RELAY_CTRL_DIR_FD")
    if dirfd is not None:
        try:
            n = int(dirfd)
        except ValueError:
            n = None
        if n is not None and n in fx.fds and fx.kinds.get(n) == "dir" \
                and n in rec["fds"]:
            raise Fail("the spool descriptor %d reached the next program"
                       % n)
    extra = rec["fds"] - {0, 1, 2, FD_THREE} - set(fx.fds)
    if extra:
        raise Fail("descriptors %s leaked to the next program" %
                   sorted(extra))
    got = rec["env"]
    given = {k: v.encode("latin-1") if isinstance(v, str) else v
             for k, v in env.items()}
    for k in given:
        if k not in got and k != "RELAY_CTRL_DIR_FD":
            raise Fail("removed %s from the environment" % k)
    if "RELAY_CTRL_DIR_FD" in got:
        raise Fail("RELAY_CTRL_DIR_FD reached the next program")
    for k, v in got.items():
        if given.get(k) == v:
            continue
        if applet == "allow" or k not in EXPORTABLE:
            raise Fail("exported %s=%r" % (k, v[:60]))
        if k != "RELAYCLIENT" and not value_ok(v):
            raise Fail("exported %s with a bad value %r" % (k, v[:60]))

    if applet == "check":
        relay = exp["relay"]
        if relay == "keep":
            if any(given.get(k) != got.get(k) for k in EXPORTABLE):
                raise Fail("changed the environment though RELAYCLIENT "
                           "was set")
        elif relay == "y":
            if "RELAYCLIENT" not in got:
                raise Fail("no RELAYCLIENT for a fresh regular record")
            for k in ("USER", "DOMAIN"):
                if k not in exp:
                    continue
                w = given.get(k) if exp[k] is None else exp[k]
                if got.get(k) != w:
                    raise Fail("%s=%r, expected %r" % (k, got.get(k), w))
        elif "RELAYCLIENT" in got and "RELAYCLIENT" not in given:
            raise Fail("RELAYCLIENT granted (USER=%r)" % got.get("USER"))
        elif any(given.get(k) != got.get(k) for k in EXPORTABLE):
            raise Fail("USER or DOMAIN exported without relay")
        if changed:
            raise Fail("check changed the spool: %s" % changed[:5])
        return

    # allow
    name = exp.get("name")
    for k in changed:
        if k != name:
            raise Fail("allow changed %s in the spool" % k)
    if exp["relay"] == "y":
        p = os.path.join(fx.spool, name)
        st = os.lstat(p)
        if not stat.S_ISREG(st.st_mode):
            raise Fail("no regular record %s" % name)
        if st.st_mode & 0o7777 != 0o644:
            raise Fail("record mode %o" % (st.st_mode & 0o7777))
        if not res["t0"] - 2 <= st.st_mtime <= time.time() + 2:
            raise Fail("record time %f is not now" % st.st_mtime)
        with open(p, "rb") as f:
            content = f.read()
        if content != exp.get("content", ALLOW_CONTENT):
            raise Fail("record content %r" % content)
    elif changed:
        raise Fail("allow changed the spool: %s" % changed)


def base_env(fx, applet):
    env = {"RELAY_CTRL_CONFIG": fx.conf, "RELAY_CTRL_DIR": fx.spool,
           "TCPREMOTEIP": CLIENT, "PATH": "/usr/bin:/bin",
           "IFS": " \t\n"}
    if applet == "allow":
        env["USER"] = "alice"
        env["DOMAIN"] = "example.com"
    return env


def assign(env, fx, words):
    """VAR=VALUE words set variables; +WORD is an argument (returned)."""
    args = []
    for w in words.split(" "):
        if not w or w == "-":
            continue
        if w.startswith("+"):
            args.append(expand(unescape(w[1:]), fx))
            continue
        k, _, v = w.partition("=")
        v = expand(unescape(v), fx)
        if v == b"@UNSET@":
            env.pop(k, None)
            continue
        m = re.fullmatch(rb"@FD:(\w+)@", v)
        if m:
            v = str(fx.fdnum(m.group(1).decode())).encode()
        env[k] = v
    return args


def open_fds(fx):
    """Descriptors an entry may name: the spool, a regular file, a FIFO,
    and a number that is not open."""
    fx.fds = {}
    fx.kinds = {}

    def fdnum(kind):
        if kind == "closed":
            return FD_CLOSED
        if kind == "stdin":
            return 0
        if kind == "three":
            return FD_THREE
        if kind == "spool":
            fd, n = os.open(fx.spool, os.O_RDONLY | os.O_DIRECTORY), FD_SPOOL
        elif kind == "file":
            fd, n = os.open(os.path.join(fx.root, "victim"),
                            os.O_RDONLY), FD_FILE
        elif kind == "fifo":
            p = os.path.join(fx.root, "fdfifo")
            if not os.path.exists(p):
                os.mkfifo(p)
            fd, n = os.open(p, os.O_RDWR), FD_FIFO
        else:
            raise ValueError(kind)
        fx.fds[n] = fd
        fx.kinds[n] = "dir" if kind == "spool" else kind
        return n
    fx.fdnum = fdnum


def run_entry(ctx, setup, sock_stderr):
    """setup(fx) builds the fixture and returns, for each run, a tuple
    (applet, env, expectations); runs them in order on one fixture."""
    fx = Fixture(ctx)
    try:
        open_fds(fx)
        runs = setup(fx)
        fx.give_away()
        for applet, env, exp in runs:
            env = {k: v for k, v in env.items()}
            before_out = fx.outside()
            before_in = fx.inside()
            res = run_one(ctx, fx, applet, env, sock_stderr,
                          exp.get("args", ()))
            verify(fx, applet, env, res, exp, before_out, before_in,
                   sock_stderr)
    finally:
        fx.cleanup()


# --- the corpus files -------------------------------------------------------

def bait(fx, text, canon):
    """Fresh records a wrong reading of the address would find: one named
    by the raw text in the spool, one where a path in it leads."""
    try:
        t = text.decode()
    except UnicodeDecodeError:
        t = None
    if t is None or "\0" in t or t in ("", ".", "..") or len(text) > 200:
        return
    if t == canon:
        return
    if "/" not in t:
        fx.make("spool", t, "record", "5", b"USER=bait\0")
        return
    p = os.path.normpath(os.path.join(fx.spool, t))
    if p.startswith(fx.root + "/") and not os.path.lexists(p) and \
            os.path.isdir(os.path.dirname(p)) and \
            not p.startswith(fx.out) and not p.startswith(fx.spool + "/"):
        with open(p, "wb") as f:
            f.write(b"USER=bait\0")


def address_entries(path):
    """EXPECT <tab> VARS <tab> TEXT: EXPECT the canonical name or '-';
    'NAME|-' when C libraries disagree.  VARS are assignments where $ is
    the text."""
    for ln, line in lines_of(path):
        expect, vars_, text = fields(line, 3)

        def setup(fx, expect=expect, vars_=vars_, text=text):
            raw = expand(unescape(text), fx)
            names = expect.split("|")
            canon = names[0] if names[0] != "-" else None
            bait(fx, raw, canon)
            runs = []
            for applet in ("allow", "check"):
                env = base_env(fx, applet)
                del env["TCPREMOTEIP"]
                for w in vars_.split(" "):
                    k, _, v = w.partition("=")
                    env[k] = raw if v == "$" else expand(unescape(v), fx)
                runs.append((applet, env, {}))
            fx.addr_names = names
            return runs
        yield "%s:%d" % (os.path.basename(path), ln), setup, "address"


def record_entries(path):
    """USER <tab> DOMAIN <tab> WARN <tab> CONTENT."""
    for ln, line in lines_of(path):
        user, domain, warn, content = fields(line, 4)

        def setup(fx, user=user, domain=domain, warn=warn, content=content):
            fx.make("spool", CLIENT, "record", "10",
                    expand(unescape(content), fx))
            exp = {"relay": "y", "warn": warn,
                   "USER": None if user == "-" else
                   expand(unescape(user), fx),
                   "DOMAIN": None if domain == "-" else
                   expand(unescape(domain), fx)}
            return [("check", base_env(fx, "check"), exp)]
        yield "%s:%d" % (os.path.basename(path), ln), setup, "plain"


def case_entries(path):
    """APPLET <tab> AGE <tab> EXPECT <tab> WARN <tab> SETUP <tab> ENV."""
    for ln, line in lines_of(path):
        applet, age, expect, warn, setup_s, env_s = fields(line, 6)

        def setup(fx, applet=applet, age=age, expect=expect, warn=warn,
                  setup_s=setup_s, env_s=env_s):
            if age != "-":
                fx.make("spool", CLIENT, "record", age)
            for w in setup_s.split(" "):
                if not w or w == "-":
                    continue
                where, _, rest = w.partition(":")
                name, _, kind = rest.partition("=")
                kind, _, arg = kind.partition(":")
                content = expand(unescape(arg), fx) if arg else None
                num = arg if kind in ("record", "mode000", "mode666",
                                      "chmod") and arg else None
                if kind in ("record", "mode000", "mode666"):
                    content = None
                    if "," in arg:
                        num, c = arg.split(",", 1)
                        content = expand(unescape(c), fx)
                name = expand(unescape(name), fx).decode()
                if not fx.make(where, name, kind, num, content):
                    raise Skip("cannot make a %s here" % kind)
            env = base_env(fx, applet)
            exp = {"warn": warn, "args": assign(env, fx, env_s)}
            if applet in ADMIN:
                exp["age"] = {}
                for w in expect.split(","):
                    if w.startswith("rc="):
                        exp["rc"] = int(w[3:])
                    elif w and w != "-":
                        exp["age"][w[1:]] = w[0]
            elif expect.startswith("y:"):
                exp["relay"] = "y"
                exp["content"] = expand(unescape(expect[2:]), fx)
            elif applet == "check" and expect.startswith("y"):
                exp["relay"] = "y"
                exp["USER"] = b"seed" if expect == "y" else None
                exp["DOMAIN"] = b"seed.example" if expect == "y" else None
            else:
                exp["relay"] = expect
            if applet == "allow":
                exp["name"] = CLIENT
            return [(applet, env, exp)]
        yield "%s:%d" % (os.path.basename(path), ln), setup, "plain"


class Skip(Exception):
    pass


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            yield i, line


def address_runs(ctx, setup, sock_stderr):
    """An address entry: allow, then check on the same fixture; the record
    must appear under the canonical name and nowhere else."""
    fx = Fixture(ctx)
    try:
        open_fds(fx)
        runs = setup(fx)
        names = fx.addr_names
        fx.give_away()
        before_out = fx.outside()
        before_in = fx.inside()
        applet, env, _ = runs[0]
        res = run_one(ctx, fx, applet, env, sock_stderr)
        after_in = fx.inside()
        made = [k for k in after_in if k not in before_in or
                after_in[k] != before_in[k]]
        ok_names = [n for n in names if n != "-"]
        if made and (len(made) != 1 or made[0] not in ok_names):
            raise Fail("allow wrote %s, expected %s" % (made, names))
        if not made and "-" not in names:
            raise Fail("allow wrote no record, expected %s" % names)
        name = made[0] if made else None
        exp = {"relay": "y" if name else "n", "name": name,
               "warn": "-" if name else "W"}
        verify(fx, applet, env, res, exp, before_out, before_in,
               sock_stderr)
        applet, env, _ = runs[1]
        before_out = fx.outside()
        before_in = fx.inside()
        res = run_one(ctx, fx, applet, env, sock_stderr)
        exp = {"relay": "y" if name else "n", "USER": b"alice",
               "DOMAIN": b"example.com", "warn": "-" if name else "W"}
        if "RELAY_CTRL_LOG_IPS" in env:
            exp["warn"] = "*"
        verify(fx, applet, env, res, exp, before_out, before_in,
               sock_stderr)
    finally:
        fx.cleanup()


def run_all(ctx, pattern):
    entries = []
    for f, gen in (("addresses.txt", address_entries),
                   ("records.txt", record_entries),
                   ("env.txt", case_entries),
                   ("config.txt", case_entries),
                   ("spool.txt", case_entries),
                   ("admin.txt", case_entries)):
        entries += list(gen(os.path.join(HERE, f)))
    passed = failed = skipped = 0
    for label, setup, kind in entries:
        if pattern and pattern not in label:
            continue
        try:
            for sock_stderr in (True, False):
                if kind == "address":
                    address_runs(ctx, setup, sock_stderr)
                else:
                    run_entry(ctx, setup, sock_stderr)
            passed += 1
        except Skip as e:
            skipped += 1
            print("SKIP %s: %s" % (label, e))
        except (Fail, OSError, ValueError) as e:
            failed += 1
            print("FAIL %s (%s): %s" % (
                label, "fd 2 on the socket" if sock_stderr else
                "fd 2 on a pipe", e))
    if skipped:
        print("hostile: %d skipped (need root)" % skipped)
    print("hostile: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    if len(sys.argv) < 2:
        print("usage: run.py RELAYCTL [RECORDER] [PATTERN]", file=sys.stderr)
        return 100
    ctx = types.SimpleNamespace()
    ctx.recorder = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 \
        else os.path.abspath("build/recorder")
    # a copy: "make" in the same checkout may rewrite the binary meanwhile
    keep = tempfile.mkdtemp(prefix="hostile-bin.")
    try:
        os.chmod(keep, 0o755)
        ctx.binary = os.path.join(keep, "relayctl")
        shutil.copy2(sys.argv[1], ctx.binary)
        return run_all(ctx, sys.argv[3] if len(sys.argv) > 3 else "")
    finally:
        shutil.rmtree(keep)


if __name__ == "__main__":
    sys.exit(main())
