"""Mutant ventilator: end of input leaves its sockets lingering forever.

The bug, the reference's own before issue #14: both PUSH sockets linger -1
so that no task is lost on the way out, and end of input at a prompt returns
without lowering it, so a ventilator whose sink is gone waits for good to
deliver the count. Caught by NC-3 (a node exits promptly on end of input,
whatever it still holds).
"""

import sys

from zmqspec.roles import ventilator


def quit_early(tasks, sink) -> int:
    return 0  # the bug: the sockets keep linger -1


ventilator.quit_early = quit_early

if __name__ == "__main__":
    sys.exit(ventilator.main(sys.argv[1:]))
