"""Mutant sink: gathers N-1 results, then reports, publishes the kill signal and exits.

The bug: an off-by-one loop bound, ``tasks - 1``. Everything else is the
reference's sink (its helpers are used as they are). Caught by PP-1 (exactly
N results: not N-1).
"""

import sys
import time

from zmqspec.roles import _kit
from zmqspec.roles import sink


def gather(args) -> int:
    import zmq

    ctx = _kit.context(args)
    results = ctx.socket(zmq.PULL)
    kill = ctx.socket(zmq.PUB)
    results.maxmsgsize = sink.MAX_MESSAGE_BYTES
    bound_results = _kit.attach_socket(results, args, sink.ROLE, "results")
    bound_kill = _kit.attach_socket(kill, args, sink.ROLE, "kill")
    where = bound_results[0] if bound_results else args.connect[0]
    _kit.say(f"STARTING SERVER AT {sink.shown_port(where)}")
    _kit.ready(results=bound_results, kill=bound_kill)
    _kit.quit_on_stdin_eof()
    tasks = sink.task_count(results)
    _kit.say(f"GATHER {tasks} TASKS.")
    started = time.time()
    gathered = 0
    while gathered < tasks - 1:  # the bug
        gathered = sink.gather_queued(results, gathered, tasks - 1)
    _kit.say(f"\nELAPSED TIME: {time.time() - started:.2f}")
    kill.send(sink.KILL)
    return 0


sink.gather = gather

if __name__ == "__main__":
    sys.exit(sink.main(sys.argv[1:]))
