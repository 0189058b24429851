"""req-client: the seed's alternating client (catalogue RR-2, RR-4).

One REQ socket connected to every server. For each line read from standard
input after the prompt ``>> `` it prints ``SENDING: {line}``, sends it, waits
for the reply and prints ``RECEIVED: {message} FROM {name}`` (the reply split
at its first comma). After the reply to ``bye`` it exits 0; end of input also
ends it with status 0.
"""

from __future__ import annotations

import sys

from zmqspec import _node

ROLE = "req-client"


def main(argv: list[str]) -> int:
    p = _node.parser(ROLE, __doc__)
    _node.endpoint_options(p, "REQ")
    args = p.parse_args(argv)
    return _node.run(ROLE, lambda: converse(args))


def converse(args) -> int:
    import zmq

    sock = _node.context().socket(zmq.REQ)
    bound = _node.attach(sock, args.bind, args.connect)
    _node.ready(req=bound)
    while True:
        _node.say(">> ", end="")
        line = sys.stdin.readline()
        if not line:
            return 0
        line = line.rstrip("\r\n")
        _node.say(f"SENDING: {line}")
        sock.send_string(line)
        reply = sock.recv().decode("utf-8", "backslashreplace")
        name, comma, message = reply.partition(",")
        if not comma:
            _node.warn(ROLE, f"reply has no 'name,' in front: {reply!r}")
            name, message = "", reply
        _node.say(f"RECEIVED: {message} FROM {name}")
        if line == "bye":
            return 0
