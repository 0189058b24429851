"""Mutant rep-server: does not watch its standard input, so it outlives a parent that closed it.

The bug: the stdin lifeline is never started. Caught by NC-3 (a node exits
0 promptly when its standard input reaches end-of-file).
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import rep_server

_kit.quit_on_stdin_eof = lambda: None  # the bug

if __name__ == "__main__":
    sys.exit(rep_server.main(sys.argv[1:]))
