"""PS-19's second burst in driver lines (DEVIATIONS.md, "PS-19"): an XPUB in one driver process and
a SUB in another, both with high-water marks of 11024, over tcp, as
test_hwm.py::test_the_high_water_mark_bounds_what_is_queued_not_what_was_ever_sent does: the SUB
subscribes to everything (the XPUB sees the subscription), a burst of 9999 is sent (one `batch` of
sends with no wait) and read whole, then a burst of 1100, read with 10 s for all of it. Libzmq takes
and delivers both whole. Repeated ROUNDS times with fresh sockets; prints one line per round and
exits 1 when any round lost messages.

usage (from the repository root):
  python implementations/jeromq/repro/ps19_driver_lines.py "DRIVER COMMAND" [ROUNDS]
  (DRIVER COMMAND: the jeromq manifest's driver line, {here} replaced by implementations/jeromq;
   "python -m zmqspec driver" for libzmq)
"""
import json
import shlex
import subprocess
import sys


class Driver:
    def __init__(self, command: str):
        self.p = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.p.stdout.readline().startswith("ZMQSPEC READY")
        self.seq = 0

    def __call__(self, cmd: str, **fields):
        self.seq += 1
        self.p.stdin.write(json.dumps({"seq": self.seq, "cmd": cmd, **fields}) + "\n")
        self.p.stdin.flush()
        reply = json.loads(self.p.stdout.readline())
        return reply

    def ok(self, cmd: str, **fields):
        reply = self(cmd, **fields)
        assert "ok" in reply, (cmd, reply)
        return reply["ok"]

    def close(self):
        self.p.stdin.close()
        self.p.wait(20)


def burst(pub: Driver, xpub: str, prefix: str, count: int) -> int:
    sends = [{"cmd": "send", "socket": xpub, "frames": [f"{prefix}{i}".encode().hex()], "timeout_ms": 0}
             for i in range(count)]
    reply = pub("batch", requests=sends)
    return count if "ok" in reply else reply["error"].get("index", -1)


def received(sub: Driver, sock: str, count: int) -> list:
    messages = sub.ok("recv_many", socket=sock, count=count, timeout_ms=10000)["messages"]
    return [bytes.fromhex(m[0]).decode() for m in messages]


def round_(pub: Driver, sub: Driver) -> bool:
    xpub = pub.ok("socket", type="XPUB")["socket"]
    pub.ok("setsockopt", socket=xpub, option="sndhwm", value=11024)
    s = sub.ok("socket", type="SUB")["socket"]
    sub.ok("setsockopt", socket=s, option="rcvhwm", value=11024)
    endpoint = pub.ok("bind", socket=xpub, endpoint="tcp://127.0.0.1:*")["endpoint"]
    sub.ok("setsockopt", socket=s, option="subscribe", value="")
    sub.ok("connect", socket=s, endpoint=endpoint)
    assert pub.ok("recv", socket=xpub, timeout_ms=10000)["frames"] == ["01"], "no subscription"
    counts = []
    for count in (9999, 1100):
        prefix = f"b{count}-"
        taken = burst(pub, xpub, prefix, count)
        got = received(sub, s, count)
        counts.append((count, taken, len(got), got == [f"{prefix}{i}" for i in range(count)]))
    pub.ok("close", socket=xpub)
    sub.ok("close", socket=s)
    fine = all(whole for *_, whole in counts)
    print(("ok" if fine else "DEVIATION") + ": " + "; ".join(
        f"burst of {c}: {t} taken, {g} received{'' if w else ' (not all, in order)'}" for c, t, g, w in counts))
    return fine


def main() -> int:
    if len(sys.argv) not in (2, 3) or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2
    rounds = int(sys.argv[2]) if len(sys.argv) == 3 else 10
    pub, sub = Driver(sys.argv[1]), Driver(sys.argv[1])
    try:
        results = [round_(pub, sub) for _ in range(rounds)]
    finally:
        pub.close()
        sub.close()
    print(f"{results.count(False)} of {rounds} rounds lost messages")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
