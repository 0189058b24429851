"""sync-sub: subscribes to everything, reports in to sync-pub, counts updates until END (PS-11).

A message of several frames, even one beginning with END, is skipped with one
line on stderr and not counted (MI-8).
"""

import zmq

from aionode import node
from aionode.sync_pub import END, HELLO


def main(argv: list[str]) -> int:
    p = node.options("sync-sub", __doc__)
    node.endpoint_options(p, "sub", main=True)
    node.endpoint_options(p, "sync")
    args = p.parse_args(argv)
    node.need_endpoints(p, args, ("sub", "--connect"), ("sync", "--sync-connect"))
    return node.run("sync-sub", subscribe, args)


async def subscribe(n: node.Node, args) -> None:
    sub, sync = n.socket(zmq.SUB), n.socket(zmq.REQ)
    sub.rcvhwm = 0  # no high-water mark: nothing is dropped
    sub.subscribe(b"")
    n.ready(sub=n.attach(sub, args.sub_bind, args.sub_connect),
            sync=n.attach(sync, args.sync_bind, args.sync_connect))
    while await n.one_frame(sub, "a message") != HELLO:  # a HELLO proves the subscription reached the publisher
        pass
    await sync.send(b"")
    await sync.recv()
    updates = 0
    while (message := await n.one_frame(sub, "an update")) != END:
        updates += message not in (HELLO, None)
    node.say(f"RECEIVED {updates} UPDATES")
