"""req-client: the seed's alternating client (catalogue RR-2, RR-4).

One REQ socket connected to every server. For each line read from standard
input after the prompt ``>> `` it prints ``SENDING: {line}``, sends it, waits
for the reply and prints ``RECEIVED: {message} FROM {name}`` (the reply split
at its first comma). After the reply to ``bye`` it exits 0; end of input also
ends it with status 0.

A malformed reply is said in one line on stderr and the client goes on: a
reply without a comma is printed whole, with an empty name; of a reply of
several frames only the first is printed.
"""

from __future__ import annotations

import sys

from zmqspec.roles import _kit

ROLE = "req-client"


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: converse(args))


def converse(args) -> int:
    import zmq

    sock = _kit.context(args).socket(zmq.REQ)
    bound = _kit.attach_socket(sock, args, ROLE, "req")
    _kit.ready(req=bound)
    while True:
        _kit.say(">> ", end="")
        raw = sys.stdin.buffer.readline()  # bytes: a line that is not UTF-8 is sent as it is
        if not raw:
            return 0
        raw = raw.rstrip(b"\r\n")
        line = raw.decode("utf-8", "backslashreplace")
        _kit.say(f"SENDING: {line}")
        sock.send(raw)
        frames = sock.recv_multipart()
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
