#!/usr/bin/env python3
"""D13 (RR-16): a bound REQ, two REPs connected to it; one exchange; the REP whose turn is next
closes; the next request goes to it anyway and the REQ's recv fails (ENOTCONN):
    python3 repro/req_departed_peer.py target/release/zmqrs-node driver"""
import json, subprocess, sys
drv = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
print("<", drv.stdout.readline().strip())
seq = 0
def q(**req):
    global seq
    seq += 1; req["seq"] = seq
    print(">", json.dumps(req)); drv.stdin.write(json.dumps(req) + "\n"); drv.stdin.flush()
    rep = json.loads(drv.stdout.readline()); print("<", json.dumps(rep)); return rep
req = q(cmd="socket", type="REQ")["ok"]["socket"]
ep = q(cmd="bind", socket=req, endpoint="tcp://127.0.0.1:*")["ok"]["endpoint"]
reps = [q(cmd="socket", type="REP")["ok"]["socket"] for _ in range(2)]
for r in reps: q(cmd="connect", socket=r, endpoint=ep)
served = None
q(cmd="send", socket=req, frames=["7230"])
for r in reps:
    got = q(cmd="recv", socket=r, timeout_ms=1000)
    if "ok" in got:
        served = r; q(cmd="send", socket=r, frames=["6f6b"]); q(cmd="recv", socket=req, timeout_ms=2000); break
other = [r for r in reps if r != served][0]
q(cmd="close", socket=other)   # the peer whose turn is next goes away
q(cmd="send", socket=req, frames=["7231"])
got = q(cmd="recv", socket=served, timeout_ms=2000)
if "ok" in got:
    q(cmd="send", socket=served, frames=["6f6b"])
q(cmd="recv", socket=req, timeout_ms=2000)
drv.stdin.close(); drv.wait(10)
