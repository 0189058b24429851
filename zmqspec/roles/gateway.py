"""gateway: a REP socket facing out, a REQ socket facing in (catalogue RR-7).

Each request that arrives on the frontend is forwarded, frames unchanged, on
the backend; the reply that comes back is relayed to the frontend. The
client cannot tell the gateway from a server; the backend's REQ spreads the
requests over the inner servers in turn.
"""

from __future__ import annotations

from zmqspec.roles import _kit

ROLE = "gateway"


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: relay(args))


def relay(args) -> int:
    import zmq

    ctx = _kit.context(args)
    frontend = ctx.socket(zmq.REP)
    backend = ctx.socket(zmq.REQ)
    bound_front = _kit.attach_socket(frontend, args, ROLE, "frontend")
    bound_back = _kit.attach_socket(backend, args, ROLE, "backend")
    _kit.ready(frontend=bound_front, backend=bound_back)
    _kit.quit_on_stdin_eof()
    while True:
        backend.send_multipart(frontend.recv_multipart())
        frontend.send_multipart(backend.recv_multipart())
