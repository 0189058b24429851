"""sync-pub: publishes only once N subscribers have reported in on a REP side channel (PS-11)."""

import random

import zmq

from aionode import node
from aionode.weather import update

HELLO, END = b"HELLO", b"END"
HELLO_EVERY_MS = 10


def main(argv: list[str]) -> int:
    p = node.options("sync-pub", __doc__)
    node.endpoint_options(p, "pub", main=True)
    node.endpoint_options(p, "sync")
    p.add_argument("--subscribers", type=node.positive, required=True, help="N, subscribers to wait for")
    p.add_argument("--count", type=node.count, default=1000, help="M, updates to publish (default 1000)")
    p.add_argument("--seed", type=node.seed, default=None)
    return node.run("sync-pub", publish, p.parse_args(argv))


async def publish(n: node.Node, args) -> None:
    pub = n.socket(zmq.PUB, linger=-1)  # ends only once everything is delivered
    pub.sndhwm = 0  # no high-water mark: nothing is dropped
    sync = n.socket(zmq.REP)
    n.ready(pub=n.attach(pub, args.pub_bind, args.pub_connect),
            sync=n.attach(sync, args.sync_bind, args.sync_connect))
    reported = 0
    while reported < args.subscribers:
        if await sync.poll(HELLO_EVERY_MS, zmq.POLLIN):
            await sync.recv_multipart()
            await sync.send(b"")
            reported += 1
        else:
            await pub.send(HELLO)
    node.say(f"SUBSCRIBERS READY: {reported}")
    rng = random.Random(args.seed)
    for seq in range(args.count):
        await pub.send(update(rng, seq))
    await pub.send(END)
    node.say(f"PUBLISHED {args.count} UPDATES")
