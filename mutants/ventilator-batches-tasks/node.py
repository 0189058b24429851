"""Mutant ventilator: sends all N workloads as one multipart message.

The bug: batching "to save system calls". A multipart message goes whole
to one peer, so one worker gets every task. Everything else is the
reference's ventilator: only its ``deal`` is replaced (the same workloads,
drawn the same way, sent as the frames of one message). Caught by PP-4
(PUSH deals tasks round-robin) and PP-2 (each workload is a message of its
own).
"""

import random
import sys

from zmqspec.roles import ventilator


def deal(tasks, args) -> int:
    if args.cost_max == 0:
        workloads = [0] * args.tasks
    else:
        rng = random.Random(args.seed)
        workloads = [rng.randint(args.cost_min, args.cost_max) for _ in range(args.tasks)]
    if workloads:
        tasks.send_multipart([str(w).encode() for w in workloads])  # the bug: one message
    return sum(workloads)


ventilator.deal = deal

if __name__ == "__main__":
    sys.exit(ventilator.main(sys.argv[1:]))
