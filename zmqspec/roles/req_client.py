"""req-client: the seed's alternating client (catalogue RR-2, RR-4).

One REQ socket connected to every server. For each line read from standard
input after the prompt ``>> `` it prints ``SENDING: {line}``, sends it, waits
for the reply and prints ``RECEIVED: {message} FROM {name}`` (the reply split
at its first comma). After the reply to ``bye`` it exits 0; end of input also
ends it with status 0, at once, even while it waits for a reply that may never
come (NC-3): once input has ended, a reply gets one second more.

A malformed reply is said in one line on stderr and the client goes on: a
reply without a comma is printed whole, with an empty name; of a reply of
several frames only the first is printed.
"""

from __future__ import annotations

import queue
import sys
import threading
import time

from zmqspec.roles import _kit

ROLE = "req-client"
GRACE = 1.0  # seconds a reply still gets once standard input has ended
POLL_MS = 100  # how often a reply wait looks at whether standard input has ended


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: converse(args))


def converse(args) -> int:
    import zmq

    sock = _kit.context(args).socket(zmq.REQ)
    bound = _kit.attach_socket(sock, args, ROLE, "req")
    _kit.ready(req=bound)
    typed = Typed()
    while True:
        _kit.say(">> ", end="")
        raw = typed.next_line()  # bytes: a line that is not UTF-8 is sent as it is
        if not raw:
            sock.linger = 0  # end of input beats the request still queued for a server that is gone
            return 0
        raw = raw.rstrip(b"\r\n")
        line = raw.decode("utf-8", "backslashreplace")
        _kit.say(f"SENDING: {line}")
        sock.send(raw)
        frames = typed.reply(sock)
        if frames is None:
            sock.linger = 0  # end of input beats a reply from a server that is gone
            return 0
        if len(frames) > 1:
            _kit.warn(ROLE, f"reply has {len(frames)} frames; printing the first only")
        reply = frames[0].decode("utf-8", "backslashreplace")
        name, comma, message = reply.partition(",")
        if not comma:
            _kit.warn(ROLE, f"reply has no 'name,' in front: {reply[:40]!r}")
            name, message = "", reply
        _kit.say(f"RECEIVED: {message} FROM {name}")
        if line == "bye":
            return 0


class Typed:
    """Standard input read by a thread, a line at a time, so that its end is seen while the REQ
    waits for a reply: from then on a reply gets :data:`GRACE` seconds, and one that does not come
    (its server is gone) ends the node with status 0 (NC-3). A script piped in whole still gets
    every reply from servers that answer."""

    def __init__(self):
        self._lines: queue.Queue[bytes] = queue.Queue()
        self.ended_at: float | None = None
        threading.Thread(target=self._read, name="stdin", daemon=True).start()

    def _read(self) -> None:
        stream = sys.stdin.buffer if sys.stdin else None
        while stream is not None and (raw := stream.readline()):
            self._lines.put(raw)
        self.ended_at = time.monotonic()
        self._lines.put(b"")

    def next_line(self) -> bytes:
        return self._lines.get()

    def reply(self, sock) -> list[bytes] | None:
        """The reply to the request just sent, or None when input has ended and it did not come
        within GRACE seconds of the end (or of the request, whichever is later)."""
        sent = time.monotonic()
        while not sock.poll(POLL_MS):
            if self.ended_at is not None and time.monotonic() - max(sent, self.ended_at) > GRACE:
                return None
        return sock.recv_multipart()
