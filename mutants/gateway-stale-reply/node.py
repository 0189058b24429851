"""Mutant gateway: answers each request with the reply to the request before it.

The bug: a reply buffer that is sent before it is refilled. The first
request gets its own reply; every later one gets its predecessor's.
Caught by RR-7 (through a gateway the client gets the same replies).
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
    previous = None
    while True:
        backend.send_multipart(frontend.recv_multipart())
        reply = backend.recv_multipart()
        frontend.send_multipart(previous or reply)  # the bug: previous, not reply
        previous = reply


gateway.relay = relay

if __name__ == "__main__":
    sys.exit(gateway.main(sys.argv[1:]))
