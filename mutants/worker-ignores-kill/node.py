"""Mutant worker: its kill socket never subscribes, so KILL never reaches it.

The bug: as if `kill.subscribe(b"")` were missing from `worker.work` (a SUB
with no subscription receives nothing). Caught by PP-9 (every worker exits
on the kill signal).
"""

import sys

import zmq

from zmqspec.roles import worker

zmq.Socket.subscribe = lambda self, topic: None  # the worker's only subscribe() is its kill socket's

if __name__ == "__main__":
    sys.exit(worker.main(sys.argv[1:]))
