"""rep-server: a REP echo server; replies '{name},{request}' (RR-1)."""

import pyomq as zmq

from omqnode import node


def main(argv: list[str]) -> int:
    p = node.options("rep-server", __doc__)
    p.add_argument("--name", default="server", help="put in front of every reply (default: server)")
    node.endpoint_options(p, "rep", main=True)
    return node.run("rep-server", serve, p.parse_args(argv))


def serve(n: node.Node, args) -> None:
    node.say("STARTING SERVER")
    rep = n.socket(zmq.REP)
    bound = n.attach(rep, args.rep_bind, args.rep_connect)
    node.say("READY")
    n.ready(rep=bound)
    prefix = f"{args.name},".encode()
    while True:
        # pyomq's REP hands over a request [a, ''] as a message of no frame at all (DEVIATIONS.md,
        # RR-12): it is answered as an empty request, so the server goes on serving the next.
        first, *rest = rep.recv_multipart() or [b""]
        node.say(f"RECEIVED: {node.shown(first)}")
        node.say(f"SENDING:  {args.name},{node.shown(first)}")
        rep.send_multipart([prefix + first, *rest])
