"""The observing sockets: in-process pyzmq sockets the harness itself holds (the `observers` fixture).

The rules say what these are for: seeing what the implementation under
test puts on the wire (an XPUB to see subscriptions, a ROUTER to see a REQ's
envelope, a monitor for connection events) and inproc. Every receive has a
deadline and fails with a sentence saying what did not arrive.
"""

from __future__ import annotations

import zmq

from zmqspec.harness.deadline import scaled
from zmqspec.harness.process import DEADLINE_MARK, DeadlinePassed


class Observers:
    """The observing sockets of one test: in-process pyzmq sockets, closed together when it ends."""

    def __init__(self):
        self.context = zmq.Context()
        self._made: list[zmq.Socket] = []

    def socket(self, kind: int, **options) -> zmq.Socket:
        sock = self.context.socket(kind)
        sock.linger = 0
        for name, value in options.items():
            sock.setsockopt(getattr(zmq, name.upper()), value)
        self._made.append(sock)
        return sock

    def close(self) -> None:
        for sock in self._made:
            sock.close(linger=0)
        self.context.term()


def recv_within(sock: zmq.Socket, timeout: float, what: str) -> list[bytes]:
    """Receive one (multipart) message within ``timeout`` seconds or fail saying ``what`` did not arrive."""
    if not sock.poll(int(scaled(timeout) * 1000)):
        raise DeadlinePassed(f"{DEADLINE_MARK} {what} did not arrive within {scaled(timeout):.1f} s")
    return sock.recv_multipart(zmq.NOBLOCK)


def nothing_waiting(sock: zmq.Socket) -> bool:
    """True when no message is queued right now (check only after proof that others arrived)."""
    return not sock.poll(0)
