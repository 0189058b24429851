"""ventilator: the seed's task ventilator (catalogue PP-2).

Binds a PUSH socket for the workers, connects a second PUSH to the sink,
prints ``START VENT SERVER`` and its ready line, then sends the sink N as 8
bytes big-endian, waits for a line on standard input after
``> IF YOU'RE READY, PRESS ENTER TO START``, deals N workloads (each a
random integer 1..99, in milliseconds, as decimal text), prints
``TOTAL EXPECTED COST: {sum}``, and quits after ``PRESS ENTER TO QUIT``.
Unlike the seed it keeps every queued task on the way out (the seed's
``ctx.destroy()`` could drop them). End of input at either prompt means quit,
within the node's usual linger (NC-3): what it could not deliver by then (the
count for a sink that is gone, tasks for workers that are gone) is dropped.

With ``--sink-bind`` the sink connects to the ventilator, and a bound PUSH
with no peer cannot send: N waits for the first sink to connect. The ready
line comes first, so the harness (or a person) can start that sink, and
end of input while N waits ends the ventilator (the lifeline, contract
section 3), as it does at either prompt (catalogue PP-19).
"""

from __future__ import annotations

import queue
import random
import sys
import threading

from zmqspec.roles import _kit

ROLE = "ventilator"
LIFELINE_MS = 50  # while N waits for a sink: how often end of input is looked for


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    if args.zero_cost:
        args.cost_min = args.cost_max = 0
    return _kit.run(ROLE, lambda: ventilate(args))


def deal(tasks, args) -> int:
    """Send the N tasks, each a random workload in milliseconds; return their total."""
    if args.cost_max == 0:  # every workload is 0: no need to draw them
        for _ in range(args.tasks):
            tasks.send(b"0")
        return 0
    rng = random.Random(args.seed)
    total = 0
    for _ in range(args.tasks):
        workload = rng.randint(args.cost_min, args.cost_max)
        total += workload
        tasks.send(str(workload).encode())
    return total


def ventilate(args) -> int:
    import zmq

    ctx = _kit.context(args)
    tasks = ctx.socket(zmq.PUSH)
    sink = ctx.socket(zmq.PUSH)
    tasks.linger = sink.linger = -1  # every queued task is delivered on the way out
    bound_tasks = _kit.attach_socket(tasks, args, ROLE, "tasks")
    bound_sink = _kit.attach_socket(sink, args, ROLE, "sink")
    _kit.say("START VENT SERVER")
    _kit.ready(tasks=bound_tasks, sink=bound_sink)
    lines = StdinLines()
    if not tell_the_sink(sink, args.tasks, lines):
        return quit_early(tasks, sink)
    _kit.say("> IF YOU'RE READY, PRESS ENTER TO START", end="")
    if lines.next() is None:
        return quit_early(tasks, sink)
    _kit.say()
    total = deal(tasks, args)
    _kit.say(f"TOTAL EXPECTED COST: {total}")
    _kit.say("PRESS ENTER TO QUIT", end="")
    if lines.next() is None:
        return quit_early(tasks, sink)
    _kit.say()
    return 0


class StdinLines:
    """Standard input's lines, read by a thread of their own, so that end of input is seen while the
    ventilator waits on a socket. ``next()`` gives the next line (bytes), or None at end of input."""

    def __init__(self) -> None:
        self.queue: queue.Queue[bytes | None] = queue.Queue()
        self.ended = threading.Event()
        threading.Thread(target=self.read, name="stdin-lines", daemon=True).start()

    def read(self) -> None:
        stream = sys.stdin.buffer if sys.stdin else None
        while stream is not None and (line := stream.readline()):
            self.queue.put(line)
        self.queue.put(None)
        self.ended.set()

    def next(self) -> bytes | None:
        return self.queue.get()


def tell_the_sink(sink, tasks: int, lines: StdinLines) -> bool:
    """Send N to the sink, once its socket can send (with --sink-bind: once a sink has connected);
    False if standard input ends first."""
    import zmq

    while not sink.poll(LIFELINE_MS, zmq.POLLOUT):
        if lines.ended.is_set():
            return False
    sink.send(tasks.to_bytes(8, "big"), zmq.NOBLOCK)
    return True


def quit_early(tasks, sink) -> int:
    """End of input at either prompt: quit, leaving at most the node's usual linger to deliver what
    is still queued (a sink or workers that never come must not hold the ventilator; NC-3)."""
    tasks.linger = sink.linger = _kit.CLOSE_LINGER_MS
    return 0
