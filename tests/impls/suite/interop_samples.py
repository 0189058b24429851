"""A sample scenario that prints which implementation ran each node (run with -s and --peer-roles)."""

import pytest


@pytest.mark.spec("RR-2")
def test_prints_who_runs_each_role(nodes):
    server = nodes.start("rep-server", "--name", "A")
    client = nodes.start("req-client", "--connect", server.endpoint("rep"))
    client.send_line("bye")
    assert client.wait_exit() == 0
    assert "RECEIVED: bye FROM A" in client.output
    for node in (server, client):
        print(f"ROLE {node.role} ARGV {' '.join(node.argv)}")
