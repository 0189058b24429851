"""Mutant sync-pub: starts publishing once the first subscriber has reported in, not the N-th.

The bug: the wait for N sync requests ends after one. Caught by PS-11 (only
HELLO until the N-th request; every subscriber gets every update).
"""

import random
import sys

from zmqspec.roles import _kit
from zmqspec.roles import sync_pub


def publish(args) -> int:
    import zmq

    ctx = _kit.context(args)
    pub = ctx.socket(zmq.PUB)
    pub.sndhwm = 0
    pub.linger = -1
    sync = ctx.socket(zmq.REP)
    bound_pub = _kit.attach_socket(pub, args, sync_pub.ROLE, "pub")
    bound_sync = _kit.attach_socket(sync, args, sync_pub.ROLE, "sync")
    _kit.ready(pub=bound_pub, sync=bound_sync)
    _kit.quit_on_stdin_eof()
    synced = 0
    while synced < 1:  # the bug: N is args.subscribers
        if sync.poll(sync_pub.HELLO_INTERVAL_MS):
            sync.recv_multipart()
            sync.send(b"")
            synced += 1
        else:
            pub.send(sync_pub.HELLO)
    _kit.say(f"SUBSCRIBERS READY: {args.subscribers}")
    rng = random.Random(args.seed)
    for seq in range(args.count):
        pub.send(sync_pub.update(rng, seq % 1_000_000, 1, 99999).encode())
    pub.send(sync_pub.END)
    _kit.say(f"PUBLISHED {args.count} UPDATES")
    return 0


sync_pub.publish = publish

if __name__ == "__main__":
    sys.exit(sync_pub.main(sys.argv[1:]))
