"""Every role ends with its peers gone (catalogue NC-3, NC-4, NC-7; issue #14 input 9).

A node whose peers are gone may hold what it cannot deliver: the count a
ventilator owes a sink, a request a req-client or a gateway sent to a server
that is not there, a sync request, a message a driver queued. None of it may
keep the node alive once its parent wants it gone: end of input (NC-3),
SIGTERM (NC-4), or the death of its parent (NC-7). Each test starts a role with
every connect pointed at a tcp endpoint nobody listens on, puts it in that
state, and proves the state was reached (the node said so, or the driver
answered) before it asks the node to go.
"""

from __future__ import annotations

import os
import signal

import psutil
import pytest

from zmqspec.contract import ROLES
from zmqspec.harness import Deadline, Driver

pytestmark = pytest.mark.contract

PROMPTLY = 5.0


def stranded_arguments(nodes, role: str) -> list[str]:
    """The role's required options (the role table), and every socket that does not bind by default
    connected to a tcp endpoint nobody listens on (a fresh one each, held by the scenario)."""
    args = ROLES[role].start_args(lambda _sock: nodes.vacant_tcp_endpoint(), every_socket=True)
    if role == "weather-pub":
        args += ["--rate", "100"]
    return args


def strand(nodes, node, role: str) -> str:
    """Put a ready node where it holds something it cannot deliver; return what it holds."""
    if role == "req-client":
        node.send_line("hello")
        node.wait_for(r"SENDING: hello$", what="the client sending its request")
        return "a request no server will answer"
    if role == "gateway":
        client = nodes.driver().socket("REQ")
        client.connect(node.endpoint("frontend"))
        client.send("hello")
        return "a request it takes on its frontend and owes a server that is not there"
    if role == "driver":
        push = Driver(node).socket("PUSH")
        push.connect(nodes.vacant_tcp_endpoint())
        push.send("held", timeout=0)
        return "a message queued for an endpoint nobody listens on"
    if role == "ventilator":
        return "the count N it owes a sink that is not there"
    if role == "sync-sub":
        return "its sync request to a publisher that is not there"
    return "connections to peers that are not there"


@pytest.mark.spec("NC-3")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_whose_peers_are_gone_exits_0_promptly_when_its_standard_input_ends(nodes, role):
    """End of input ends a node with status 0 within seconds, whatever it still holds for peers that
    are gone: end of input beats delivering it (a ventilator's sockets lingering forever do not)."""
    node = nodes.start(role, *stranded_arguments(nodes, role))
    held = strand(nodes, node, role)

    node.close_stdin()

    status = node.wait_exit(timeout=PROMPTLY)
    assert status == 0, f"{role}, holding {held}, ended with {node.status()} on end of input"


@pytest.mark.spec("NC-4")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_whose_peers_are_gone_ends_promptly_on_sigterm(nodes, role):
    """SIGTERM ends a node within seconds, its standard input still open, whatever it holds for
    peers that are gone (any exit status)."""
    node = nodes.start(role, *stranded_arguments(nodes, role))
    strand(nodes, node, role)

    node.signal(signal.SIGTERM)

    node.wait_exit(timeout=PROMPTLY)


@pytest.mark.spec("NC-7")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_whose_parent_is_killed_outright_ends_within_5_seconds(nodes, role):
    """A node whose parent dies by SIGKILL (no chance to close anything or signal anyone) is gone
    within 5 seconds, with its peers gone too: its standard input ends with its parent, and on
    Linux its parent-death signal comes."""
    parent = nodes.start_under_parent(role, *stranded_arguments(nodes, role))
    children = psutil.Process(parent.pid).children()
    assert len(children) == 1, f"the stand-in parent should have one child, the node; it has {children}"
    node = children[0]
    if role == "req-client":
        parent.wait_until(lambda out: ">> " in out, 10, "the client's prompt")  # it reads its input now

    os.kill(parent.pid, signal.SIGKILL)

    deadline = Deadline(PROMPTLY)
    parent.proc.wait(deadline.seconds)
    assert has_ended(node, deadline), f"{role} (pid {node.pid}) outlived its killed parent by {deadline.seconds:.0f} s"


def has_ended(process: psutil.Process, deadline: Deadline) -> bool:
    """Whether ``process`` (not our child: its reaper is someone else) ends before ``deadline``;
    a zombie has ended, whenever its new parent gets round to reaping it."""
    while not deadline.passed():
        try:
            process.wait(0.05)
            return True
        except psutil.TimeoutExpired:
            pass
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
    return False
