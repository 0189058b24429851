"""Payloads, fuzzed through live nodes (catalogue RR-1, RR-7, RR-12, PP-8).

Whatever bytes an application gives ZeroMQ come out the other side
unchanged, frame for frame: empty frames, NUL, invalid UTF-8, frames on
either side of the 255 bytes where ZMTP switches to long frames, multipart
messages (RFC 28: a REP "SHALL not filter or modify outgoing or incoming
messages in any way"). Hypothesis draws the messages; every socket under
test belongs to the implementation (driver nodes, the rep-server, the
gateway), and each example is one request and its reply, or one batch of
pushes closed by a sentinel, so none depends on timing.

Nodes start once per test and serve every example (hence the silenced
function-scoped-fixture health check): a REQ-REP exchange leaves both
sockets where they started, and an example that fails leaves fresh sockets
to the next one.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st


REPLY_TIMEOUT = 10.0
SERVER_NAME = "fuzz"

reusing_nodes = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])



def shown(frame: bytes) -> str:
    """A frame as Python, long runs of one byte written as a product."""
    if len(frame) > 16 and len(set(frame)) == 1:
        return f"{frame[:1]!r} * {len(frame)}"
    if len(frame) > 32:
        return f"{frame[:12]!r} + ... ({len(frame)} bytes, ending {frame[-4:]!r})"
    return repr(frame)


class Message(list):
    """The frames of one message, shown short in reports and counterexamples."""

    def __repr__(self) -> str:
        return "[" + ", ".join(shown(bytes(f)) for f in self) + "]"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis prints counterexamples with this
        printer.text(repr(self))


# Short frames (any bytes, the empty frame included) and frames around 255 bytes, where a
# ZMTP frame's size no longer fits in one byte.
frames = st.binary(max_size=8) | st.binary(min_size=250, max_size=300)
messages = st.lists(frames, min_size=1, max_size=4).map(Message)
MULTIPART = Message([b"a", b"", b"\x00"])
LONG_FRAME_EDGES = Message([b"\xff" * 255, b"", b"\x00" * 256])


class Exchange:
    """A REQ of a driver node, connected to a REP somewhere; re-made after a failed example."""

    def __init__(self, driver, endpoint: str, nodes_involved: list):
        self.driver, self.endpoint, self.involved = driver, endpoint, nodes_involved
        self.req = None
        self.dirty = True

    @contextmanager
    def example(self, drawn: dict):
        if self.dirty:
            if self.req is not None:
                self.req.close()
            self.req = self.driver.socket("REQ")
            self.req.connect(self.endpoint)
            self.dirty = False
        try:
            yield
        except Exception as exc:
            self.dirty = True
            commands = "; ".join(f"`{' '.join(node.argv)}` (pid {node.pid})" for node in self.involved)
            exc.add_note(f"zmqspec repro: a REQ of driver node {self.driver.node.pid} connected to {self.endpoint}; "
                         f"nodes: {commands}; drawn: {drawn!r}")
            raise

    def __repr__(self) -> str:
        return f"<a REQ of driver pid {self.driver.node.pid} connected to {self.endpoint}>"

    def ask(self, request: list[bytes]) -> list[bytes]:
        """Send ``request`` and return the reply, in one line to the driver when it can batch."""
        _, reply = self.driver.batch([self.req.command("send", frames=[f.hex() for f in request], timeout=REPLY_TIMEOUT),
                                      self.req.command("recv", timeout=REPLY_TIMEOUT)])
        return Message(bytes.fromhex(f) for f in reply["frames"])


@pytest.fixture
def to_rep_server(nodes, driver) -> Exchange:
    server = nodes.start("rep-server", "--name", SERVER_NAME)
    return Exchange(driver, server.endpoint("rep"), [server, driver.node])


@pytest.fixture
def through_gateway(nodes, driver) -> Exchange:
    servers = [nodes.start("rep-server", "--name", name, label=name) for name in ("A", "B")]
    gateway = nodes.start("gateway", *[arg for s in servers for arg in ("--backend-connect", s.endpoint("rep"))])
    return Exchange(driver, gateway.endpoint("frontend"), [gateway, *servers, driver.node])


@pytest.mark.reqrep
@pytest.mark.spec("RR-1")
@pytest.mark.spec("RR-12")
@reusing_nodes
@given(request=messages)
@example(request=MULTIPART)
@example(request=LONG_FRAME_EDGES)
def test_rep_server_returns_any_request_whole_with_its_name_before_the_first_frame(to_rep_server, request):
    """A rep-server answers any request, whatever its bytes and frames, with the same frames,
    the first one prefixed with '{name},'."""
    with to_rep_server.example({"request": request}):
        reply = to_rep_server.ask(request)
        expected = Message([SERVER_NAME.encode() + b"," + request[0], *request[1:]])
        assert reply == expected, f"the rep-server answered {request!r} with {reply!r}, not {expected!r}"


@pytest.mark.reqrep
@pytest.mark.spec("RR-7")
@pytest.mark.spec("RR-12")
@reusing_nodes
@given(request=messages)
@example(request=MULTIPART)
@example(request=LONG_FRAME_EDGES)
def test_gateway_relays_any_request_and_reply_whole_and_unchanged(through_gateway, request):
    """Through a gateway a request of any bytes and frames reaches a server unchanged, and the
    server's reply comes back unchanged."""
    with through_gateway.example({"request": request}):
        reply = through_gateway.ask(request)
        names = [f"{name},".encode() for name in ("A", "B")]
        assert reply[0][:2] in names and reply[0][2:] == request[0] and reply[1:] == request[1:], (
            f"through the gateway {request!r} came back as {reply!r}, not as b'A,' or b'B,' + "
            f"{Message(request[:1])!r} and then {Message(request[1:])!r}")


class Pair:
    """A REQ in one driver node and a REP in another: both sockets of the implementation."""

    def __init__(self, nodes):
        self.client, self.server = nodes.driver(label="req-side"), nodes.driver(label="rep-side")
        self.rep = self.server.socket("REP")
        self.endpoint = self.rep.bind()
        self.req = self.client.socket("REQ")
        self.req.connect(self.endpoint)
        self.dirty = False

    def reset(self) -> None:
        for sock in (self.req, self.rep):
            sock.close()
        self.rep = self.server.socket("REP")
        self.endpoint = self.rep.bind()
        self.req = self.client.socket("REQ")
        self.req.connect(self.endpoint)
        self.dirty = False

    def __repr__(self) -> str:
        return f"<REQ in driver pid {self.client.node.pid}, REP in driver pid {self.server.node.pid}>"

    def describe(self) -> str:
        return (f"a REQ of driver node `{' '.join(self.client.node.argv)}` (pid {self.client.node.pid}) "
                f"connected to a REP of driver node pid {self.server.node.pid} bound at {self.endpoint}")


@pytest.fixture
def pair(nodes) -> Pair:
    return Pair(nodes)


@pytest.mark.reqrep
@pytest.mark.spec("RR-12")
@reusing_nodes
@given(request=messages, reply=messages)
@example(request=MULTIPART, reply=Message([b""]))
@example(request=LONG_FRAME_EDGES, reply=MULTIPART)
def test_req_and_rep_carry_any_request_and_reply_whole_and_unchanged(pair, request, reply):
    """A REP receives exactly the frames a REQ sent, and the REQ exactly the frames the REP
    replied: any bytes, empty frames, multipart."""
    if pair.dirty:
        pair.reset()
    try:
        pair.req.send(*request, timeout=REPLY_TIMEOUT)
        received, _ = pair.server.batch([pair.rep.command("recv", timeout=REPLY_TIMEOUT),
                                         pair.rep.command("send", frames=[f.hex() for f in reply],
                                                          timeout=REPLY_TIMEOUT)])
        received = Message(bytes.fromhex(f) for f in received["frames"])
        assert received == request, f"the REQ sent {request!r}, the REP received {received!r}"
        answered = Message(pair.req.recv(timeout=REPLY_TIMEOUT))
        assert answered == reply, f"the REP replied {reply!r}, the REQ received {answered!r}"
    except Exception as exc:
        pair.dirty = True
        exc.add_note(f"zmqspec repro: {pair.describe()}; request {request!r}, reply {reply!r}")
        raise


class Pipeline:
    """A PUSH in one driver node and a PULL in another; re-made after a failed example."""

    def __init__(self, nodes):
        self.pusher, self.puller = nodes.driver(label="push-side"), nodes.driver(label="pull-side")
        self.push = self.pull = None
        self.sentinels = 0
        self.dirty = True

    def reset(self) -> None:
        for sock in (self.push, self.pull):
            if sock is not None:
                sock.close()
        self.pull = self.puller.socket("PULL")
        self.endpoint = self.pull.bind()
        self.push = self.pusher.socket("PUSH")
        self.push.connect(self.endpoint)
        self.dirty = False

    def __repr__(self) -> str:
        return f"<PUSH in driver pid {self.pusher.node.pid}, PULL in driver pid {self.puller.node.pid}>"

    def describe(self) -> str:
        return (f"a PUSH of driver node `{' '.join(self.pusher.node.argv)}` (pid {self.pusher.node.pid}) "
                f"connected to a PULL of driver node pid {self.puller.node.pid} bound at {self.endpoint}")


@pytest.fixture
def pipeline(nodes) -> Pipeline:
    return Pipeline(nodes)


@pytest.mark.pipeline
@pytest.mark.spec("PP-8")
@pytest.mark.spec("PP-13")
@pytest.mark.spec("RR-12")
@reusing_nodes
@given(batch=st.lists(messages, max_size=8))
@example(batch=[MULTIPART, Message([b""]), Message([b""])])
@example(batch=[LONG_FRAME_EDGES])
def test_push_pull_deliver_every_message_once_whole_and_in_order(pipeline, batch):
    """Whatever a PUSH sends reaches the PULL it is connected to once, whole and unchanged, in
    send order: the messages before a sentinel are exactly the ones sent before it."""
    if pipeline.dirty:
        pipeline.reset()
    pipeline.sentinels += 1
    sentinel = [b"sentinel:%d" % pipeline.sentinels]  # 10 to 249 bytes: no drawn frame has that size
    try:
        pipeline.push.send_many([*batch, sentinel], timeout=REPLY_TIMEOUT)
        got, found = pipeline.pull.recv_until(*sentinel, timeout=REPLY_TIMEOUT)
        got = [Message(m) for m in got]
        assert found, f"the sentinel {sentinel!r}, pushed after {len(batch)} messages, did not arrive; got {got!r}"
        assert got == batch, f"pushed {batch!r}, pulled {got!r} before the sentinel"
    except Exception as exc:
        pipeline.dirty = True
        exc.add_note(f"zmqspec repro: {pipeline.describe()}; pushed {batch!r}, then {sentinel!r}")
        raise
