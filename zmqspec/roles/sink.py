"""sink: the seed's sink, with the kill signal (catalogue PP-1, PP-9).

Binds a PULL socket for results and prints ``STARTING SERVER AT {port}``.
Its first message is the task count N, 8 bytes big-endian; it prints
``GATHER {N} TASKS.``, then one character per result (``:`` for results
0, 10, 20, ..., ``.`` otherwise), then ``ELAPSED TIME: {seconds:.2f}`` on a
line of its own. After exactly N results it publishes ``KILL`` on its PUB
socket (the workers' kill signal) and exits 0.
"""

from __future__ import annotations

import time

from zmqspec import _node

ROLE = "sink"
KILL = b"KILL"


def main(argv: list[str]) -> int:
    p = _node.parser(ROLE, __doc__)
    _node.endpoint_options(p, "result PULL")
    _node.endpoint_options(p, "kill PUB", "kill-", " (the workers' kill signal)")
    args = p.parse_args(argv)
    return _node.run(ROLE, lambda: gather(args))


def shown_port(endpoint: str) -> str:
    transport, _, address = endpoint.partition("://")
    return address.rpartition(":")[2] if transport == "tcp" else endpoint


def mark(result_no: int) -> str:
    return ":" if result_no % 10 == 0 else "."


def gather_queued(results, gathered: int, tasks: int) -> int:
    """Wait for one result, take every other one already queued (up to N), print their marks.

    The marks of one batch are written at once, before the sink waits again."""
    import zmq

    results.recv()
    marks = [mark(gathered)]
    gathered += 1
    while gathered < tasks:
        try:
            results.recv(zmq.NOBLOCK)
        except zmq.Again:
            break
        marks.append(mark(gathered))
        gathered += 1
    _node.say("".join(marks), end="")
    return gathered


def gather(args) -> int:
    import zmq

    ctx = _node.context()
    results = ctx.socket(zmq.PULL)
    kill = ctx.socket(zmq.PUB)
    bound_results = _node.attach(results, args.bind, args.connect, _node.DEFAULT_BIND)
    bound_kill = _node.attach(kill, args.kill_bind, args.kill_connect, _node.DEFAULT_BIND)
    where = bound_results[0] if bound_results else args.connect[0]
    _node.say(f"STARTING SERVER AT {shown_port(where)}")
    _node.ready(results=bound_results, kill=bound_kill)
    _node.quit_on_stdin_eof()
    while len(first := results.recv()) != 8:
        _node.warn(ROLE, f"ignoring a first message that is not 8 bytes (N): {first[:40]!r}")
    tasks = int.from_bytes(first, "big")
    _node.say(f"GATHER {tasks} TASKS.")
    started = time.time()
    gathered = 0
    while gathered < tasks:
        gathered = gather_queued(results, gathered, tasks)
    _node.say(f"\nELAPSED TIME: {time.time() - started:.2f}")
    kill.send(KILL)
    return 0
