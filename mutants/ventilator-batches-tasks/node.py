"""Mutant ventilator: sends all N workloads as one multipart message.

The bug: batching "to save system calls". A multipart message goes whole
to one peer, so one worker gets every task. Caught by PP-4 (PUSH deals
tasks round-robin).
"""

import random
import sys

from zmqspec import _node
from zmqspec.roles import ventilator


def ventilate(args) -> int:
    import zmq

    ctx = _node.context(args)
    tasks, sink = ctx.socket(zmq.PUSH), ctx.socket(zmq.PUSH)
    tasks.linger = sink.linger = -1
    bound_tasks = _node.attach(tasks, args.bind, args.connect, _node.DEFAULT_BIND)
    bound_sink = _node.attach(sink, args.sink_bind, args.sink_connect)
    sink.send(args.tasks.to_bytes(8, "big"))
    _node.say("START VENT SERVER")
    _node.ready(tasks=bound_tasks, sink=bound_sink)
    _node.say("> IF YOU'RE READY, PRESS ENTER TO START", end="")
    if not sys.stdin.readline():
        return 0
    _node.say()
    rng = random.Random(args.seed)
    workloads = [rng.randint(args.cost_min, args.cost_max) for _ in range(args.tasks)]
    if workloads:
        tasks.send_multipart([str(w).encode() for w in workloads])  # the bug: one message
    _node.say(f"TOTAL EXPECTED COST: {sum(workloads)}")
    _node.say("PRESS ENTER TO QUIT", end="")
    sys.stdin.readline()
    _node.say()
    return 0


ventilator.ventilate = ventilate

if __name__ == "__main__":
    sys.exit(ventilator.main(sys.argv[1:]))
