"""RR-21 and RR-22 in driver lines: a stack's REQ (through its driver) against a ZMTP 3.0 server
written by hand, which writes exactly the bytes of each case, in one write.

  second-reply   the server answers 'one' with two replies in ONE write; the REQ sends 'two';
                 libzmq's REQ drops the second reply (queued before 'two' was sent) and hands
                 over 'reply two'
  no-delimiter, address-first, delimiter-only
                 the server answers 'one' with a reply whose envelope is broken, then a good
                 reply, in one write; libzmq's REQ closes the connection (protocol error) and
                 hands over nothing; a REQ may instead drop the bad reply and hand over the good

Prints one line per case, "ok: ..." or "DEVIATION: ...", and exits 1 when any case deviates.

usage (from the repository root, with the project's Python):
  python implementations/repro/req_hostile_server.py "implementations/zmq4/bin/zmq4node driver"
  python implementations/repro/req_hostile_server.py "python -m zmqspec driver"     (libzmq: all ok)
"""
import json
import shlex
import socket
import subprocess
import sys

GREETING = b"\xff" + bytes(8) + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\0") + b"\0" + bytes(31)


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


class Server:
    """Listen; the REQ connects; greet (ROUTER) and read its greeting and READY in a thread-free
    order that also suits a connect that waits for the handshake: greet first, read after."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.endpoint = "tcp://127.0.0.1:%d" % self.listener.getsockname()[1]

    def accept(self):
        self.conn, _ = self.listener.accept()
        self.conn.settimeout(10)
        ready = b"\x05READY" + b"\x0bSocket-Type" + (6).to_bytes(4, "big") + b"ROUTER"
        self.conn.sendall(GREETING + frame(ready, command=True))
        self.read(64)
        self.read_message()  # its READY (a command: skipped) and then nothing: read_message skips

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
    import threading
    t = threading.Thread(target=server.accept)
    t.start()
    driver("connect", socket=req, endpoint=server.endpoint)
    t.join(10)
    return req


def second_reply(driver) -> bool:
    server = Server()
    req = open_req(driver, server)
    driver("send", socket=req, frames=hex_frames(b"one"))
    server.read_message(commands_only=False)
    server.conn.sendall(message(b"", b"reply one") + message(b"", b"second reply to one"))
    first = driver("recv", socket=req, timeout_ms=5000)
    driver("send", socket=req, frames=hex_frames(b"two"))
    server.read_message(commands_only=False)
    server.conn.sendall(message(b"", b"reply two"))
    second = driver("recv", socket=req, timeout_ms=5000)
    fine = got(second) == repr([b"reply two"])
    print(("ok" if fine else "DEVIATION") + f": second-reply: the reply to 'one' was {got(first)}, "
          f"to 'two' {got(second)} (libzmq: [b'reply two'])")
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
    print(("ok" if fine else "DEVIATION") + f": {name}: the REQ's recv gave {got(reply)}; connection closed by "
          f"the REQ: {closed} (libzmq: EAGAIN, closed)")
    return fine


def main() -> int:
    driver = Driver(sys.argv[1])
    try:
        results = [second_reply(driver),
                   broken(driver, "no-delimiter", [b"no delimiter"]),
                   broken(driver, "address-first", [b"address", b"", b"body"]),
                   broken(driver, "delimiter-only", [b""])]
    finally:
        driver.close()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
