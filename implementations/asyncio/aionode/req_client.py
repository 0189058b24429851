"""req-client: sends each line of stdin on a REQ socket and prints the reply; 'bye' ends it (RR-2, RR-4)."""

import zmq

from aionode import node


def main(argv: list[str]) -> int:
    p = node.options("req-client", __doc__)
    node.endpoint_options(p, "req", main=True)
    return node.run("req-client", converse, p.parse_args(argv), reads_stdin=True)


async def converse(n: node.Node, args) -> None:
    req = n.socket(zmq.REQ)
    n.ready(req=n.attach(req, args.req_bind, args.req_connect))
    while True:
        node.say(">> ", end="")
        line = await n.line()
        if line is None:
            return
        node.say(f"SENDING: {node.shown(line)}")
        await req.send(line)
        name, _, message = node.shown(await req.recv()).partition(",")
        node.say(f"RECEIVED: {message} FROM {name}")
        if line == b"bye":
            return
