"""Mutant req-client: only the first --connect is used, so every request goes to one server.

The bug: the endpoint list is cut to its first entry (as an option parsed
without `action="append"` keeps one value). Caught by RR-2.
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import req_client

attach = _kit.attach
_kit.attach = lambda sock, binds, connects, default_bind=None: attach(sock, binds, connects[:1], default_bind)

if __name__ == "__main__":
    sys.exit(req_client.main(sys.argv[1:]))
