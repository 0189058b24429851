"""PS-9's fan-out test in driver lines (DEVIATIONS.md, "PS-9, PS-12: one subscriber's full socket
holds up every other"): a PUB in one driver process and four SUBs ('', 'n', 'n', 'n 00') in
another, as test_pubsub.py::test_every_matching_subscriber_gets_every_message_in_order_once does,
but waiting with timed recv instead of poll (zmq4 has no poller). 300 messages and an end marker are
published, then each SUB is read in turn, 5 s for each message.

usage (from the repository root):
  python implementations/zmq4/repro/fanout_driver_lines.py "implementations/zmq4/bin/zmq4node driver" ipc 5
  PUBDRIVER="python -m zmqspec driver" python ... (the PUB from another driver; SHOW=1: what arrived)"""
import json, os, subprocess, sys, tempfile, time

def start(cmd):
    p = subprocess.Popen(cmd.split(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    assert line.startswith("ZMQSPEC READY"), line
    p.seq = 0
    return p

def req(p, cmd, **f):
    p.seq += 1
    p.stdin.write(json.dumps({"seq": p.seq, "cmd": cmd, **f}) + "\n"); p.stdin.flush()
    r = json.loads(p.stdout.readline())
    return r

def ok(p, cmd, **f):
    r = req(p, cmd, **f)
    assert "ok" in r, (cmd, f, r)
    return r["ok"]

def run(driver, transport):
    a, b = start(os.environ.get("PUBDRIVER", driver)), start(driver)
    try:
        pub = ok(a, "socket", type="PUB")["socket"]
        ep = "tcp://127.0.0.1:*" if transport == "tcp" else f"ipc://{tempfile.mkdtemp(prefix='zq')}/p"
        ep = ok(a, "bind", socket=pub, endpoint=ep)["endpoint"]
        filters = [b"", b"n", b"n", b"n 00"]
        subs = []
        for f in filters:
            s = ok(b, "socket", type="SUB")["socket"]
            ok(b, "setsockopt", socket=s, option="subscribe", value=f.hex())
            ok(b, "connect", socket=s, endpoint=ep)
            subs.append(s)
        waiting, k, t0 = list(subs), 0, time.time()
        while waiting:
            assert time.time() - t0 < 20, "sync"
            k += 1
            ok(a, "send", socket=pub, frames=[(b"n 00 sync %d" % k).hex()])
            for s in list(waiting):
                r = req(b, "recv", socket=s, timeout_ms=50)
                if "ok" in r:
                    waiting.remove(s)
        last = b"n 00 sync last"
        ok(a, "send", socket=pub, frames=[last.hex()])
        for s in subs:
            while True:
                r = req(b, "recv", socket=s, timeout_ms=5000)
                assert "ok" in r, ("drain", r)
                if bytes.fromhex(r["ok"]["frames"][0]) == last:
                    break
        published = [b"n %04d" % n for n in range(300)] + [b"n 00 end"]
        for m in published:
            ok(a, "send", socket=pub, frames=[m.hex()])
        result = []
        for s, f in zip(subs, filters):
            expected = [m for m in published if m.startswith(f)]
            got = []
            for _ in expected:
                r = req(b, "recv", socket=s, timeout_ms=5000)
                if "ok" not in r:
                    break
                got.append(bytes.fromhex(r["ok"]["frames"][0]))
            result.append((f, len(got), len(expected), got == expected))
            if got != expected and os.environ.get("SHOW"):
                print("   ", f, "first", got[:6], "missing first", [m for m in expected if m not in got][:6], "last got", got[-3:])
        if os.environ.get("SHOW"):
            for s in subs[:2]:
                more = []
                while "ok" in (r := req(b, "recv", socket=s, timeout_ms=3000)):
                    more.append(bytes.fromhex(r["ok"]["frames"][0]))
                print("    after the others were read, sub", s, "got", len(more), "more", more[:2], more[-1:])
        return result
    finally:
        for p in (a, b):
            try: p.stdin.close()
            except Exception: pass
            try: p.wait(5)
            except Exception: p.kill()

if __name__ == "__main__":
    driver, transport, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bad = 0
    for i in range(runs):
        res = run(driver, transport)
        good = all(r[3] for r in res)
        bad += not good
        print(f"run {i+1}: " + ", ".join(f"{f!r}: {n}/{e}" for f, n, e, _ in res) + ("" if good else "  STALL/LOSS"), flush=True)
    print(f"{runs - bad} of {runs} runs complete")
