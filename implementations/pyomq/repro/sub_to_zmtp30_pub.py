"""PS-8 with a ZMTP 3.0 publisher: what a pyomq SUB sends as its subscription.

A stand-in publisher on a plain TCP socket greets as ZMTP 3.0 (RFC 23, NULL
mechanism, as JeroMQ 0.6.0, zmq.rs 0.7.0 and go-zeromq/zmq4 0.17.0 do), sends
READY with Socket-Type PUB, and prints the first frame the SUB sends after the
handshake. A ZMTP 3.0 peer knows a subscription only as a message whose first
byte is 1 (RFC 23/29: `\x01` + prefix); the SUBSCRIBE command exists from ZMTP
3.1 (RFC 37) on, and libzmq (4.3.5) sends it only to a peer that greeted 3.1.

Run with pyomq's interpreter:  implementations/pyomq/.venv/bin/python repro/sub_to_zmtp30_pub.py
Exit 0 when the subscription is a 3.0 message, 1 when it is a 3.1 command (the deviation).
"""

import socket
import struct
import sys

import pyomq as zmq

PREFIX = b"KILL"


def greeting(minor: int) -> bytes:
    return b"\xff" + b"\x00" * 8 + b"\x7f" + bytes([3, minor]) + b"NULL".ljust(20, b"\x00") + b"\x00" + b"\x00" * 31


def ready(socket_type: bytes) -> bytes:
    prop = b"\x0bSocket-Type" + struct.pack(">I", len(socket_type)) + socket_type
    body = b"\x05READY" + prop
    return bytes([0x04, len(body)]) + body


def read_exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise SystemExit(f"peer closed after {data!r}")
        data += chunk
    return data


def read_frame(conn: socket.socket) -> tuple[int, bytes]:
    flags = read_exactly(conn, 1)[0]
    size = struct.unpack(">Q", read_exactly(conn, 8))[0] if flags & 0x02 else read_exactly(conn, 1)[0]
    return flags, read_exactly(conn, size)


def main() -> int:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    port = listener.getsockname()[1]
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.subscribe(PREFIX)
    sub.connect(f"tcp://127.0.0.1:{port}")
    conn, _ = listener.accept()
    conn.settimeout(5)
    conn.sendall(greeting(0))
    theirs = read_exactly(conn, 64)
    print(f"pyomq {zmq.__version__} greets as ZMTP {theirs[10]}.{theirs[11]}; the stand-in PUB greets as 3.0")
    flags, body = read_frame(conn)
    assert flags & 0x04 and body.startswith(b"\x05READY"), (flags, body)
    conn.sendall(ready(b"PUB"))
    flags, body = read_frame(conn)
    kind = "command" if flags & 0x04 else "message"
    print(f"first frame after the handshake: {kind} {body!r}")
    conn.close()
    sub.close()
    ctx.term()
    if kind == "message" and body == b"\x01" + PREFIX:
        print("OK: a ZMTP 3.0 subscription message")
        return 0
    print("DEVIATION: a ZMTP 3.0 publisher takes this for nothing it knows (RFC 23 has no SUBSCRIBE "
          "command), so the subscription never takes effect")
    return 1


if __name__ == "__main__":
    sys.exit(main())
