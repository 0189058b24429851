#!/usr/bin/env python3
"""Feed driver JSON lines (stdin, one request a line, no seq; $EP is the last endpoint a bind
reported) to a driver command (argv) and print each request and reply:
    python3 repro/driver_lines.py target/release/zmqrs-node driver < repro/rep_no_delimiter.jsonl"""
import json, subprocess, sys
drv = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
print("<", drv.stdout.readline().strip())
seq = 0
endpoint = None
for line in sys.stdin:
    line = line.strip()
    if not line: continue
    req = json.loads(line.replace("$EP", endpoint or ""))
    seq += 1; req["seq"] = seq
    print(">", json.dumps(req)); drv.stdin.write(json.dumps(req) + "\n"); drv.stdin.flush()
    rep = drv.stdout.readline().strip(); print("<", rep)
    ok = json.loads(rep).get("ok") or {}
    endpoint = ok.get("endpoint", endpoint)
drv.stdin.close(); drv.wait(10)
