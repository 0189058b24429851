"""A stand-in parent for one node: ``python -m zmqspec.harness.parent COMMAND...`` (NC-7).

It runs COMMAND as its child, with a pipe of its own on the child's standard
input and the child's standard output and error passed through, then waits
for the child to end. The harness kills this process (SIGKILL, so it can do
nothing on the way out) to see whether the node notices that its parent
died: its standard input reaches end-of-file and, on Linux, a node that
asked for ``PR_SET_PDEATHSIG`` gets its signal. Exit status: the child's.
"""

from __future__ import annotations

import subprocess
import sys


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("usage: python -m zmqspec.harness.parent COMMAND [ARG...]\n")
        return 2
    child = subprocess.Popen(argv, stdin=subprocess.PIPE)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
