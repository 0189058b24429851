"""req-client: sends each line of stdin on a REQ socket and prints the reply; 'bye' ends it (RR-2, RR-4).

A malformed reply gets one line on stderr and is printed as best it can be
(MI-9): one without a comma whole, with an empty name; of one of several
frames, the first. End of input ends it with status 0, also while it waits for
a reply: from then on a reply gets GRACE seconds, so one from a server that is
gone does not keep it alive (NC-3).
"""

import asyncio
import time

import zmq

from aionode import node


GRACE = 1.0  # seconds a reply still gets once standard input has ended


def main(argv: list[str]) -> int:
    p = node.options("req-client", __doc__)
    node.endpoint_options(p, "req", main=True)
    args = p.parse_args(argv)
    node.need_endpoints(p, args, ("req", "--connect"))
    return node.run("req-client", converse, args, reads_stdin=True)


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
        frames = await reply(n, req)
        if frames is None:
            return
        first, *more = frames
        if more:
            n.warn(f"the reply has {1 + len(more)} frames; printing the first only")
        name, comma, message = node.shown(first).partition(",")
        if not comma:
            n.warn(f"the reply has no 'name,' in front: {node.excerpt(first)}")
            name, message = "", name
        node.say(f"RECEIVED: {message} FROM {name}")
        if line == b"bye":
            return


async def reply(n: node.Node, req) -> list[bytes] | None:
    """The reply to the request just sent, or None once input has ended and it has not come within
    GRACE seconds of the end (or of the request, whichever is later)."""
    receiving = asyncio.ensure_future(req.recv_multipart())
    sent, ended = time.monotonic(), None
    while True:
        done, _ = await asyncio.wait({receiving}, timeout=0.1)
        if done:
            return receiving.result()
        if ended is None and n.stdin.at_eof():
            ended = time.monotonic()
        if ended is not None and time.monotonic() - max(sent, ended) > GRACE:
            receiving.cancel()
            return None
