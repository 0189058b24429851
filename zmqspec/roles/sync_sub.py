"""sync-sub: a subscriber that tells sync-pub it is listening (catalogue PS-11).

It subscribes to everything, waits for sync-pub's first ``HELLO`` (proof
that its subscription has reached the publisher), reports in on the sync
channel, then counts every update until ``END`` and prints
``RECEIVED {n} UPDATES``. Its receive queue has no high-water mark.
"""

from __future__ import annotations

from zmqspec import _node
from zmqspec.roles.sync_pub import END, HELLO

ROLE = "sync-sub"


def main(argv: list[str]) -> int:
    p = _node.parser(ROLE, __doc__)
    _node.endpoint_options(p, "SUB")
    _node.endpoint_options(p, "sync REQ", "sync-", " (to report in to sync-pub)")
    args = p.parse_args(argv)
    return _node.run(ROLE, lambda: subscribe(args))


def subscribe(args) -> int:
    import zmq

    ctx = _node.context()
    sub = ctx.socket(zmq.SUB)
    sub.rcvhwm = 0
    sync = ctx.socket(zmq.REQ)
    bound_sub = _node.attach(sub, args.bind, args.connect)
    sub.subscribe(b"")
    bound_sync = _node.attach(sync, args.sync_bind, args.sync_connect)
    _node.ready(sub=bound_sub, sync=bound_sync)
    _node.quit_on_stdin_eof()
    while sub.recv() != HELLO:
        pass
    sync.send(b"")
    sync.recv()
    updates = 0
    while (msg := sub.recv()) != END:
        if msg != HELLO:
            updates += 1
    _node.say(f"RECEIVED {updates} UPDATES")
    return 0
