"""rep-server: the seed's echo server (catalogue RR-1).

It prints ``STARTING SERVER``, binds, prints ``READY``, then answers each
request ``m`` with ``{name},{m}``. A multipart request gets the name prefixed
to its first frame; the other frames come back unchanged.
"""

from __future__ import annotations

from zmqspec import _node

ROLE = "rep-server"


def main(argv: list[str]) -> int:
    p = _node.parser(ROLE, __doc__)
    p.add_argument("--name", default="server", help="the name put in front of every reply (default: server)")
    _node.endpoint_options(p, "REP")
    args = p.parse_args(argv)
    return _node.run(ROLE, lambda: serve(args))


def serve(args) -> int:
    import zmq

    _node.say("STARTING SERVER")
    ctx = _node.context(args)
    sock = ctx.socket(zmq.REP)
    bound = _node.attach(sock, args.bind, args.connect, _node.DEFAULT_BIND)
    _node.say("READY")
    _node.ready(rep=bound)
    _node.quit_on_stdin_eof()
    prefix = args.name.encode() + b","
    while True:
        frames = sock.recv_multipart()
        message = frames[0].decode("utf-8", "backslashreplace")
        _node.say(f"RECEIVED: {message}")
        _node.say(f"SENDING:  {args.name},{message}")
        sock.send_multipart([prefix + frames[0], *frames[1:]])
