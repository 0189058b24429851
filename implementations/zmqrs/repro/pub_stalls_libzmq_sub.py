"""D12: a zmq.rs PUB publishing at full speed stops sending to a libzmq SUB that keeps reading.

    cargo build --release --examples && python3 repro/pub_stalls_libzmq_sub.py   # needs pyzmq (libzmq)

Runs target/release/examples/pub_stalls (a zmq.rs PUB publishing small updates in a tight loop on a
tokio task) eight times, reads each with a libzmq SUB (pyzmq, default RCVHWM 1000) and says when 3 s
go by with nothing received while the publisher still publishes. Exit status 1 while it stalls.
"""
import pathlib
import subprocess
import sys

import zmq

PUBLISHER = pathlib.Path(__file__).resolve().parent.parent / "target/release/examples/pub_stalls"
stalls = 0
for run in range(8):
    pub = subprocess.Popen([str(PUBLISHER), "30"], stdout=subprocess.PIPE, text=True)
    endpoint = pub.stdout.readline().strip()
    sub = zmq.Context.instance().socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(endpoint)
    received = 0
    while received < 100_000:
        if not sub.poll(3000):
            print(f"run {run}: nothing for 3 s after {received} updates; the publisher is still publishing")
            stalls += 1
            break
        sub.recv()
        received += 1
    sub.close(0)
    pub.kill()
    pub.wait()
print(f"DEVIATION: the stream stopped in {stalls} of 8 runs" if stalls else "every run received 100000 updates")
sys.exit(1 if stalls else 0)
