"""ventilator: tells the sink N, then deals N workloads on a PUSH socket once Enter is pressed (PP-2)."""

import random

import zmq

from aionode import node

MAX_WORKLOAD_MS = 60_000  # the largest workload a worker takes (contract, "worker")
LIFELINE_MS = 50  # while N waits for a sink: how often end of input is looked for


def main(argv: list[str]) -> int:
    p = node.options("ventilator", __doc__)
    node.endpoint_options(p, "tasks", main=True)
    node.endpoint_options(p, "sink")
    p.add_argument("--tasks", type=node.count, default=100_000, help="N (default 100000)")
    p.add_argument("--cost-min", type=node.ranged(0, MAX_WORKLOAD_MS), default=1,
                   help="smallest workload in ms (default 1)")
    p.add_argument("--cost-max", type=node.ranged(0, MAX_WORKLOAD_MS), default=99,
                   help="largest workload in ms (default 99)")
    p.add_argument("--zero-cost", action="store_true", help="every workload 0 ms")
    p.add_argument("--seed", type=node.seed, default=None)
    args = p.parse_args(argv)
    if not (args.sink_bind or args.sink_connect):
        p.error("the sink's endpoint is required (--sink-connect)")
    if args.zero_cost:
        args.cost_min = args.cost_max = 0
    if args.cost_max > MAX_WORKLOAD_MS:
        p.error(f"--cost-max {args.cost_max} is over {MAX_WORKLOAD_MS} ms, a workload a worker skips")
    if args.cost_min > args.cost_max:
        p.error(f"--cost-min {args.cost_min} is larger than --cost-max {args.cost_max}")
    return node.run("ventilator", ventilate, args, reads_stdin=True)


async def ventilate(n: node.Node, args) -> None:
    tasks, sink = n.socket(zmq.PUSH, linger=-1), n.socket(zmq.PUSH, linger=-1)  # deliver all before exiting
    bound_tasks = n.attach(tasks, args.tasks_bind, args.tasks_connect)
    bound_sink = n.attach(sink, args.sink_bind, args.sink_connect, default=None)
    node.say("START VENT SERVER")
    n.ready(tasks=bound_tasks, sink=bound_sink)
    # N after the ready line: with --sink-bind no sink is there yet, and a PUSH with no peer cannot
    # send; meanwhile end of input still ends the ventilator (contract, "ventilator"; PP-19)
    while not await sink.poll(LIFELINE_MS, zmq.POLLOUT):
        if n.stdin.at_eof():
            for sock in (tasks, sink):
                sock.linger = 0
            return
    await sink.send(args.tasks.to_bytes(8, "big"))
    node.say("> IF YOU'RE READY, PRESS ENTER TO START", end="")
    if await n.line() is None:
        for sock in (tasks, sink):
            sock.linger = 0  # told to quit before starting: nothing is owed
        return
    node.say()  # the Enter a terminal would have echoed
    rng = random.Random(args.seed)
    total = 0
    for _ in range(args.tasks):
        workload = rng.randint(args.cost_min, args.cost_max)
        total += workload
        await tasks.send(str(workload).encode())
    node.say(f"TOTAL EXPECTED COST: {total}")
    node.say("PRESS ENTER TO QUIT", end="")
    await n.line()
    node.say()
