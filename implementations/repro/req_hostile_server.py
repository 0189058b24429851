"""RR-21 .. RR-24 in driver lines and node runs: a stack's REQ (through its driver), req-client and
gateway against a server written by hand, which writes exactly the bytes of each case, in one write.
It speaks ZMTP 3.0, or ZMTP/2.0 (RFC 15) to a stack that answers its signature with revision 1
(JeroMQ 0.3.6), as the suite's server does (zmqspec/harness/zmtp.py, handshake_either).

  second-reply   (RR-21) the server answers 'one' with two replies in ONE write; the REQ sends
                 'two'; libzmq's REQ drops the second reply (queued before 'two' was sent) and
                 hands over 'reply two'
  late-reply     (RR-21) 'one' is answered, then after 'two' the server writes a late reply to 'one'
                 and 'reply two' in one write: the REQ hands over the late one for 'two' (a plain
                 REQ cannot tell them apart) and drops 'reply two', so 'three' gets 'reply three'
  no-delimiter, address-first, delimiter-only
                 (RR-22) the server answers 'one' with a reply whose envelope is broken, then a
                 good reply, in one write; libzmq's REQ closes the connection (protocol error) and
                 hands over nothing; a REQ may instead drop the bad reply and hand over the good
  unasked        (RR-11, the cause of RR-24's gateway-unasked) a REQ connected to two servers sends
                 'one'; the server not asked writes a reply first, then the asked one: libzmq's
                 REQ hands over only the asked server's reply
  req-client     (RR-23, with --req-client) the req-client's line 'one' is answered twice in one
                 write; for the line 'two' it must print 'two', never the second reply to 'one'
  gateway-second (RR-24, with --gateway) the gateway's backend gets 'one' from a first client and
                 two replies in one write; a second client's 'two' must not get the second reply
  gateway-unasked
                 (RR-24, with --gateway) two servers behind the gateway; the one not asked writes a
                 reply first: it must not be relayed (RFC 28)

Prints one line per case, "ok: ..." or "DEVIATION: ..." (the protocol the server spoke at the end,
[ZMTP 3.0] or [ZMTP/2.0]), and exits 1 when any case deviates.

usage (from the repository root, with the project's Python):
  python implementations/repro/req_hostile_server.py "implementations/zmq4/bin/zmq4node driver"
  python implementations/repro/req_hostile_server.py "python -m zmqspec driver"     (libzmq: all ok)
  python implementations/repro/req_hostile_server.py DRIVER --req-client "CMD req-client" --gateway "CMD gateway"
      (the node cases too; the gateway's clients are REQs of DRIVER)
"""
import json
import queue
import selectors
import shlex
import socket
import subprocess
import sys
import threading

GREETING = b"\xff" + bytes(8) + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\0") + b"\0" + bytes(31)
ROUTER_ZMTP2 = 6  # RFC 15: the socket-type byte of a ZMTP/2.0 greeting


def frame(body: bytes, more: bool = False, command: bool = False) -> bytes:
    flags = (1 if more else 0) | (4 if command else 0)
    if len(body) > 255:
        return bytes([flags | 2]) + len(body).to_bytes(8, "big") + body
    return bytes([flags, len(body)]) + body


def message(*frames: bytes) -> bytes:
    return b"".join(frame(f, more=i < len(frames) - 1) for i, f in enumerate(frames))


class Driver:
    def __init__(self, command: str):
        self.p = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.p.stdout.readline().startswith("ZMQSPEC READY")
        self.seq = 0

    def __call__(self, cmd: str, **fields):
        self.seq += 1
        self.p.stdin.write(json.dumps({"seq": self.seq, "cmd": cmd, **fields}) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)


class Node:
    """A node started with ``command`` plus ``args``; its output read by a thread (a stack whose
    connect waits for the handshake prints its ready line only once the server has greeted), so
    that every wait here has a deadline."""

    def __init__(self, command: str, *args: str):
        self.p = subprocess.Popen(shlex.split(command) + list(args), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.ready = None

    def _read(self):
        for line in self.p.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_line(self, what: str) -> str:
        try:
            line = self.lines.get(timeout=10)
        except queue.Empty:
            raise AssertionError(f"{what}: nothing printed within 10 s") from None
        assert line is not None, f"{what}: the node ended"
        return line

    def wait_ready(self):
        while self.ready is None:
            line = self.next_line("the ready line")
            if line.startswith("ZMQSPEC READY "):
                self.ready = json.loads(line[len("ZMQSPEC READY "):])

    def line(self, text: str):
        self.p.stdin.write(text + "\n")
        self.p.stdin.flush()

    def received(self) -> str:
        """The next line the node prints that holds 'RECEIVED: ' (the prompt '>> ' stripped)."""
        while True:
            line = self.next_line("a RECEIVED line")
            if "RECEIVED: " in line:
                return line[line.index("RECEIVED: "):].rstrip("\n")

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.terminate()
            self.p.wait(5)


class Server:
    """Listen; the REQ connects; greet (ROUTER) and read its greeting in a thread, so that a
    connect that waits for the handshake is answered. ZMTP 3.0, or ZMTP/2.0 to a peer that
    answers the signature with revision 1."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.endpoint = "tcp://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.version = None
        self.thread = threading.Thread(target=self.accept)
        self.thread.start()

    def accept(self):
        self.conn, _ = self.listener.accept()
        self.conn.settimeout(10)
        self.conn.sendall(GREETING[:10])
        signature = self.read(11)
        if signature[10] >= 3:
            ready = b"\x05READY" + b"\x0bSocket-Type" + (6).to_bytes(4, "big") + b"ROUTER"
            self.conn.sendall(GREETING[10:] + frame(ready, command=True))
            self.read(53)
            self.read_message()  # its READY (a command: skipped)
            self.version = "ZMTP 3.0"
        else:
            self.conn.sendall(bytes([1, ROUTER_ZMTP2]) + frame(b""))  # revision 1, ROUTER, empty identity
            self.read(1)  # its socket type
            self.read_message(commands_only=False)  # its identity frame
            self.version = "ZMTP/2.0"

    def wait(self):
        self.thread.join(10)
        assert self.version, "no connection and handshake within 10 s"

    def read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.conn.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def read_message(self, commands_only: bool = True) -> list:
        frames = []
        while True:
            flags, size = self.read(2)
            if flags & 2:
                size = int.from_bytes(bytes([size]) + self.read(7), "big")
            body = self.read(size)
            if flags & 4:
                if commands_only:
                    return []
                continue
            frames.append(body)
            if not flags & 1:
                return frames

    def closed(self) -> bool:
        self.conn.settimeout(0.5)
        try:
            return self.conn.recv(1) == b""
        except (TimeoutError, ConnectionResetError) as exc:
            return isinstance(exc, ConnectionResetError)


def hex_frames(*frames: bytes) -> list:
    return [f.hex() for f in frames]


def got(reply) -> str:
    if "ok" in reply:
        return repr([bytes.fromhex(f) for f in reply["ok"]["frames"]])
    return reply["error"]["errno"] + ": " + reply["error"].get("message", "")


def open_req(driver, server):
    req = driver("socket", type="REQ")["ok"]["socket"]
    driver("connect", socket=req, endpoint=server.endpoint)
    server.wait()
    return req


def exchange(driver, req, server, request: bytes, *replies: bytes) -> dict:
    """The REQ sends ``request``; the hand-written server reads it and writes ``replies`` (each
    ``['', reply]``) in one write; returns the driver's answer to the REQ's receive (5 s)."""
    driver("send", socket=req, frames=hex_frames(request))
    server.read_message(commands_only=False)
    server.conn.sendall(b"".join(message(b"", reply) for reply in replies))
    return driver("recv", socket=req, timeout_ms=5000)


def second_reply(driver) -> bool:
    server = Server()
    req = open_req(driver, server)
    first = exchange(driver, req, server, b"one", b"reply one", b"second reply to one")
    second = exchange(driver, req, server, b"two", b"reply two")
    fine = got(second) == repr([b"reply two"])
    print(("ok" if fine else "DEVIATION") + f": second-reply: the reply to 'one' was "
          f"{got(first)}, to 'two' {got(second)} (libzmq: [b'reply two']) [{server.version}]")
    return fine


def late_reply(driver) -> bool:
    server = Server()
    req = open_req(driver, server)
    exchange(driver, req, server, b"one", b"reply one")
    second = exchange(driver, req, server, b"two", b"late reply to one", b"reply two")
    third = exchange(driver, req, server, b"three", b"reply three")
    fine = got(third) == repr([b"reply three"])
    print(("ok" if fine else "DEVIATION") + f": late-reply: the reply to 'two' was {got(second)}, to 'three' "
          f"{got(third)} (libzmq: [b'late reply to one'], then [b'reply three']) [{server.version}]")
    return fine


def broken(driver, name: str, frames: list) -> bool:
    server = Server()
    req = open_req(driver, server)
    driver("send", socket=req, frames=hex_frames(b"one"))
    server.read_message(commands_only=False)
    server.conn.sendall(message(*frames) + message(b"", b"good reply"))
    reply = driver("recv", socket=req, timeout_ms=3000)
    closed = server.closed()
    fine = got(reply) == repr([b"good reply"]) or ("ok" not in reply and reply["error"]["errno"] == "EAGAIN" and closed)
    print(("ok" if fine else "DEVIATION") + f": {name}: the REQ's recv gave {got(reply)}; "
          f"connection closed by the REQ: {closed} (libzmq: EAGAIN, closed) [{server.version}]")
    return fine


def ask_one_answer_from_both(driver, req: str, servers: list) -> tuple:
    """The driver's REQ ``req`` sends 'one'; the server it reached is the asked one. The other server
    writes a reply first, then the asked one answers; returns (the asked server, the REQ's receive)."""
    driver("send", socket=req, frames=hex_frames(b"one"))
    with selectors.DefaultSelector() as waiting:
        for server in servers:
            waiting.register(server.conn, selectors.EVENT_READ, server)
        readable = waiting.select(10)
    assert readable, "the request reached neither server within 10 s"
    asked = readable[0][0].data
    asked.read_message(commands_only=False)
    other = servers[1 - servers.index(asked)]
    other.conn.sendall(message(b"", b"unasked reply"))
    asked.conn.sendall(message(b"", b"reply one"))
    return asked, driver("recv", socket=req, timeout_ms=5000)


def unasked(driver) -> bool:
    servers = [Server(), Server()]
    req = driver("socket", type="REQ")["ok"]["socket"]
    for server in servers:  # both connects first, then both handshakes: as the gateway does
        driver("connect", socket=req, endpoint=server.endpoint)
    for server in servers:
        server.wait()
    asked, reply = ask_one_answer_from_both(driver, req, servers)
    fine = got(reply) == repr([b"reply one"])
    print(("ok" if fine else "DEVIATION") + f": unasked: a REQ connected to two servers handed over {got(reply)} "
          f"(libzmq: [b'reply one']) [{asked.version}]")
    return fine


def req_client(command: str) -> bool:
    server = Server()
    client = Node(command, "--connect", server.endpoint)
    try:
        server.wait()
        client.wait_ready()
        client.line("one")
        server.read_message(commands_only=False)
        server.conn.sendall(message(b"", b"S,one") + message(b"", b"S,unasked"))
        first = client.received()
        client.line("two")
        server.read_message(commands_only=False)
        server.conn.sendall(message(b"", b"S,two"))
        second = client.received()
    finally:
        client.close()
    fine = second == "RECEIVED: two FROM S"
    print(("ok" if fine else "DEVIATION") + f": req-client: printed {first!r} for 'one', "
          f"{second!r} for 'two' (libzmq: 'RECEIVED: two FROM S') [{server.version}]")
    return fine


def gateway_second(driver, command: str) -> bool:
    server = Server()
    gateway = Node(command, "--backend-connect", server.endpoint)
    try:
        server.wait()
        gateway.wait_ready()
        clients = []
        for _ in range(2):
            client = driver("socket", type="REQ")["ok"]["socket"]
            driver("connect", socket=client, endpoint=gateway.ready["frontend"][0])
            clients.append(client)
        driver("send", socket=clients[0], frames=hex_frames(b"one"))
        server.read_message(commands_only=False)
        server.conn.sendall(message(b"", b"reply one") + message(b"", b"second reply to one"))
        first = driver("recv", socket=clients[0], timeout_ms=5000)
        driver("send", socket=clients[1], frames=hex_frames(b"two"))
        server.read_message(commands_only=False)
        server.conn.sendall(message(b"", b"reply two"))
        second = driver("recv", socket=clients[1], timeout_ms=5000)
    finally:
        gateway.close()
    fine = got(second) != repr([b"second reply to one"]) and "ok" in second
    print(("ok" if fine else "DEVIATION") + f": gateway-second: client 1 got {got(first)}, "
          f"client 2 got {got(second)} for 'two' (libzmq: [b'reply two']) [{server.version}]")
    return fine


def gateway_unasked(driver, command: str) -> bool:
    servers = [Server(), Server()]
    gateway = Node(command, *[a for s in servers for a in ("--backend-connect", s.endpoint)])
    try:
        for server in servers:
            server.wait()
        gateway.wait_ready()
        client = driver("socket", type="REQ")["ok"]["socket"]
        driver("connect", socket=client, endpoint=gateway.ready["frontend"][0])
        asked, reply = ask_one_answer_from_both(driver, client, servers)
    finally:
        gateway.close()
    fine = got(reply) == repr([b"reply one"])
    print(("ok" if fine else "DEVIATION") + f": gateway-unasked: the client got {got(reply)} "
          f"(libzmq: [b'reply one']) [{asked.version}]")
    return fine


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help") or len(args) % 2 != 1:
        print(__doc__)
        return 0 if args and args[0] in ("-h", "--help") else 2
    nodes = dict(zip(args[1::2], args[2::2]))
    unknown = set(nodes) - {"--req-client", "--gateway"}
    if unknown:
        print(f"req_hostile_server.py: unknown option {sorted(unknown)[0]}", file=sys.stderr)
        return 2
    driver = Driver(args[0])
    try:
        results = [second_reply(driver),
                   late_reply(driver),
                   broken(driver, "no-delimiter", [b"no delimiter"]),
                   broken(driver, "address-first", [b"address", b"", b"body"]),
                   broken(driver, "delimiter-only", [b""]),
                   unasked(driver)]
        if "--req-client" in nodes:
            results.append(req_client(nodes["--req-client"]))
        if "--gateway" in nodes:
            results += [gateway_second(driver, nodes["--gateway"]), gateway_unasked(driver, nodes["--gateway"])]
    finally:
        driver.close()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
