"""Mutant sink: gathers N-1 results, then reports, publishes the kill signal and exits.

The bug: an off-by-one loop bound, `range(tasks - 1)`. Caught by PP-1
(exactly N results: not N-1).
"""

import sys
import time

from zmqspec.roles import _kit
from zmqspec.roles import sink


def gather(args) -> int:
    import zmq

    ctx = _kit.context(args)
    results, kill = ctx.socket(zmq.PULL), ctx.socket(zmq.PUB)
    bound_results = _kit.attach(results, args.bind, args.connect, _kit.DEFAULT_BIND)
    bound_kill = _kit.attach(kill, args.kill_bind, args.kill_connect, _kit.DEFAULT_BIND)
    _kit.say(f"STARTING SERVER AT {sink.shown_port(bound_results[0] if bound_results else args.connect[0])}")
    _kit.ready(results=bound_results, kill=bound_kill)
    _kit.quit_on_stdin_eof()
    while len(first := results.recv()) != 8:
        pass
    tasks = int.from_bytes(first, "big")
    _kit.say(f"GATHER {tasks} TASKS.")
    started = time.time()
    for task_no in range(tasks - 1):  # the bug
        results.recv()
        _kit.say(":" if task_no % 10 == 0 else ".", end="")
    _kit.say(f"\nELAPSED TIME: {time.time() - started:.2f}")
    kill.send(sink.KILL)
    return 0


sink.gather = gather

if __name__ == "__main__":
    sys.exit(sink.main(sys.argv[1:]))
