"""gateway: a REP socket facing out, a REQ socket facing in (catalogue RR-7).

Each request that arrives on the frontend is forwarded, frames unchanged, on
the backend; the reply that comes back is relayed to the frontend. The
client cannot tell the gateway from a server; the backend's REQ spreads the
requests over the inner servers in turn.
"""

from __future__ import annotations

from zmqspec import _node

ROLE = "gateway"


def main(argv: list[str]) -> int:
    p = _node.parser(ROLE, __doc__)
    _node.endpoint_options(p, "frontend REP", "frontend-", " (facing the clients)")
    _node.endpoint_options(p, "backend REQ", "backend-", " (facing the servers)")
    args = p.parse_args(argv)
    return _node.run(ROLE, lambda: relay(args))


def relay(args) -> int:
    import zmq

    ctx = _node.context(args)
    frontend = ctx.socket(zmq.REP)
    backend = ctx.socket(zmq.REQ)
    bound_front = _node.attach(frontend, args.frontend_bind, args.frontend_connect, _node.DEFAULT_BIND)
    bound_back = _node.attach(backend, args.backend_bind, args.backend_connect)
    _node.ready(frontend=bound_front, backend=bound_back)
    _node.quit_on_stdin_eof()
    while True:
        backend.send_multipart(frontend.recv_multipart())
        frontend.send_multipart(backend.recv_multipart())
