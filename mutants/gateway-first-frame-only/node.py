"""Mutant gateway: forwards only the first frame of each request and of each reply.

The bug: `recv_multipart()[0]` where the whole message was meant.
Caught by RR-12 (a multipart message arrives whole or not at all).
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import gateway


def relay(args) -> int:
    import zmq

    ctx = _kit.context(args)
    frontend, backend = ctx.socket(zmq.REP), ctx.socket(zmq.REQ)
    bound_front = _kit.attach(frontend, args.frontend_bind, args.frontend_connect, _kit.DEFAULT_BIND)
    bound_back = _kit.attach(backend, args.backend_bind, args.backend_connect)
    _kit.ready(frontend=bound_front, backend=bound_back)
    _kit.quit_on_stdin_eof()
    while True:
        backend.send(frontend.recv_multipart()[0])  # the bug: the other frames are dropped
        frontend.send(backend.recv_multipart()[0])


gateway.relay = relay

if __name__ == "__main__":
    sys.exit(gateway.main(sys.argv[1:]))
