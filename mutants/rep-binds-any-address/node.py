"""Mutant rep-server: binds every interface (0.0.0.0) when given no endpoint.

The bug: the default endpoint `tcp://0.0.0.0:*` where the contract says
loopback. Caught by NC-2 (a node binds loopback unless told otherwise).
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import rep_server

_kit.DEFAULT_BIND = "tcp://0.0.0.0:*"  # the bug

if __name__ == "__main__":
    sys.exit(rep_server.main(sys.argv[1:]))
