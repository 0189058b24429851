"""Not part of the suite: tests/test_plugin.py runs this file with pytest's optional plugins left out."""

import pytest


@pytest.mark.spec("RR-1")
def test_a_server_answers(nodes):
    server = nodes.start("rep-server", "--name", "A")
    assert server.endpoint("rep").startswith("tcp://127.0.0.1:")
