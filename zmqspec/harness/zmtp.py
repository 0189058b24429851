"""A ZMTP 3.0 peer written by hand over TCP: what the harness plays when no ZeroMQ socket would do.

A test needs one to send what no well-behaved socket sends (bytes that are
not ZMTP, a frame over a size limit, a publisher that ignores subscriptions)
and to read what a node puts on the wire, frame by frame. ``Zmtp.connect``
dials a node's endpoint; ``Listener`` waits for a node to dial in. The
greeting announces ZMTP 3.0 with the NULL mechanism, so a libzmq peer sends
subscriptions as messages (``\x01`` + prefix), as RFC 23 (ZMTP 3.0) says.
Every read has the deadline ``WAIT`` and fails with a sentence.
"""

from __future__ import annotations

import socket

from zmqspec.harness.deadline import Deadline
from zmqspec.harness.process import DEADLINE_MARK, DeadlinePassed

WAIT = 10.0  # seconds, stated unscaled: every wait here is a Deadline, which scales it


class Zmtp:
    """One ZMTP 3.0 connection written by hand over TCP: a greeting, a READY, then frames."""

    def __init__(self, conn: socket.socket, socket_type: bytes):
        self.conn, self.socket_type = conn, socket_type
        conn.settimeout(Deadline(WAIT).seconds)

    @classmethod
    def connect(cls, endpoint: str, socket_type: bytes) -> Zmtp:
        host, _, port = endpoint.removeprefix("tcp://").rpartition(":")
        return cls(socket.create_connection((host, int(port)), timeout=Deadline(WAIT).seconds), socket_type)

    @staticmethod
    def greeting(mechanism: bytes = b"NULL") -> bytes:
        # signature (0xFF, 8 bytes of padding, 0x7F), version 3.0, mechanism, as-server, filler: 64 bytes
        return b"\xff" + bytes(8) + b"\x7f" + b"\x03\x00" + mechanism.ljust(20, b"\0") + b"\0" + bytes(31)

    @staticmethod
    def frame(body: bytes, more: bool = False, command: bool = False, size: int | None = None) -> bytes:
        """A frame; ``size`` declares another length than the body's (a lie, for a header alone)."""
        size = len(body) if size is None else size
        flags = (0x01 if more else 0) | (0x04 if command else 0)
        if size > 255:
            return bytes([flags | 0x02]) + size.to_bytes(8, "big") + body
        return bytes([flags, size]) + body

    def handshake(self) -> None:
        """Greet and send READY, then read the node's greeting and its READY command."""
        ready = b"\x05READY" + b"\x0bSocket-Type" + len(self.socket_type).to_bytes(4, "big") + self.socket_type
        self.conn.sendall(self.greeting() + self.frame(ready, command=True))
        greeting = self.read(64)
        assert greeting[0] == 0xFF and greeting[9] == 0x7F and greeting[10] == 3, (
            f"the node's greeting is not ZMTP 3: {greeting!r}"
        )
        flags, size = self.read(2)
        if flags & 0x02:
            size = int.from_bytes(bytes([size]) + self.read(7), "big")
        body = self.read(size)
        assert flags & 0x04 and body.startswith(b"\x05READY"), f"the node sent {body!r}, not its READY command"

    ZMTP2_TYPES = {b"PAIR": 0, b"PUB": 1, b"SUB": 2, b"REQ": 3, b"REP": 4, b"DEALER": 5, b"ROUTER": 6,
                   b"PULL": 7, b"PUSH": 8}  # RFC 15 (ZMTP/2.0), the socket-type byte of the greeting

    def handshake_either(self) -> int:
        """Greet with the signature alone, then speak the version the node answers with: ZMTP 3.0
        (the rest of the greeting and READY, as :meth:`handshake`) or ZMTP/2.0 (RFC 15: revision
        0x01, the socket-type byte, an empty identity frame), for stacks that speak only 2.0.
        Returns the major version spoken, 3 or 1. Frames are alike in both (flags MORE, LONG)."""
        self.conn.sendall(self.greeting()[:10])
        signature = self.read(11)
        assert signature[0] == 0xFF and signature[9] == 0x7F, f"the node's greeting is not ZMTP 2 or 3: {signature!r}"
        if signature[10] >= 3:
            ready = b"\x05READY" + b"\x0bSocket-Type" + len(self.socket_type).to_bytes(4, "big") + self.socket_type
            self.conn.sendall(self.greeting()[10:] + self.frame(ready, command=True))
            self.read(53)
            flags, size = self.read(2)
            if flags & 0x02:
                size = int.from_bytes(bytes([size]) + self.read(7), "big")
            body = self.read(size)
            assert flags & 0x04 and body.startswith(b"\x05READY"), f"the node sent {body!r}, not its READY command"
            return 3
        assert signature[10] == 1, f"the node answered with ZMTP revision {signature[10]}, neither 2.0 nor 3.x"
        self.conn.sendall(bytes([1, self.ZMTP2_TYPES[self.socket_type]]) + self.frame(b""))
        self.read(1)  # the node's socket type
        flags, size = self.read(2)  # its identity frame
        self.read(int.from_bytes(bytes([size]) + self.read(7), "big") if flags & 0x02 else size)
        return 1

    def read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.conn.recv(count - len(data))
            assert chunk, f"the node closed the connection after {len(data)} of {count} bytes"
            data += chunk
        return data

    def read_message(self) -> list[bytes]:
        """Read one message (its frames) the node sent, skipping commands."""
        frames: list[bytes] = []
        while True:
            flags, size = self.read(2)
            if flags & 0x02:
                size = int.from_bytes(bytes([size]) + self.read(7), "big")
            body = self.read(size)
            if flags & 0x04:
                continue  # a command (PING, SUBSCRIBE of ZMTP 3.1): not a message
            frames.append(body)
            if not flags & 0x01:
                return frames

    @classmethod
    def message(cls, *frames: bytes) -> bytes:
        """The bytes of one message of ``frames``: each frame but the last has MORE set."""
        return b"".join(cls.frame(f, more=i < len(frames) - 1) for i, f in enumerate(frames))

    def send(self, *frames: bytes) -> None:
        self.conn.sendall(self.message(*frames))

    def send_together(self, *messages: list[bytes]) -> None:
        """Write several messages in ONE write: on loopback they reach the peer in one segment, so
        a libzmq peer decodes them in one read and makes them visible together (its engine flushes
        its pipe once per read, stream_engine_base.cpp in_event_internal)."""
        self.conn.sendall(b"".join(self.message(*frames) for frames in messages))

    def closed_by_peer(self) -> bool:
        """Whether the node has closed this connection (an end of stream is waiting), without
        waiting: what it sent before that is read and discarded."""
        self.conn.setblocking(False)
        try:
            while self.conn.recv(65536):
                pass  # what came before the end of stream is discarded
            return True
        except BlockingIOError:
            return False
        except ConnectionResetError:
            return True
        finally:
            self.conn.settimeout(Deadline(WAIT).seconds)

    def send_raw(self, data: bytes) -> None:
        """Write bytes; a node that already dropped the connection may refuse the rest."""
        try:
            self.conn.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def wait_closed_by_peer(self, what: str) -> None:
        """Read (and discard) until the node closes the connection."""
        deadline = Deadline(WAIT)
        try:
            while self.conn.recv(65536):
                if deadline.passed():
                    break
            else:
                return
        except ConnectionResetError:
            return
        except TimeoutError:
            pass
        raise DeadlinePassed(f"{DEADLINE_MARK} {what} did not happen within {deadline.seconds:.0f} s: "
                             "the node kept the connection open")

    def close(self) -> None:
        self.conn.close()


class Listener:
    """A plain TCP listener on loopback, for a node that connects to a hand-written ZMTP peer."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(Deadline(WAIT).seconds)
        self.endpoint = "tcp://127.0.0.1:%d" % self.server.getsockname()[1]

    def accept(self, socket_type: bytes, what: str) -> Zmtp:
        try:
            conn, _ = self.server.accept()
        except TimeoutError:
            raise AssertionError(f"{what}: no connection within {self.server.gettimeout():.0f} s") from None
        return Zmtp(conn, socket_type)

    def close(self) -> None:
        self.server.close()
