"""sync-sub: a subscriber that tells sync-pub it is listening (catalogue PS-11).

It subscribes to everything, waits for sync-pub's first ``HELLO`` (proof
that its subscription has reached the publisher), reports in on the sync
channel, then counts every update until ``END`` and prints
``RECEIVED {n} UPDATES``. Its receive queue has no high-water mark. A
message of more than one frame is not an update: it is skipped with one
line on stderr and not counted.
"""

from __future__ import annotations

from zmqspec.roles import _kit
from zmqspec.roles.sync_pub import END, HELLO

ROLE = "sync-sub"


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: subscribe(args))


def one_frame(sub) -> bytes | None:
    """The next message if it is one frame; None (said on stderr) if it has more."""
    frames = sub.recv_multipart()
    if len(frames) == 1:
        return frames[0]
    _kit.warn(ROLE, f"skipping a message of {len(frames)} frames (an update is one frame)")
    return None


def subscribe(args) -> int:
    import zmq

    ctx = _kit.context(args)
    sub = ctx.socket(zmq.SUB)
    sub.rcvhwm = 0
    sync = ctx.socket(zmq.REQ)
    bound_sub = _kit.attach_socket(sub, args, ROLE, "sub")
    sub.subscribe(b"")
    bound_sync = _kit.attach_socket(sync, args, ROLE, "sync")
    _kit.ready(sub=bound_sub, sync=bound_sync)
    _kit.quit_on_stdin_eof()
    while one_frame(sub) != HELLO:
        pass
    sync.send(b"")
    sync.recv_multipart()
    updates = 0
    while (msg := one_frame(sub)) != END:
        if msg not in (HELLO, None):
            updates += 1
    _kit.say(f"RECEIVED {updates} UPDATES")
    return 0
