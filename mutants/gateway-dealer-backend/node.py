"""Mutant gateway: the backend is a DEALER that adds and strips REQ's delimiter by hand.

The bug: a DEALER in place of the backend REQ (to "not get stuck" on a
server that never answers), so the gateway relays the next message any
server sends, not the reply to the request it forwarded. Invisible with
servers that answer once; a second reply to one request is relayed as the
reply to the next client's. Caught by RR-24.
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import gateway


def relay(args) -> int:
    import zmq

    ctx = _kit.context(args)
    frontend, backend = ctx.socket(zmq.REP), ctx.socket(zmq.DEALER)
    bound_front = _kit.attach_socket(frontend, args, gateway.ROLE, "frontend")
    bound_back = _kit.attach_socket(backend, args, gateway.ROLE, "backend")
    _kit.ready(frontend=bound_front, backend=bound_back)
    _kit.quit_on_stdin_eof()
    while True:
        backend.send_multipart([b"", *frontend.recv_multipart()])
        reply = backend.recv_multipart()  # the bug: the next message, whoever sent it, for whatever
        frontend.send_multipart(reply[reply.index(b"") + 1:] if b"" in reply else reply)


gateway.relay = relay

if __name__ == "__main__":
    sys.exit(gateway.main(sys.argv[1:]))
