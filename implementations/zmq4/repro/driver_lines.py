"""MI-5, MI-6 (a PUSH never reads), DP-1/DP-2, the options RR-12, PS-12 and PS-19 set, PS-17's connect and
PS-18's memory in driver lines (DEVIATIONS.md): each case prints the JSON lines it sends the driver and
the answers, then "ok: ..." or "DEVIATION: ...", and the script exits 1 when any case deviates.

  maxmsgsize  (MI-5) a PULL is told `setsockopt maxmsgsize 65536`, a PUSH of the same driver sends it
              one frame of 65537 bytes; libzmq drops that connection and the PULL's recv gives EAGAIN
  push-reads  (MI-6) a bound PUSH; a hand-written ZMTP 3.0 PULL connects, then sends a frame header
              declaring 2**60 bytes; libzmq's PUSH reads it and closes the connection within 2 s
  poll        (DP-1, DP-2) `poll` with no items and with an item without `events`; libzmq answers
              {"ready": []} after timeout_ms
  maxmsgsize-rep  (RR-12) `setsockopt maxmsgsize 100` on a REP, as test_multipart_message_cut_short_by_
              the_receiver_is_not_delivered_in_part does; libzmq answers {}
  rcvhwm-sub  (PS-12) `setsockopt sndhwm 100` on a PUB and `rcvhwm 10` on a SUB, as test_the_publisher_
              drops_a_full_subscribers_messages_and_keeps_going does; libzmq answers {} to both
  sndhwm-xpub (PS-19) `setsockopt sndhwm` 100, then 11024, on an XPUB, as test_hwm.py's PS-19 tests do
              first; libzmq answers {} to each
  connect-before-greeting  (PS-17) a SUB connects to a hand-written ZMTP 3.0 PUB that has a listening
              TCP socket but accepts and greets only once `connect` has answered (or 3 s have passed),
              as test_a_sub_drops_what_does_not_match_even_from_a_publisher_that_sends_everything's
              publisher does; libzmq's connect answers at once
  pub-memory  (PS-18) the same command's weather-pub (the driver command with `driver` replaced by
              `weather-pub --rate 0`), a SUB of the driver that takes one update and then reads
              nothing, and a counting SUB (pyzmq, CONFLATE) that reads the newest seq; the
              weather-pub's resident memory (psutil) is sampled until it has published 1 000 000
              updates or grown by 32 MB; libzmq's PUB drops at its high-water mark and stays flat

usage (from the repository root):
  python implementations/zmq4/repro/driver_lines.py "implementations/zmq4/bin/zmq4node driver" [CASE ...]
  python implementations/zmq4/repro/driver_lines.py "python -m zmqspec driver"     (libzmq: all ok)
"""
import json
import select
import shlex
import socket
import subprocess
import sys
import time

GREETING = b"\xff" + bytes(8) + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\0") + b"\0" + bytes(31)


class Driver:
    def __init__(self, command: str):
        self.command = command
        self.p = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.p.stdout.readline().startswith("ZMQSPEC READY")
        self.seq = 0

    def __call__(self, cmd: str, show: bool = True, **fields):
        self.ask(cmd, show, **fields)
        return self.answer(show)

    def ask(self, cmd: str, show: bool = True, **fields) -> None:
        """Write one request line; its answer is read by answer()."""
        self.seq += 1
        line = json.dumps({"seq": self.seq, "cmd": cmd, **fields})
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        if show:
            print("  >", line if len(line) < 200 else line[:120] + f"... ({len(line)} characters)")

    def answer(self, show: bool = True, within: float | None = None):
        """The answer to the last request, or None when none came within `within` seconds (the driver
        writes one line per request, so nothing of a later answer can sit in the pipe's buffer)."""
        if within is not None and not select.select([self.p.stdout], [], [], within)[0]:
            return None
        answer = self.p.stdout.readline().rstrip("\n")
        if show:
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


def answered(reply) -> object:
    return reply.get("ok", reply.get("error"))


def options(driver, name: str, settings) -> bool:
    """Each (option, value) of `settings` set on a new socket of the type it goes with, as the test does."""
    answers = []
    for kind, pairs in settings:
        sock = driver("socket", type=kind)["ok"]["socket"]
        answers += [(kind, option, value, driver("setsockopt", socket=sock, option=option, value=value))
                    for option, value in pairs]
        driver("close", socket=sock)
    fine = all("ok" in reply for *_, reply in answers)
    print(("ok" if fine else "DEVIATION") + f": {name}: " + "; ".join(
        f"{option} {value} on {'an' if kind[0] == 'X' else 'a'} {kind}: {answered(reply)}" for kind, option, value, reply in answers)
        + " (libzmq: {} to each)")
    return fine


def maxmsgsize_rep(driver) -> bool:
    return options(driver, "maxmsgsize-rep", [("REP", [("maxmsgsize", 100)])])


def rcvhwm_sub(driver) -> bool:
    return options(driver, "rcvhwm-sub", [("PUB", [("sndhwm", 100)]), ("SUB", [("rcvhwm", 10)])])


def sndhwm_xpub(driver) -> bool:
    return options(driver, "sndhwm-xpub", [("XPUB", [("sndhwm", 100), ("sndhwm", 11024)])])


def read_exact(conn, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        assert chunk, f"the SUB closed the connection after {len(data)} of {n} bytes"
        data += chunk
    return data


def read_frame(conn) -> tuple[int, bytes]:
    """One ZMTP 3.0 frame: its flags and its body."""
    flags = read_exact(conn, 1)[0]
    size = int.from_bytes(read_exact(conn, 8 if flags & 0x02 else 1), "big")
    return flags, read_exact(conn, size)


GREET_AFTER = 3.0  # seconds the hand-written PUB waits for the connect's answer before it accepts anyway


def connect_before_greeting(driver) -> bool:
    server = socket.create_server(("127.0.0.1", 0))
    endpoint = "tcp://127.0.0.1:%d" % server.getsockname()[1]
    try:
        sub = driver("socket", type="SUB")["ok"]["socket"]
        driver("setsockopt", socket=sub, option="subscribe", value=b"A".hex())
        print(f"  (a hand-written ZMTP 3.0 PUB listens on {endpoint}; it accepts and greets only once the"
              f" connect has answered, or after {GREET_AFTER:.0f} s)")
        start = time.monotonic()
        driver.ask("connect", socket=sub, endpoint=endpoint)
        early = driver.answer(within=GREET_AFTER)
        waited = time.monotonic() - start
        if early is None:
            print(f"  (no answer to connect after {waited:.1f} s; the PUB accepts and greets now)")
        server.settimeout(5)
        conn, _ = server.accept()
        conn.settimeout(5)
        ready = b"\x05READY" + b"\x0bSocket-Type" + (3).to_bytes(4, "big") + b"PUB"
        conn.sendall(GREETING + bytes([4, len(ready)]) + ready)
        greeting = read_exact(conn, 64)
        _, command = read_frame(conn)
        late = driver.answer(within=5) if early is None else None
        if early is None:
            print(f"  (the connect answered {time.monotonic() - start:.1f} s after it was sent, once greeted:"
                  f" {answered(late) if late else 'still nothing'})")
        _, subscription = read_frame(conn)
        print(f"  (the PUB got the SUB's greeting, version {greeting[10]}.{greeting[11]}, its"
              f" {command[1:1 + command[0]].decode()} and the subscription {subscription!r})")
        conn.close()
        driver("close", socket=sub)
    finally:
        server.close()
    fine = early is not None and "ok" in early
    print(("ok" if fine else "DEVIATION") + ": connect-before-greeting: "
          + (f"connect answered {answered(early)} after {waited * 1000:.0f} ms, before any ZMTP byte" if early
             else f"no answer to connect within {GREET_AFTER:.0f} s of a peer that greets only afterwards")
          + " (libzmq: {} at once)")
    return fine


UPDATES = 1_000_000  # published after the SUB stopped reading; a 1000-message high-water mark drops nearly all
GROWTH_LIMIT = 32 * 2**20  # bytes; libzmq's weather-pub grew by well under 1 MB over them (DEVIATIONS.md)
PUBLISH_DEADLINE = 60.0  # seconds


def pub_memory(driver) -> bool:
    import psutil
    import zmq

    words = shlex.split(driver.command)
    assert words[-1] == "driver", f"pub-memory needs a driver command ending in 'driver': {driver.command}"
    node_command = words[:-1] + ["weather-pub", "--rate", "0"]
    print(f"  (started: {' '.join(node_command)})")
    node = subprocess.Popen(node_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    context = zmq.Context()
    counter = context.socket(zmq.SUB)
    try:
        ready = node.stdout.readline()
        endpoint = json.loads(ready.split(None, 2)[2])["pub"][0]
        sub = driver("socket", type="SUB")["ok"]["socket"]
        driver("setsockopt", socket=sub, option="subscribe", value="")
        driver("connect", socket=sub, endpoint=endpoint)
        driver("recv", socket=sub, timeout_ms=10000)  # one update: the subscription is in; it reads no more
        counter.setsockopt(zmq.CONFLATE, 1)
        counter.setsockopt(zmq.SUBSCRIBE, b"")
        counter.connect(endpoint)
        assert counter.poll(10000), "the counting SUB got no update in 10 s"
        last = int(counter.recv().split()[3])
        process = psutil.Process(node.pid)
        before = process.memory_info().rss
        published, growth, start, samples = 0, 0, time.monotonic(), []
        while published < UPDATES and growth < GROWTH_LIMIT and time.monotonic() - start < PUBLISH_DEADLINE:
            if counter.poll(50):
                seq = int(counter.recv().split()[3])
                published += (seq - last) % 1_000_000  # weather-pub's seq wraps after 999999
                last = seq
            growth = process.memory_info().rss - before
            samples.append((published, growth))
        seconds = time.monotonic() - start
        shown = samples[:: max(1, len(samples) // 8)][:8] + samples[-1:]
        print(f"  (weather-pub's RSS before: {before / 2**20:.1f} MB; then, as updates published: growth: "
              + ", ".join(f"{n}: {g / 2**20:+.1f} MB" for n, g in shown) + ")")
        driver("close", socket=sub)
    finally:
        counter.close(linger=0)
        context.term()
        node.stdin.close()
        try:
            node.wait(15)  # zmq4's weather-pub gives its PUB's queue up to 10 s to drain
        except subprocess.TimeoutExpired:
            node.kill()
            node.wait()
    fine = growth < GROWTH_LIMIT and published >= UPDATES
    verdict = "ok" if fine else "DEVIATION" if growth >= GROWTH_LIMIT else "INCONCLUSIVE"
    print(f"{verdict}: pub-memory: weather-pub's memory grew by {growth / 2**20:.1f} MB while {published} updates"
          f" were published in {seconds:.1f} s to a SUB that reads nothing (limit {GROWTH_LIMIT // 2**20} MB over"
          f" {UPDATES}; libzmq: it drops at the high-water mark and stays under it)")
    return fine


CASES = (maxmsgsize, push_reads, poll, maxmsgsize_rep, rcvhwm_sub, sndhwm_xpub, connect_before_greeting, pub_memory)


def main() -> int:
    names = {case.__name__.replace("_", "-"): case for case in CASES}
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help") or not set(sys.argv[2:]) <= set(names):
        print(__doc__)
        return 0 if sys.argv[1:] in (["-h"], ["--help"]) else 2
    driver = Driver(sys.argv[1])
    results = []
    try:
        for case in [names[name] for name in sys.argv[2:]] or CASES:
            print(f"{case.__name__.replace('_', '-')}:")
            results.append(case(driver))
    finally:
        driver.close()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
