"""Mutant worker: every 10th task it receives is dropped: no mark, no result.

The bug: a task parser that rejects every 10th workload (the worker then
skips it, as it skips a malformed task). Caught by PP-8 (every task is done
exactly once, none lost).
"""

import itertools
import sys

from zmqspec.roles import worker

received = itertools.count(1)
workload_ms = worker.workload_ms
worker.workload_ms = lambda task: None if next(received) % 10 == 0 else workload_ms(task)

if __name__ == "__main__":
    sys.exit(worker.main(sys.argv[1:]))
