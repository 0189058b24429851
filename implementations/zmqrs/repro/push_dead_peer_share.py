#!/usr/bin/env python3
"""D5 (PP-12): a connected PUSH keeps a dead peer's share for the next peer at that endpoint.
Three drivers, as test_peer_failure.py's PP-12 test has them: a PUSH (sender) connected to a PULL
in "first" and a PULL in "second"; probes until each PULL has one; "second" is killed (SIGKILL);
tasks t0..t9 are sent; "first" takes what comes within 1 s; a new driver binds a PULL on the dead
one's endpoint and takes what comes within 5 s. libzmq: the PUSH reconnects and the new PULL gets the
dead peer's share, every task once; prints "ok: ..." or "DEVIATION: ..." (exit 1):
    python3 repro/push_dead_peer_share.py target/release/zmqrs-node driver
    python3 repro/push_dead_peer_share.py python -m zmqspec driver        (libzmq: ok)"""
import json, signal, subprocess, sys, time

TASKS = [f"t{i}" for i in range(10)]


class Driver:
    def __init__(self, name):
        self.name, self.seq = name, 0
        self.p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        print(f"[{name}] <", self.p.stdout.readline().strip())

    def __call__(self, show=True, **req):
        self.seq += 1; req["seq"] = self.seq
        self.p.stdin.write(json.dumps(req) + "\n"); self.p.stdin.flush()
        rep = self.p.stdout.readline().strip()
        if show:
            print(f"[{self.name}] >", json.dumps(req)); print(f"[{self.name}] <", rep)
        return json.loads(rep)

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.close(); self.p.wait(10)


def tasks_of(reply):
    got = [bytes.fromhex(m[0]).decode() for m in (reply.get("ok") or {}).get("messages", [])]
    return [t for t in got if t != "probe"]


drivers = [Driver(name) for name in ("sender", "first", "second")]
sender, first, second = drivers
try:
    pull_a = first(cmd="socket", type="PULL")["ok"]["socket"]
    pull_b = second(cmd="socket", type="PULL")["ok"]["socket"]
    endpoint_a = first(cmd="bind", socket=pull_a, endpoint="tcp://127.0.0.1:*")["ok"]["endpoint"]
    endpoint_b = second(cmd="bind", socket=pull_b, endpoint="tcp://127.0.0.1:*")["ok"]["endpoint"]
    push = sender(cmd="socket", type="PUSH")["ok"]["socket"]
    sender(cmd="connect", socket=push, endpoint=endpoint_a)
    sender(cmd="connect", socket=push, endpoint=endpoint_b)
    waiting, probes, deadline = {first: pull_a, second: pull_b}, 0, time.monotonic() + 10
    while waiting and time.monotonic() < deadline:
        sender(show=False, cmd="send", socket=push, frames=[b"probe".hex()], timeout_ms=5000); probes += 1
        for d, s in list(waiting.items()):
            if "ok" in d(show=False, cmd="recv", socket=s, timeout_ms=50):
                del waiting[d]
    assert not waiting, "the warm-up probes did not reach both PULLs within 10 s"
    print(f"(warm-up: {probes} probes sent until each PULL had received one)")
    second.p.send_signal(signal.SIGKILL); second.p.wait(10)
    print(f"(the driver of the PULL bound at {endpoint_b} was killed: SIGKILL)")
    sender(cmd="send_many", socket=push, messages=[[t.encode().hex()] for t in TASKS], timeout_ms=5000)
    got_a = tasks_of(first(cmd="recv_many", socket=pull_a, count=20, timeout_ms=1000))
    again = Driver("second again"); drivers.append(again)
    pull_b2 = again(cmd="socket", type="PULL")["ok"]["socket"]
    again(cmd="bind", socket=pull_b2, endpoint=endpoint_b)
    missing = len(TASKS) - len(got_a)  # the rest, all of which should reach the new PULL
    got_b = tasks_of(again(cmd="recv_many", socket=pull_b2, count=missing, timeout_ms=5000)) if missing else []
finally:
    for d in drivers:
        d.close()
fine = sorted(got_a + got_b, key=lambda t: int(t[1:])) == TASKS and bool(got_b)
print(("ok" if fine else "DEVIATION") + f": of t0..t9 the live PULL got {got_a} and the PULL that bound the dead"
      f" one's endpoint got {got_b} within 5 s (libzmq: every task once, the dead peer's share to the new PULL)")
sys.exit(0 if fine else 1)
