#!/usr/bin/env python3
"""D14 (RR-20): rep-server (--name A) is sent, by a libzmq DEALER (pyzmq), the request [x, y], which
has no empty delimiter, and then the good request ['', good]. libzmq's REP drops [x, y] (rep.cpp,
LIBZMQ-211): the DEALER's first reply is ['', 'A,good'] and the server prints one RECEIVED line,
`RECEIVED: good`. Prints the replies, the server's RECEIVED lines and "ok: ..." or "DEVIATION: ..."
(exit 1):
    python3 repro/rep_server_two_frames.py target/release/zmqrs-node rep-server
    python3 repro/rep_server_two_frames.py python -m zmqspec rep-server     (libzmq: ok)"""
import json, subprocess, sys
import zmq

server = subprocess.Popen(sys.argv[1:] + ["--name", "A"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
context = zmq.Context()
dealer = context.socket(zmq.DEALER)
replies = []
try:
    ready = ""
    while not ready.startswith("ZMQSPEC READY"):
        ready = server.stdout.readline().strip()
        print("<", ready)
    endpoint = json.loads(ready.split(None, 2)[2])["rep"][0]
    dealer.connect(endpoint)
    for frames in ([b"x", b"y"], [b"", b"good"]):
        print("DEALER sends", frames)
        dealer.send_multipart(frames)
    while [b"", b"A,good"] not in replies and dealer.poll(5000):
        replies.append(dealer.recv_multipart())
        print("DEALER receives", replies[-1])
finally:
    dealer.close(linger=0)
    context.term()
    server.stdin.close()
    out = server.stdout.read()
    server.wait(10)
received = [line for line in out.splitlines() if line.startswith("RECEIVED")]
print("rep-server's RECEIVED lines:", received)
fine = replies[:1] == [[b"", b"A,good"]] and received == ["RECEIVED: good"]
print(("ok" if fine else "DEVIATION") + f": the DEALER's replies {replies}, rep-server's request lines {received}"
      " (libzmq: [x, y] dropped; [[b'', b'A,good']] and ['RECEIVED: good'])")
sys.exit(0 if fine else 1)
