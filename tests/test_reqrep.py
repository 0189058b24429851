"""REQ-REP: the seed's echo servers and the alternating client (catalogue RR-*)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.reqrep

REPLY_LINE = re.compile(r"^RECEIVED: (.*) FROM (.*)$", re.MULTILINE)
REQUEST_LINE = re.compile(r"^RECEIVED: (.*)$", re.MULTILINE)


def connect_args(servers, socket="rep"):
    return [arg for server in servers for arg in ("--connect", server.endpoint(socket))]


def converse(client, lines):
    """Type ``lines`` and 'bye' into a req-client; return its (message, server name) replies."""
    for line in [*lines, "bye"]:
        client.send_line(line)
    assert client.wait_exit() == 0, "req-client must exit 0 after the reply to 'bye'"
    return REPLY_LINE.findall(client.output)


@pytest.mark.spec("RR-2")
def test_req_client_sends_its_requests_to_its_servers_in_turn(nodes):
    """A client (REQ) connected to 3 servers sends requests to them in a fixed cyclic order,
    each server getting n/3 of n requests, and exits 0 after 'bye'."""
    servers = [nodes.start("rep-server", "--name", name, label=name) for name in "ABC"]
    client = nodes.start("req-client", *connect_args(servers))
    requests = [f"m{i}" for i in range(11)]

    replies = converse(client, requests)

    assert [message for message, _ in replies] == [*requests, "bye"], "every request gets its own reply, in order"
    names = [name for _, name in replies]
    cycle = names[:3]
    assert sorted(cycle) == ["A", "B", "C"], f"the first three requests went to {cycle}, not to three servers"
    assert names == [cycle[i % 3] for i in range(len(names))], f"servers answered in the order {names}"
    for server in servers:
        name = server.label
        served = REQUEST_LINE.findall(server.output)
        assert served == [message for message, by in replies if by == name], f"server {name} saw {served}"
        assert len(served) in (len(replies) // 3, len(replies) // 3 + 1)
