"""req-client: sends each line of stdin on a REQ socket and prints the reply; 'bye' ends it (RR-2, RR-4).

A malformed reply gets one line on stderr and is printed as best it can be
(MI-9): one without a comma whole, with an empty name; of one of several
frames, the first.
"""

import pyomq as zmq

from omqnode import node


def main(argv: list[str]) -> int:
    p = node.options("req-client", __doc__)
    node.endpoint_options(p, "req", main=True)
    args = p.parse_args(argv)
    node.need_endpoints(p, args, ("req", "--connect"))
    return node.run("req-client", converse, args, reads_stdin=True)


def converse(n: node.Node, args) -> None:
    req = n.socket(zmq.REQ)
    n.ready(req=n.attach(req, args.req_bind, args.req_connect))
    while True:
        node.say(">> ", end="")
        line = node.line()
        if line is None:
            return
        node.say(f"SENDING: {node.shown(line)}")
        req.send(line)
        first, *more = req.recv_multipart()
        if more:
            n.warn(f"the reply has {1 + len(more)} frames; printing the first only")
        name, comma, message = node.shown(first).partition(",")
        if not comma:
            n.warn(f"the reply has no 'name,' in front: {node.excerpt(first)}")
            name, message = "", name
        node.say(f"RECEIVED: {message} FROM {name}")
        if line == b"bye":
            return
