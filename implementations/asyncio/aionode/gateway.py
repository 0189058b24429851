"""gateway: relays each request from a REP frontend over a REQ backend, and the reply back (RR-7)."""

import zmq

from aionode import node


def main(argv: list[str]) -> int:
    p = node.options("gateway", __doc__)
    node.endpoint_options(p, "frontend")
    node.endpoint_options(p, "backend")
    args = p.parse_args(argv)
    node.need_endpoints(p, args, ("backend", "--backend-connect"))
    return node.run("gateway", relay, args)


async def relay(n: node.Node, args) -> None:
    frontend, backend = n.socket(zmq.REP), n.socket(zmq.REQ)
    n.ready(frontend=n.attach(frontend, args.frontend_bind, args.frontend_connect),
            backend=n.attach(backend, args.backend_bind, args.backend_connect))
    while True:
        await backend.send_multipart(await frontend.recv_multipart())
        await frontend.send_multipart(await backend.recv_multipart())
