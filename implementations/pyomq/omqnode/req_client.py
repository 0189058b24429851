"""req-client: sends each line of stdin on a REQ socket and prints the reply; 'bye' ends it (RR-2, RR-4).

A malformed reply gets one line on stderr and is printed as best it can be
(MI-9): one without a comma whole, with an empty name; of one of several
frames, the first. End of input ends it with status 0 even while it waits for
a reply that may never come (NC-3): standard input is read by a thread, and
once it has ended a reply gets one second more.
"""

import queue
import sys
import threading
import time

import pyomq as zmq

from omqnode import node

GRACE = 1.0  # seconds a reply still gets once standard input has ended
WAIT_MS = 100  # how often a reply wait looks at whether standard input has ended


def main(argv: list[str]) -> int:
    p = node.options("req-client", __doc__)
    node.endpoint_options(p, "req", main=True)
    args = p.parse_args(argv)
    node.need_endpoints(p, args, ("req", "--connect"))
    return node.run("req-client", converse, args, reads_stdin=True)


def converse(n: node.Node, args) -> None:
    req = n.socket(zmq.REQ)
    n.ready(req=n.attach(req, args.req_bind, args.req_connect))
    typed = Typed()
    while True:
        node.say(">> ", end="")
        line = typed.next_line()
        if line is None:
            req.setsockopt(zmq.LINGER, 0)  # end of input beats a request still queued for a server that is gone
            return
        node.say(f"SENDING: {node.shown(line)}")
        req.send(line)
        frames = typed.reply(req)
        if frames is None:
            req.setsockopt(zmq.LINGER, 0)  # end of input beats a reply from a server that is gone
            return
        first, *more = frames
        if more:
            n.warn(f"the reply has {1 + len(more)} frames; printing the first only")
        name, comma, message = node.shown(first).partition(",")
        if not comma:
            n.warn(f"the reply has no 'name,' in front: {node.excerpt(first)}")
            name, message = "", name
        node.say(f"RECEIVED: {message} FROM {name}")
        if line == b"bye":
            return


class Typed:
    """Standard input read by a thread, a line at a time, so that its end is seen while the REQ
    waits for a reply. A script piped in whole still gets every reply from servers that answer."""

    def __init__(self):
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self.ended_at: float | None = None
        threading.Thread(target=self._read, name="stdin", daemon=True).start()

    def _read(self) -> None:
        while (line := node.line()) is not None:
            self._lines.put(line)
        self.ended_at = time.monotonic()
        self._lines.put(None)

    def next_line(self) -> bytes | None:
        return self._lines.get()

    def reply(self, sock: zmq.Socket) -> list[bytes] | None:
        """The reply to the request just sent, or None when input has ended and it did not come
        within GRACE seconds of the end (or of the request, whichever is later). pyomq's REQ keeps
        waiting for the same reply after a receive that timed out (TR-9)."""
        sent = time.monotonic()
        sock.setsockopt(zmq.RCVTIMEO, WAIT_MS)
        while True:
            try:
                return sock.recv_multipart()
            except zmq.Again:
                if self.ended_at is not None and time.monotonic() - max(sent, self.ended_at) > GRACE:
                    return None
