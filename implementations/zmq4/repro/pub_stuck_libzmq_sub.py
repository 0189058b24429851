"""PS-2 in interop (DEVIATIONS.md, "PS-9, PS-12: one subscriber's full socket holds up every other"):
the zmq4 weather-pub with two libzmq SUBs (pyzmq): one takes one update and then reads nothing
(RCVHWM 1), the other keeps reading. libzmq's own PUB goes on publishing to the reader; the zmq4
PUB stops sending to it once the stuck one's socket buffers are full.

usage (from the repository root, after implementations/zmq4/setup.sh):
  python implementations/zmq4/repro/pub_stuck_libzmq_sub.py ipc|tcp [zmq4|reference]"""
import subprocess, sys, tempfile, time
import zmq

transport = sys.argv[1]
pub_cmd = (["implementations/zmq4/bin/zmq4node", "weather-pub"] if (sys.argv[2:] or ["zmq4"])[0] == "zmq4"
           else [sys.executable, "-m", "zmqspec", "weather-pub"])
where = f"ipc://{tempfile.mkdtemp(prefix='zq')}/p" if transport == "ipc" else "tcp://127.0.0.1:*"
node = subprocess.Popen(pub_cmd + ["--sndhwm", "10", "--bind", where], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
try:
    ready = node.stdout.readline()
    endpoint = ready.split('"pub": ["', 1)[1].split('"', 1)[0]
    ctx = zmq.Context()
    stuck = ctx.socket(zmq.SUB)
    stuck.rcvhwm = 1
    stuck.connect(endpoint)
    stuck.subscribe(b"")
    stuck.recv()  # one update, then never again
    reader = ctx.socket(zmq.SUB)
    reader.connect(endpoint)
    reader.subscribe(b"")
    got, start = 0, time.time()
    while got < 100_000 and reader.poll(10_000):
        reader.recv()
        got += 1
    verdict = "the stream went on" if got >= 100_000 else "then nothing for 10 s: the publisher stalled"
    print(f"{' '.join(pub_cmd[-1:])} over {transport}: the reading SUB got {got} updates in "
          f"{time.time() - start:.1f} s; {verdict}")
    sys.exit(0 if got >= 100_000 else 1)
finally:
    node.stdin.close()
    node.wait(10)
