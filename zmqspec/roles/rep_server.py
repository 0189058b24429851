"""rep-server: the seed's echo server (catalogue RR-1).

It prints ``STARTING SERVER``, binds, prints ``READY``, then answers each
request ``m`` with ``{name},{m}``. A multipart request gets the name prefixed
to its first frame; the other frames come back unchanged.
"""

from __future__ import annotations

from zmqspec.roles import _kit

ROLE = "rep-server"


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: serve(args))


def serve(args) -> int:
    import zmq

    _kit.say("STARTING SERVER")
    ctx = _kit.context(args)
    sock = ctx.socket(zmq.REP)
    bound = _kit.attach_socket(sock, args, ROLE, "rep")
    _kit.say("READY")
    _kit.ready(rep=bound)
    _kit.quit_on_stdin_eof()
    prefix = args.name.encode() + b","
    while True:
        frames = sock.recv_multipart()
        message = frames[0].decode("utf-8", "backslashreplace")
        _kit.say(f"RECEIVED: {message}")
        _kit.say(f"SENDING:  {args.name},{message}")
        sock.send_multipart([prefix + frames[0], *frames[1:]])
