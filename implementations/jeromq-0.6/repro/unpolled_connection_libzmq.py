#!/usr/bin/env python3
"""The control of repro/UnpolledConnection.java on libzmq (pyzmq): the same steps per try, with two
contexts (a REP binds tcp://127.0.0.1:*; a PUSH connects and sends "forbidden"; 5 ms; a REQ connects
and sends "sentinel"; 5 ms; the REP receives within 3 s), a fresh pair of contexts per try.
Prints "libzmq X.Y.Z: k of TRIES tries: the REP got nothing" and exits 1 when k is not 0.
    python3 repro/unpolled_connection_libzmq.py [TRIES] [nopush]"""
import sys, time, zmq

tries = int(sys.argv[1]) if len(sys.argv) > 1 else 100
push = not (len(sys.argv) > 2 and sys.argv[2] == "nopush")
nothing = forbidden = 0
for i in range(tries):
    receiving, sending = zmq.Context(), zmq.Context()
    rep = receiving.socket(zmq.REP)
    rep.bind("tcp://127.0.0.1:*")
    endpoint = rep.last_endpoint.decode()
    opened = [rep]
    if push:
        wrong = sending.socket(zmq.PUSH); opened.append(wrong)
        wrong.connect(endpoint)
        wrong.send(b"forbidden")
    time.sleep(0.005)
    right = sending.socket(zmq.REQ); opened.append(right)
    right.connect(endpoint)
    right.send(b"sentinel")
    time.sleep(0.005)
    rep.rcvtimeo = 3000
    try:
        got = rep.recv()
        forbidden += got == b"forbidden"
    except zmq.Again:
        nothing += 1
        print(f"try {i}: the REP got nothing in 3 s")
    for socket in opened:
        socket.close(0)
    sending.term(); receiving.term()
print(f"libzmq {zmq.zmq_version()}: {nothing} of {tries} tries: the REP got nothing" + ("" if push else " (nopush)")
      + (f"; {forbidden} got 'forbidden'" if forbidden else ""))
sys.exit(1 if nothing or forbidden else 0)
