"""REQ-REP lock-step as a state machine, against live sockets (catalogue RR-3, RR-1, RR-12).

RFC 28: a REQ "SHALL send and then receive exactly one message at a time",
a REP "SHALL receive and then send exactly one message at a time". Hypothesis
makes sends and receives in random orders on the implementation's REQ (in a
driver node), against a live REP; the model in zmqspec/spec/model.py says before
each call whether it must succeed (and with which frames) or fail (EFSM out
of turn; EAGAIN for a receive that may not wait, when nothing was sent to it,
so no timing decides it).

Nodes start once per test and serve every example. Each example ends by
finishing the exchange it left open (the model says how), so the next one
starts from the beginning; an example that fails leaves fresh sockets.
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from zmqspec.spec.model import EAGAIN, OK, Outcome, ReqRep
from zmqspec.harness import DriverError

pytestmark = pytest.mark.reqrep

REPLY_TIMEOUT = 10.0
SERVER_NAME = "fsm"

messages = st.lists(st.binary(max_size=4), min_size=1, max_size=3)


def machine_settings() -> settings:
    return settings(max_examples=max(5, settings.default.max_examples // 2), stateful_step_count=20)


def outcome_of(call, expected: Outcome) -> Outcome:
    """Make a driver call; a receive the model expects to fail with EAGAIN may not wait."""
    try:
        frames = call(0.0 if expected.result == EAGAIN else REPLY_TIMEOUT)
    except DriverError as exc:
        return Outcome(exc.errno)
    return Outcome(OK, tuple(frames) if frames is not None else None)


class Sockets:
    """The live sockets of one test: made once, made again after a failed example."""

    def __init__(self, nodes, make):
        self.nodes, self.make = nodes, make
        self.made: dict = {}
        self.dirty = True  # true from the start of a call until it returned as the model said

    def ready(self) -> dict:
        if self.dirty:
            for sock in self.made.values():
                sock.close()
            self.made = self.make()
            self.dirty = False
        return self.made

    def repro(self) -> str:
        commands = "; ".join(f"`{' '.join(node.argv)}` (pid {node.pid})" for node in self.nodes.started)
        return f"zmqspec repro: nodes {commands}; sockets {self.made}"


class LockStep(RuleBasedStateMachine):
    """Calls judged by the model; ``sockets`` and ``server_replies`` are set by each test."""

    sockets: Sockets

    def __init__(self):
        super().__init__()
        self.model = ReqRep()
        self.live = self.sockets.ready()

    def judge(self, what: str, expected: Outcome, call) -> None:
        self.sockets.dirty = True
        actual = outcome_of(call, expected)
        assert actual == expected, f"{what}: the model says {expected!r}, the socket did {actual!r}"
        self.sockets.dirty = False

    def req_send(self, frames: list[bytes]) -> None:
        req = self.live["req"]
        self.judge(f"REQ send {frames!r}", self.model.req_send(frames), lambda wait: req.send(*frames, timeout=wait))

    def req_recv(self) -> None:
        req = self.live["req"]
        self.judge("REQ recv", self.model.req_recv(), lambda wait: req.recv(timeout=wait))

    def teardown(self) -> None:
        if self.sockets.dirty:
            return  # a call failed: the next example gets fresh sockets
        try:
            self.finish()
        except Exception:
            self.sockets.dirty = True
            raise


class ReqAgainstRepServer(LockStep):
    """A REQ of a driver node talking to the seed's echo server, which answers every request."""

    @rule(frames=messages)
    def send(self, frames):
        self.req_send(frames)
        if self.model.request is not None:  # the server takes it and answers '{name},{first frame}'
            request = self.model.rep_recv().frames
            self.model.rep_send([SERVER_NAME.encode() + b"," + request[0], *request[1:]])

    @rule()
    def recv(self):
        self.req_recv()

    def finish(self) -> None:
        if self.model.req_awaits_reply:
            self.req_recv()


class ReqAgainstDriverRep(LockStep):
    """A REQ of one driver node and a REP of another, each call made by hypothesis."""

    @rule(frames=messages)
    def send_request(self, frames):
        self.req_send(frames)

    @rule()
    def receive_reply(self):
        self.req_recv()

    @rule()
    def receive_request(self):
        rep = self.live["rep"]
        self.judge("REP recv", self.model.rep_recv(), lambda wait: rep.recv(timeout=wait))

    @rule(frames=messages)
    def send_reply(self, frames):
        rep = self.live["rep"]
        self.judge(f"REP send {frames!r}", self.model.rep_send(frames), lambda wait: rep.send(*frames, timeout=wait))

    @precondition(lambda self: not self.model.idle)
    @rule()
    def finish_the_exchange(self):
        """What teardown does, also as a step, so the machine goes round the cycle."""
        self.finish()

    def finish(self) -> None:
        if self.model.request is not None:
            self.receive_request()
        if self.model.rep_owes_reply:
            self.send_reply([b"done"])
        if self.model.req_awaits_reply:
            self.receive_reply()


def run_machine(machine: type[LockStep], sockets: Sockets) -> None:
    machine = type(machine.__name__, (machine,), {"sockets": sockets})
    try:
        run_state_machine_as_test(machine, settings=machine_settings())
    except Exception as exc:
        exc.add_note(sockets.repro())
        raise


@pytest.mark.spec("RR-3")
@pytest.mark.spec("RR-1")
def test_req_sends_and_receives_in_lock_step_with_a_rep_server(nodes, driver):
    """Against the echo server, a REQ's send succeeds only when it is not awaiting a reply, and its
    receive only after a send, returning '{name},{first frame}' and the other frames; each call
    out of turn fails with EFSM."""
    server = nodes.start("rep-server", "--name", SERVER_NAME)

    def make() -> dict:
        req = driver.socket("REQ")
        req.connect(server.endpoint("rep"))
        return {"req": req}

    run_machine(ReqAgainstRepServer, Sockets(nodes, make))


@pytest.mark.spec("RR-3")
@pytest.mark.spec("RR-12")
def test_req_and_rep_each_refuse_calls_out_of_turn(nodes):
    """A REQ must send, then receive; a REP must receive, then send. Any call out of turn fails
    with EFSM, a receive with nothing sent to it finds nothing, and every message in turn arrives
    whole."""
    client, server = nodes.driver(label="req-side"), nodes.driver(label="rep-side")

    def make() -> dict:
        rep = server.socket("REP")
        req = client.socket("REQ")
        req.connect(rep.bind())
        return {"req": req, "rep": rep}

    run_machine(ReqAgainstDriverRep, Sockets(nodes, make))
