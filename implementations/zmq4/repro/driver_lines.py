"""MI-5, MI-6 (a PUSH never reads) and DP-1/DP-2 in driver lines (DEVIATIONS.md): each case prints
the JSON lines it sends the driver and the answers, then "ok: ..." or "DEVIATION: ...", and the
script exits 1 when any case deviates.

  maxmsgsize  (MI-5) a PULL is told `setsockopt maxmsgsize 65536`, a PUSH of the same driver sends it
              one frame of 65537 bytes; libzmq drops that connection and the PULL's recv gives EAGAIN
  push-reads  (MI-6) a bound PUSH; a hand-written ZMTP 3.0 PULL connects, then sends a frame header
              declaring 2**60 bytes; libzmq's PUSH reads it and closes the connection within 2 s
  poll        (DP-1, DP-2) `poll` with no items and with an item without `events`; libzmq answers
              {"ready": []} after timeout_ms

usage (from the repository root):
  python implementations/zmq4/repro/driver_lines.py "implementations/zmq4/bin/zmq4node driver"
  python implementations/zmq4/repro/driver_lines.py "python -m zmqspec driver"     (libzmq: all ok)
"""
import json
import shlex
import socket
import subprocess
import sys
import time

GREETING = b"\xff" + bytes(8) + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\0") + b"\0" + bytes(31)


class Driver:
    def __init__(self, command: str):
        self.p = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.p.stdout.readline().startswith("ZMQSPEC READY")
        self.seq = 0

    def __call__(self, cmd: str, show: bool = True, **fields):
        self.seq += 1
        line = json.dumps({"seq": self.seq, "cmd": cmd, **fields})
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        answer = self.p.stdout.readline().rstrip("\n")
        if show:
            print("  >", line if len(line) < 200 else line[:120] + f"... ({len(line)} characters)")
            print("  <", answer if len(answer) < 200 else answer[:120] + f"... ({len(answer)} characters)")
        return json.loads(answer)

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)


def maxmsgsize(driver) -> bool:
    pull = driver("socket", type="PULL")["ok"]["socket"]
    option = driver("setsockopt", socket=pull, option="maxmsgsize", value=65536)
    endpoint = driver("bind", socket=pull, endpoint="tcp://127.0.0.1:*")["ok"]["endpoint"]
    push = driver("socket", type="PUSH")["ok"]["socket"]
    driver("connect", socket=push, endpoint=endpoint)
    driver("send", socket=push, frames=[bytes(65537).hex()], timeout_ms=2000)
    got = driver("recv", socket=pull, timeout_ms=2000)
    taken = "ok" in got and len(bytes.fromhex(got["ok"]["frames"][0])) == 65537
    driver("close", socket=push)
    driver("close", socket=pull)
    fine = "ok" in option and not taken
    print(("ok" if fine else "DEVIATION") + f": maxmsgsize: setsockopt answered {option.get('ok', option.get('error'))}; "
          f"the PULL {'took the 65537-byte frame' if taken else 'took nothing'} (libzmq: {{}}, took nothing)")
    return fine


def push_reads(driver) -> bool:
    push = driver("socket", type="PUSH")["ok"]["socket"]
    endpoint = driver("bind", socket=push, endpoint="tcp://127.0.0.1:*")["ok"]["endpoint"]
    host, _, port = endpoint.removeprefix("tcp://").rpartition(":")
    conn = socket.create_connection((host, int(port)), timeout=5)
    ready = b"\x05READY" + b"\x0bSocket-Type" + (4).to_bytes(4, "big") + b"PULL"
    conn.sendall(GREETING + bytes([4, len(ready)]) + ready)
    data = b""
    while len(data) < 64 + 2:  # its greeting and the head of its READY
        chunk = conn.recv(66 - len(data))
        assert chunk, "the PUSH closed the connection during the handshake"
        data += chunk
    print("  (the hand-written PULL got the PUSH's greeting, version %d.%d, and sends the header"
          " 02 1000000000000000: a frame of 2**60 bytes)" % (data[10], data[11]))
    conn.sendall(b"\x02" + (2**60).to_bytes(8, "big"))
    deadline, closed = time.monotonic() + 2, False
    conn.settimeout(0.2)
    while time.monotonic() < deadline and not closed:
        try:
            closed = conn.recv(65536) == b""
        except TimeoutError:
            pass
        except ConnectionResetError:
            closed = True
    conn.close()
    driver("close", socket=push)
    print(("ok" if closed else "DEVIATION") + f": push-reads: connection closed by the PUSH within 2 s: {closed} "
          "(libzmq: True)")
    return closed


def poll(driver) -> bool:
    hello = driver("hello", show=False)["ok"]
    print(f"  (hello: commands {hello.get('commands')})")
    start = time.monotonic()
    empty = driver("poll", items=[], timeout_ms=300)
    waited = (time.monotonic() - start) * 1000
    pull = driver("socket", type="PULL")["ok"]["socket"]
    driver("bind", socket=pull, endpoint="tcp://127.0.0.1:*")
    item = driver("poll", items=[{"socket": pull}], timeout_ms=300)
    driver("close", socket=pull)
    fine = "ok" in empty and "ok" in item
    print(("ok" if fine else "DEVIATION") + f": poll: no items: {empty.get('ok', empty.get('error'))} after "
          f"{waited:.0f} ms; an item without events: {item.get('ok', item.get('error'))} "
          "(libzmq: {'ready': []} after 300 ms, each)")
    return fine


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if sys.argv[1:] in (["-h"], ["--help"]) else 2
    driver = Driver(sys.argv[1])
    results = []
    try:
        for case in (maxmsgsize, push_reads, poll):
            print(f"{case.__name__.replace('_', '-')}:")
            results.append(case(driver))
    finally:
        driver.close()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
