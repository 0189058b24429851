#!/usr/bin/env python3
"""The control of repro/SubGetsNothing.java on libzmq (pyzmq): the same PUB stream (4000 updates a second,
zipcodes 10000..10019) and the same fresh SUB per try (RCVHWM 0, the failing example's changes, connect,
up to 6 updates within 5 s). Prints "libzmq X.Y.Z: k of TRIES tries got nothing" (measured: 0 of 300).
    python3 repro/sub_gets_nothing_libzmq.py [TRIES]"""
import random, sys, threading, time, zmq
tries = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ctx = zmq.Context()
pub = ctx.socket(zmq.PUB); port = pub.bind_to_random_port("tcp://127.0.0.1")
running = True
def publish():
    rnd = random.Random(1); started = time.monotonic(); sent = 0
    while running:
        due = started + sent / 4000
        while time.monotonic() < due: pass
        pub.send(f"{10000 + rnd.randrange(20):05d} {rnd.randrange(215) - 80:3d} {rnd.randrange(50) + 10:2d} {sent % 1000000:06d}".encode())
        sent += 1
t = threading.Thread(target=publish); t.start()
nothing = 0
for i in range(tries):
    sub = ctx.socket(zmq.SUB); sub.rcvhwm = 0
    for p in ["10017 ", "10007 ", "2", "10000  ", "1001x", "10007 "]: sub.subscribe(p)
    for p in ["1001x", "10007 "]: sub.unsubscribe(p)
    sub.connect(f"tcp://127.0.0.1:{port}"); sub.rcvtimeo = 5000
    got = 0; end = time.monotonic() + 5
    try:
        while got < 6 and time.monotonic() < end: sub.recv(); got += 1
    except zmq.Again: pass
    nothing += got == 0
    sub.close(0)
running = False; t.join(); pub.close(0); ctx.term()
print(f"libzmq {zmq.zmq_version()}: {nothing} of {tries} tries got nothing")
