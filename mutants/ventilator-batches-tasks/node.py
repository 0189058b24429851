"""Mutant ventilator: sends all N workloads as one multipart message.

The bug: batching "to save system calls". A multipart message goes whole
to one peer, so one worker gets every task. Caught by PP-4 (PUSH deals
tasks round-robin).
"""

import random
import sys

from zmqspec.roles import _kit
from zmqspec.roles import ventilator


def ventilate(args) -> int:
    import zmq

    ctx = _kit.context(args)
    tasks, sink = ctx.socket(zmq.PUSH), ctx.socket(zmq.PUSH)
    tasks.linger = sink.linger = -1
    bound_tasks = _kit.attach(tasks, args.bind, args.connect, _kit.DEFAULT_BIND)
    bound_sink = _kit.attach(sink, args.sink_bind, args.sink_connect)
    sink.send(args.tasks.to_bytes(8, "big"))
    _kit.say("START VENT SERVER")
    _kit.ready(tasks=bound_tasks, sink=bound_sink)
    _kit.say("> IF YOU'RE READY, PRESS ENTER TO START", end="")
    if not sys.stdin.readline():
        return 0
    _kit.say()
    rng = random.Random(args.seed)
    workloads = [rng.randint(args.cost_min, args.cost_max) for _ in range(args.tasks)]
    if workloads:
        tasks.send_multipart([str(w).encode() for w in workloads])  # the bug: one message
    _kit.say(f"TOTAL EXPECTED COST: {sum(workloads)}")
    _kit.say("PRESS ENTER TO QUIT", end="")
    sys.stdin.readline()
    _kit.say()
    return 0


ventilator.ventilate = ventilate

if __name__ == "__main__":
    sys.exit(ventilator.main(sys.argv[1:]))
