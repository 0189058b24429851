"""Not part of the suite: tests/test_orphans.py runs this file in a pytest of its own
and kills that pytest while these tests hold their nodes."""

import os
import socket
import threading

import pytest


@pytest.mark.meta
@pytest.mark.parametrize("copy", range(2))
def test_hold_nodes_until_killed(nodes, copy):
    """Start nodes, report their pids, then hold them until the run is killed."""
    held = [nodes.start("rep-server"), nodes.start("weather-pub", "--rate", "10"), nodes.driver().node]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as outbox:
        outbox.sendto(" ".join(str(node.pid) for node in held).encode(), os.environ["ZMQSPEC_ORPHAN_INBOX"])
    threading.Event().wait(120)  # a hold, not a synchronisation: the outer test kills this run
