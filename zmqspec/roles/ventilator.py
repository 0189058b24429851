"""ventilator: the seed's task ventilator (catalogue PP-2).

Binds a PUSH socket for the workers, connects a second PUSH to the sink and
sends it N as 8 bytes big-endian, prints ``START VENT SERVER``, waits for a
line on standard input after ``> IF YOU'RE READY, PRESS ENTER TO START``,
deals N workloads (each a random integer 1..99, in milliseconds, as
decimal text), prints ``TOTAL EXPECTED COST: {sum}``, and quits after
``PRESS ENTER TO QUIT``. Unlike the seed it keeps every queued task on the
way out (the seed's ``ctx.destroy()`` could drop them). End of input at
either prompt means quit at once (NC-3): what it could not deliver yet (the
count for a sink that is gone, tasks for workers that are gone) is dropped.
"""

from __future__ import annotations

import random
import sys

from zmqspec.roles import _kit
from zmqspec.roles.worker import MAX_WORKLOAD_MS

ROLE = "ventilator"


def main(argv: list[str]) -> int:
    p = _kit.role_parser(ROLE, __doc__)
    p.add_argument("--tasks", type=_kit.non_negative_int, default=100_000, help="N, how many tasks (default 100000)")
    p.add_argument("--cost-min", type=_kit.non_negative_int, default=1, help="smallest workload in ms (default 1)")
    p.add_argument("--cost-max", type=_kit.non_negative_int, default=99,
                   help=f"largest workload in ms (default 99, at most {MAX_WORKLOAD_MS})")
    p.add_argument("--zero-cost", action="store_true", help="every workload 0 ms (for throughput measurements)")
    p.add_argument("--seed", type=int, default=None, help="seed the random workloads")
    args = p.parse_args(argv)
    if args.zero_cost:
        args.cost_min = args.cost_max = 0
    if args.cost_min > args.cost_max:
        p.error("--cost-min is larger than --cost-max")
    if args.cost_max > MAX_WORKLOAD_MS:
        p.error(f"--cost-max must be at most {MAX_WORKLOAD_MS} ms (a worker skips a longer task), got {args.cost_max}")
    if not args.sink_bind and not args.sink_connect:
        p.error("needs the sink's endpoint (--sink-connect)")
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
    sink.send(args.tasks.to_bytes(8, "big"))
    _kit.say("START VENT SERVER")
    _kit.ready(tasks=bound_tasks, sink=bound_sink)
    _kit.say("> IF YOU'RE READY, PRESS ENTER TO START", end="")
    if not sys.stdin.buffer.readline():
        return quit_now(tasks, sink)
    _kit.say()
    total = deal(tasks, args)
    _kit.say(f"TOTAL EXPECTED COST: {total}")
    _kit.say("PRESS ENTER TO QUIT", end="")
    if not sys.stdin.buffer.readline():
        return quit_now(tasks, sink)
    _kit.say()
    return 0


def quit_now(*sockets) -> int:
    """End of input: the parent is gone or wants the node gone, which beats delivering what is
    still queued (contract section 3, NC-3): drop it instead of lingering for peers that may never come."""
    for sock in sockets:
        sock.linger = 0
    return 0
