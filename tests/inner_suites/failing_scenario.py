"""Not part of the suite: tests/test_harness.py runs this file to see how a failure is reported."""

import pytest


@pytest.mark.meta
def test_a_scenario_that_fails_after_starting_nodes(nodes):
    server = nodes.start("rep-server", "--name", "visible-in-the-report")
    client = nodes.start("req-client", "--connect", server.endpoint("rep"))
    client.send_line("hello")
    client.wait_for("^RECEIVED: hello FROM visible-in-the-report$")
    assert False, "this scenario fails on purpose"
