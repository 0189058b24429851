"""Reproductions of pyomq 0.21.0's deviations from libzmq, one case per catalogue id (DEVIATIONS.md).

    implementations/pyomq/.venv/bin/python repro/cases.py CASE      # on pyomq
    REPRO_ZMQ=zmq python repro/cases.py CASE                         # the same steps on libzmq (pyzmq)
    implementations/pyomq/.venv/bin/python repro/cases.py all       # every case, one line each

Each case prints what it saw and exits 0 when the library does what libzmq does, 1 when it
deviates. The sleeps are a reproduction's, not a test's: they give connections time to come up.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time

zmq = importlib.import_module(os.environ.get("REPRO_ZMQ", "pyomq"))
EFSM = getattr(zmq, "EFSM", 156384763)
CASES = {}


def case(name):
    def register(fn):
        CASES[name] = fn
        return fn
    return register


def sock(ctx, kind, **options):
    s = ctx.socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    for name, value in options.items():
        s.setsockopt(getattr(zmq, name.upper()), value)
    return s


def bind_tcp(s) -> str:
    s.bind("tcp://127.0.0.1:*")
    endpoint = s.getsockopt(zmq.LAST_ENDPOINT)
    return (endpoint.decode() if isinstance(endpoint, bytes) else endpoint).rstrip("\0")


def error_of(call) -> str:
    started = time.monotonic()
    try:
        result = call()
        return f"ok {result!r}"
    except zmq.ZMQError as exc:
        name = "EFSM" if exc.errno == EFSM else ("EAGAIN" if exc.errno == zmq.EAGAIN else f"errno {exc.errno}")
        return f"{name} after {1000 * (time.monotonic() - started):.0f} ms ({exc})"


def verdict(ok: bool, saw: str, want: str) -> int:
    print(f"  saw: {saw}\n  libzmq: {want}")
    print("  OK" if ok else "  DEVIATION")
    return 0 if ok else 1


@case("RR-3")
def rr3(ctx):
    """REQ/REP lock-step: every call out of turn fails with EFSM, at once."""
    req = sock(ctx, zmq.REQ, rcvtimeo=500)
    rep = sock(ctx, zmq.REP, rcvtimeo=500)
    req.connect(bind_tcp(rep))
    saw = [f"REQ recv before any send: {error_of(req.recv)}",
           f"REP send before any recv: {error_of(lambda: rep.send(b'x'))}"]
    req.send(b"question")
    saw.append(f"REQ second send: {error_of(lambda: req.send(b'again'))}")
    rep.recv()
    saw.append(f"REP second recv before replying: {error_of(rep.recv)}")
    return verdict(all(line.split(": ", 1)[1].startswith("EFSM") for line in saw), "; ".join(saw),
                   "EFSM at once for each of the four")


@case("TR-9")
def tr9(ctx):
    """A REQ whose receive timed out still waits for the same reply: a send fails with EFSM."""
    router = sock(ctx, zmq.ROUTER)
    req = sock(ctx, zmq.REQ, rcvtimeo=300)
    req.connect(bind_tcp(router))
    req.send(b"question")
    request = router.recv_multipart()
    timed_out = error_of(req.recv)
    again = error_of(lambda: req.send(b"too soon"))
    router.send_multipart([request[0], b"", b"late reply"])
    req.setsockopt(zmq.RCVTIMEO, 2000)
    late = error_of(req.recv)
    return verdict(again.startswith("EFSM") and "late reply" in late,
                   f"recv {timed_out}; send {again}; recv {late}", "EAGAIN; EFSM; the late reply")


@case("RR-2")
def rr2(ctx):
    """A REQ connected to two REPs deals its first requests to both in turn, even right after connecting."""
    reps = [sock(ctx, zmq.REP, rcvtimeo=3000) for _ in range(2)]
    endpoints = [bind_tcp(r) for r in reps]
    req = sock(ctx, zmq.REQ, rcvtimeo=3000)
    for endpoint in endpoints:
        req.connect(endpoint)
    served = []
    for i in range(4):
        req.send(b"r%d" % i)
        for n, rep in enumerate(reps):
            try:
                rep.setsockopt(zmq.RCVTIMEO, 200)
                rep.send(rep.recv())
                served.append(n)
                break
            except zmq.Again:
                continue
        req.recv()
    return verdict(served in ([0, 1, 0, 1], [1, 0, 1, 0]), f"requests 0..3 served by REP {served}",
                   "alternating, [0, 1, 0, 1] or [1, 0, 1, 0]")


@case("RR-9")
def rr9(ctx):
    """A REQ with no peer polls not writable."""
    req = sock(ctx, zmq.REQ)  # never connected nor bound: no peer at all
    poller = zmq.Poller()
    poller.register(req, zmq.POLLOUT)
    fired = poller.poll(500)
    return verdict(not fired, f"poll(POLLOUT, 500 ms) -> {[mask for _, mask in fired]}", "[] after 500 ms")


@case("RR-12")
def rr12(ctx):
    """A REP's envelope ends at the first empty frame; the rest is the request, whole."""
    rep = sock(ctx, zmq.REP, rcvtimeo=2000)
    req = sock(ctx, zmq.REQ, rcvtimeo=2000)
    req.connect(bind_tcp(rep))
    req.send_multipart([b"head", b"", b"x", b"tail"])
    got = rep.recv_multipart()
    small = sock(ctx, zmq.REP, rcvtimeo=1000, maxmsgsize=100)
    req2 = sock(ctx, zmq.REQ)
    req2.connect(bind_tcp(small))
    req2.send(b"12345")
    limited = error_of(small.recv)
    return verdict(got == [b"head", b"", b"x", b"tail"] and limited.startswith("ok"),
                   f"REP received {got}; with MAXMSGSIZE 100 a 5-byte request: {limited}",
                   "[b'head', b'', b'x', b'tail']; the 5-byte request received")


@case("RR-12-last-empty")
def rr12_last_empty(ctx):
    """A request whose last frame is empty, [a, ''], is handed over whole; a message has at least one frame."""
    rep = sock(ctx, zmq.REP, rcvtimeo=2000)
    req = sock(ctx, zmq.REQ, rcvtimeo=2000)
    req.connect(bind_tcp(rep))
    req.send_multipart([b"a", b""])
    got = rep.recv_multipart()
    return verdict(got == [b"a", b""], f"REP received {got}", "[b'a', b'']")


@case("RR-14")
def rr14(ctx):
    """A REP fair-queues its requesters: one with one request is not kept behind one with many (inproc)."""
    rep = sock(ctx, zmq.REP, rcvtimeo=2000)
    rep.bind("inproc://rr14")
    busy = sock(ctx, zmq.DEALER)
    quiet = [sock(ctx, zmq.DEALER) for _ in range(2)]
    for dealer in (busy, *quiet):
        dealer.connect("inproc://rr14")
    for i in range(20):
        busy.send_multipart([b"", b"busy%d" % i])
    for i, q in enumerate(quiet, 1):
        q.send_multipart([b"", b"q%d" % i])
    order = []
    for _ in range(4):
        order.append(rep.recv().decode())
        rep.send(b"ok")
    return verdict({"q1", "q2"} <= set(order[:3]), f"the REP served {order}",
                   "q1 and q2 among the first three (busy0, q1, q2, busy1, ...)")


@case("RR-15")
def rr15(ctx):
    """A REQ connected to two endpoints keeps dealing to both when the peer at one has died."""
    a = sock(ctx, zmq.REP)
    b = sock(ctx, zmq.REP)
    endpoints = [bind_tcp(a), bind_tcp(b)]
    req = sock(ctx, zmq.REQ, rcvtimeo=500)
    for endpoint in endpoints:
        req.connect(endpoint)
    time.sleep(0.5)
    b.close()
    time.sleep(0.5)
    answered = []
    for i in range(2):
        req.send(b"r%d" % i)
        a.setsockopt(zmq.RCVTIMEO, 300)
        try:
            a.send(a.recv())
            req.recv()
            answered.append(f"r{i}")
        except zmq.Again:
            break
    return verdict(len(answered) < 2, f"with B dead, A answered {answered}",
                   "one of r0, r1 is dealt to B's endpoint and waits there (no reply)")


@case("RR-17-18")
def rr17_18(ctx):
    """ZMQ_REQ_RELAXED lets a REQ send again; ZMQ_REQ_CORRELATE puts a request id first."""
    router = sock(ctx, zmq.ROUTER, rcvtimeo=2000)
    req = sock(ctx, zmq.REQ, req_relaxed=1, req_correlate=1)
    try:  # write-only options in libzmq (EINVAL); pyomq reads them back
        relaxed, correlate = req.getsockopt(zmq.REQ_RELAXED), req.getsockopt(zmq.REQ_CORRELATE)
    except zmq.ZMQError as exc:
        relaxed = correlate = f"(getsockopt: {exc})"
    req.connect(bind_tcp(router))
    req.send(b"ABC")
    frames = router.recv_multipart()
    again = error_of(lambda: req.send(b"again"))
    return verdict(len(frames) == 4 and again.startswith("ok"),
                   f"read back relaxed={relaxed} correlate={correlate}; the ROUTER got {len(frames)} frames "
                   f"{frames}; a second send: {again}",
                   "[identity, 4-byte id, '', 'ABC']; the second send succeeds")


@case("PS-7")
def ps7(ctx):
    """Subscriptions are counted: subscribe A twice, unsubscribe once, A still arrives."""
    pub = sock(ctx, zmq.PUB)
    sub = sock(ctx, zmq.SUB, rcvtimeo=1000)
    sub.connect(bind_tcp(pub))
    sub.subscribe(b"A")
    sub.subscribe(b"A")
    sub.unsubscribe(b"A")
    time.sleep(0.5)
    pub.send(b"A1")
    got = error_of(sub.recv)
    return verdict(got.startswith("ok"), f"recv after subscribe A x2, unsubscribe A x1: {got}", "b'A1'")


@case("PS-9")
def ps9(ctx):
    """Over inproc a SUB that is not reading still gets every message under the high-water mark (1000)."""
    pub = sock(ctx, zmq.PUB)
    pub.bind("inproc://ps9")
    sub = sock(ctx, zmq.SUB, rcvtimeo=500)
    sub.subscribe(b"")
    sub.connect("inproc://ps9")
    time.sleep(0.5)
    for i in range(500):
        pub.send(b"%d" % i)
    got = 0
    try:
        while True:
            sub.recv()
            got += 1
    except zmq.Again:
        pass
    return verdict(got == 500, f"{got} of 500 published while the SUB was not reading", "500 of 500")


@case("PS-16-19")
def hwm(ctx):
    """High-water marks hold over inproc: a PUSH with SNDHWM 1 to a PULL with RCVHWM 1 that does not read
    takes 2 messages, then refuses; a SUB with both marks 100 keeps about 200 of a burst of 1000."""
    push = sock(ctx, zmq.PUSH, sndhwm=1, sndtimeo=0)
    push.bind("inproc://pp16")
    pull = sock(ctx, zmq.PULL, rcvhwm=1)
    pull.connect("inproc://pp16")
    taken = 0
    for i in range(100):
        try:
            push.send(b"m%d" % i)
            taken += 1
        except zmq.Again:
            break
    pub = sock(ctx, zmq.PUB, sndhwm=100)
    pub.bind("inproc://ps19")
    sub = sock(ctx, zmq.SUB, rcvhwm=100, rcvtimeo=500)
    sub.subscribe(b"")
    sub.connect("inproc://ps19")
    time.sleep(0.5)
    for i in range(1000):
        pub.send(b"m%d" % i)
    time.sleep(0.5)
    kept = 0
    try:
        while True:
            sub.recv()
            kept += 1
    except zmq.Again:
        pass
    return verdict(taken < 50 and kept < 500, f"the PUSH took {taken} of 100; the SUB kept {kept} of 1000",
                   "the PUSH takes 2 then EAGAIN; the SUB keeps 200")


@case("PS-21")
def ps21(ctx):
    """An XPUB hands over an unsubscribe for each prefix a departing subscriber held alone."""
    xpub = sock(ctx, zmq.XPUB, rcvtimeo=2000)
    sub = sock(ctx, zmq.SUB)
    sub.connect(bind_tcp(xpub))
    sub.subscribe(b"A")
    first = xpub.recv()
    sub.close()
    after = error_of(xpub.recv)
    return verdict(after == "ok b'\\x00A'", f"{first!r}, then after the SUB closed: {after}", "b'\\x01A', then b'\\x00A'")


@case("PS-22")
def ps22(ctx):
    """With ZMQ_XPUB_VERBOSE an XPUB passes on every subscribe, but an unsubscribe only for the last."""
    xpub = sock(ctx, zmq.XPUB, rcvtimeo=1000, xpub_verbose=1)
    endpoint = bind_tcp(xpub)
    subs = [sock(ctx, zmq.SUB) for _ in range(2)]
    handed = []
    for s in subs:
        s.connect(endpoint)
        s.subscribe(b"A")
        handed.append(xpub.recv())
    for s in subs:
        s.unsubscribe(b"A")
        try:
            handed.append(xpub.recv())
        except zmq.Again:
            handed.append(None)
    return verdict(handed == [b"\x01A", b"\x01A", None, b"\x00A"], f"handed over {handed}",
                   "[b'\\x01A', b'\\x01A', None, b'\\x00A']")


@case("PS-24")
def ps24(ctx):
    """An XSUB sends a message that is not a subscription on unchanged."""
    xpub = sock(ctx, zmq.XPUB, rcvtimeo=2000)
    xsub = sock(ctx, zmq.XSUB)
    xsub.connect(bind_tcp(xpub))
    time.sleep(0.3)
    sent = error_of(lambda: xsub.send(b"\x02A"))
    got = error_of(xpub.recv) if sent.startswith("ok") else "-"
    return verdict(got == "ok b'\\x02A'", f"XSUB send b'\\x02A': {sent}; XPUB recv: {got}", "sent; b'\\x02A'")


@case("TR-5")
def tr5(ctx):
    """Binding an inproc name already bound fails with EADDRINUSE."""
    first, second = sock(ctx, zmq.PULL), sock(ctx, zmq.PULL)
    first.bind("inproc://tr5")
    got = error_of(lambda: second.bind("inproc://tr5"))
    return verdict(f"errno {zmq.EADDRINUSE}" in got, f"second bind: {got}", f"errno {zmq.EADDRINUSE} (EADDRINUSE)")


@case("TR-6")
def tr6(ctx):
    """A transport the library lacks (pgm, epgm, vmci) is refused with EPROTONOSUPPORT (93)."""
    s = sock(ctx, zmq.PUB)
    got = [error_of(lambda: s.bind(e)) for e in ("pgm://127.0.0.1;239.1.1.1:5555", "vmci://1:5555")]
    return verdict(all("errno 93" in g for g in got), "; ".join(got), "errno 93 (EPROTONOSUPPORT) for each")


@case("TR-7")
def tr7(ctx):
    """With ZMQ_IMMEDIATE a PUSH connected to a dead and a live endpoint sends everything to the live one."""
    pull = sock(ctx, zmq.PULL, rcvtimeo=500)
    push = sock(ctx, zmq.PUSH, immediate=1, sndtimeo=1000)
    push.connect("tcp://127.0.0.1:9")  # nothing listens there
    push.connect(bind_tcp(pull))
    time.sleep(0.5)
    for i in range(10):
        push.send(b"t%d" % i)
    got = []
    try:
        while True:
            got.append(pull.recv().decode())
    except zmq.Again:
        pass
    return verdict(len(got) == 10, f"the live PULL got {got}", "t0 .. t9, all 10")


@case("NC-9")
def nc9(ctx):
    """connect to an ipc path longer than sockaddr_un holds fails with ENAMETOOLONG (36)."""
    s = sock(ctx, zmq.REQ)
    got = error_of(lambda: s.connect("ipc:///tmp/" + "c" * 103))
    return verdict("errno 36" in got, f"connect to a 108-byte ipc path: {got}", "errno 36 (ENAMETOOLONG)")


@case("NC-5")
def nc5(_ctx):
    """A PUB with SNDHWM 2147483647 (the top of libzmq's int range) binds: the mark is a limit, not a size."""
    code = ("import os, importlib; zmq = importlib.import_module(os.environ.get('REPRO_ZMQ', 'pyomq')); "
            "s = zmq.Context().socket(zmq.PUB); s.setsockopt(zmq.SNDHWM, 2**31 - 1); "
            "s.bind('tcp://127.0.0.1:*'); print('bound'); os._exit(0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    last = (done.stderr.strip().splitlines() or [""])[-1][:200]
    return verdict(done.returncode == 0, f"exit {done.returncode}, {done.stdout.strip()!r} {last}", "exit 0, 'bound'")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or (argv[0] not in CASES and argv[0] != "all"):
        print(f"usage: cases.py CASE|all; cases: {', '.join(CASES)}", file=sys.stderr)
        return 2
    worst = 0
    for name in CASES if argv[0] == "all" else argv:
        print(f"{name} ({zmq.__name__} {zmq.__version__}): {CASES[name].__doc__.splitlines()[0]}")
        ctx = zmq.Context()
        worst = max(worst, CASES[name](ctx))
        sys.stdout.flush()
    os._exit(worst)  # not ctx.term(): a socket left with a queued message must not hold the process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
