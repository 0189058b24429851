"""Mutant rep-server: its ready line names the endpoint it was asked to bind, `tcp://127.0.0.1:*`.

The bug: reporting the requested endpoint instead of the one bound (ZMQ_LAST_ENDPOINT),
so nobody can tell which port to connect to. Caught by NC-1 (the ready line names
the endpoints each socket actually bound).
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import rep_server

attach = _kit.attach


def attach_reporting_the_request(sock, binds, connects, default_bind=None) -> list[str]:
    attach(sock, binds, connects, default_bind)
    return binds or ([default_bind] if default_bind and not connects else [])  # the bug


_kit.attach = attach_reporting_the_request

if __name__ == "__main__":
    sys.exit(rep_server.main(sys.argv[1:]))
