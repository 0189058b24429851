"""Mutant ventilator: draws workloads from cost-min - 1 .. cost-max, so it can deal 0.

The bug: an off-by-one at the low edge of a range. With the default 1..99 it
shows about once in 100 tasks; PP-2's narrow range (--cost-min 1 --cost-max 2,
every workload watched) shows it on every run.
"""

import random
import sys

from zmqspec.roles import ventilator


def deal(tasks, args) -> int:
    if args.cost_max == 0:
        for _ in range(args.tasks):
            tasks.send(b"0")
        return 0
    rng = random.Random(args.seed)
    total = 0
    for _ in range(args.tasks):
        workload = rng.randint(args.cost_min - 1, args.cost_max)  # the bug
        total += workload
        tasks.send(str(workload).encode())
    return total


ventilator.deal = deal

if __name__ == "__main__":
    sys.exit(ventilator.main(sys.argv[1:]))
