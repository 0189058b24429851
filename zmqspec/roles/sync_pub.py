"""sync-pub: a publisher that waits for its subscribers (catalogue PS-11).

The seed's fix for the slow joiner: publish nothing until all N
subscribers are known to be listening. While it waits, sync-pub publishes
``HELLO`` every few milliseconds; a sync-sub that receives one knows its
subscription is in place and says so with a request on the sync channel
(REQ to this node's REP). Once N have said so, it publishes ``--count``
weather updates, then ``END``, prints ``PUBLISHED {count} UPDATES`` and exits.
No high-water mark is set on the PUB socket, so no update is dropped.
"""

from __future__ import annotations

import random

from zmqspec.roles import _kit
from zmqspec.roles.weather_pub import update

ROLE = "sync-pub"
HELLO, END = b"HELLO", b"END"
HELLO_INTERVAL_MS = 10


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: publish(args))


def publish(args) -> int:
    import zmq

    ctx = _kit.context(args)
    pub = ctx.socket(zmq.PUB)
    pub.sndhwm = 0
    pub.linger = -1
    sync = ctx.socket(zmq.REP)
    bound_pub = _kit.attach_socket(pub, args, ROLE, "pub")
    bound_sync = _kit.attach_socket(sync, args, ROLE, "sync")
    _kit.ready(pub=bound_pub, sync=bound_sync)
    _kit.quit_on_stdin_eof()
    synced = 0
    while synced < args.subscribers:
        if sync.poll(HELLO_INTERVAL_MS):
            sync.recv_multipart()
            sync.send(b"")
            synced += 1
        else:
            pub.send(HELLO)
    _kit.say(f"SUBSCRIBERS READY: {synced}")
    rng = random.Random(args.seed)
    for seq in range(args.count):
        pub.send(update(rng, seq % 1_000_000, 1, 99999).encode())
    pub.send(END)
    _kit.say(f"PUBLISHED {args.count} UPDATES")
    return 0
