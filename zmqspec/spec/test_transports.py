"""Transports and sockets: the same patterns over every transport, and the errors (catalogue TR-*).

Every socket whose behaviour is judged here belongs to the implementation
under test: driver nodes, or role nodes. Over tcp and ipc the two ends live
in two driver nodes (two processes); inproc only exists inside one process,
so there both ends are sockets of one driver.
"""

from __future__ import annotations

import socket as stdlib_socket

import pytest

from zmqspec.contract import READY_PREFIX, ROLES
from zmqspec.harness import Deadline, DriverError, require_transport
from zmqspec.spec.helpers import expect_errno

pytestmark = pytest.mark.transport

LOCAL_TRANSPORTS = ["tcp", "ipc", "inproc"]
SEED_ONLY_TRANSPORTS = ["pgm", "epgm", "vmci"]


# -- helpers ---------------------------------------------------------------

@pytest.fixture
def transports(driver) -> list[str]:
    """The transports the implementation says it has (the driver's hello)."""
    listed = driver.hello().get("transports")
    assert isinstance(listed, list), f"the driver's hello has no 'transports' list: {listed!r}"
    return listed


def two_ends(nodes, driver, transport: str):
    """The drivers holding the binding and the connecting end: one process for inproc, two otherwise."""
    return (driver, driver) if transport == "inproc" else (driver, nodes.driver(label="far end"))


def recv_until(sock, wanted: bytes, timeout: float = 10.0) -> list[list[bytes]]:
    """Every message ``sock`` receives up to and including the one whose first frame is ``wanted``."""
    got = []
    deadline = Deadline(timeout)
    while not got or got[-1][0] != wanted:
        assert not deadline.passed(), f"{wanted!r} did not arrive; got {got}"
        got.append(sock.recv(timeout=timeout))
    return got


def send_until_received(sender, receiver, frame: bytes, timeout: float = 15.0) -> list[bytes]:
    """Send ``frame`` again and again until ``receiver`` gets one (a PUB reaches a SUB only once
    the subscription has arrived); return what arrived."""
    deadline = Deadline(timeout)
    while True:
        assert not deadline.passed(), f"{frame!r} never reached {receiver!r} within {deadline.seconds:.1f} s"
        sender.send(frame)
        try:
            return receiver.recv(timeout=0.2)
        except DriverError as nothing:
            assert nothing.errno == "EAGAIN", nothing


def drain(sock) -> list[list[bytes]]:
    """What is queued on ``sock`` right now (use only after proof that later messages arrived)."""
    got = []
    while True:
        try:
            got.append(sock.recv(timeout=0))
        except DriverError as nothing:
            assert nothing.errno == "EAGAIN", nothing
            return got
        if sock.type == "REP":
            sock.send(b"ack")


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {text!r}"
    return lines[0]


# -- TR-1: every pattern over every local transport --------------------------

@pytest.mark.spec("TR-1")
@pytest.mark.spec("RR-3")
@pytest.mark.parametrize("transport", LOCAL_TRANSPORTS)
def test_req_rep_exchanges_in_lock_step_over_each_transport(nodes, driver, endpoints, transports, transport):
    """REQ-REP behaves the same over tcp, ipc and inproc: each request gets its reply, in turn."""
    require_transport(transport, transports)
    here, there = two_ends(nodes, driver, transport)
    rep = here.socket("REP")
    endpoint = rep.bind(endpoints.bindable(transport))
    req = there.socket("REQ")
    req.connect(endpoint)
    for i in range(3):
        req.send(f"ping {i}", "second frame")
        assert rep.recv() == [f"ping {i}".encode(), b"second frame"], f"over {transport}"
        rep.send(f"pong {i}")
        assert req.recv() == [f"pong {i}".encode()], f"over {transport}"


@pytest.mark.spec("TR-1")
@pytest.mark.parametrize("transport", LOCAL_TRANSPORTS)
def test_pub_sub_filters_by_prefix_over_each_transport(nodes, driver, endpoints, transports, transport):
    """PUB-SUB behaves the same over tcp, ipc and inproc: a subscriber gets the matching
    messages in publish order and none of the others."""
    require_transport(transport, transports)
    here, there = two_ends(nodes, driver, transport)
    pub = here.socket("PUB")
    endpoint = pub.bind(endpoints.bindable(transport))
    sub = there.socket("SUB")
    sub.connect(endpoint)
    sub.subscribe(b"news")
    send_until_received(pub, sub, b"news warm-up")

    published = [b"sport 1", b"news 1", b"sport 2", b"news 2", b"weather", b"news 3", b"news end"]
    for message in published:
        pub.send(message)
    got = [frames[0] for frames in recv_until(sub, b"news end")]
    got = [message for message in got if message != b"news warm-up"]
    assert got == [b"news 1", b"news 2", b"news 3", b"news end"], f"over {transport} the subscriber got {got}"


@pytest.mark.spec("TR-1")
@pytest.mark.parametrize("transport", LOCAL_TRANSPORTS)
def test_push_pull_delivers_every_message_in_order_over_each_transport(nodes, driver, endpoints, transports,
                                                                        transport):
    """PUSH-PULL behaves the same over tcp, ipc and inproc: every message arrives, whole and in order."""
    require_transport(transport, transports)
    here, there = two_ends(nodes, driver, transport)
    push = here.socket("PUSH")
    endpoint = push.bind(endpoints.bindable(transport))
    pull = there.socket("PULL")
    pull.connect(endpoint)
    sent = [[f"task {i}".encode(), b"x" * i] for i in range(20)]
    for frames in sent:
        push.send(*frames)
    got = [pull.recv() for _ in sent]
    assert got == sent, f"over {transport} the puller got {got}"


@pytest.mark.spec("TR-1")
def test_echo_server_and_client_nodes_talk_over_ipc(nodes, endpoints, transports):
    """The seed's server and client work over ipc as over tcp."""
    require_transport("ipc", transports)
    server = nodes.start("rep-server", "--name", "local", "--bind", endpoints.bindable("ipc"))
    client = nodes.start("req-client", "--connect", server.endpoint("rep"))
    client.send_line("over ipc")
    client.send_line("bye")
    assert client.wait_exit() == 0
    assert "RECEIVED: over ipc FROM local\n" in client.output, f"the client printed {client.output!r}"


# -- TR-2: the seed's other transports ----------------------------------------

def seed_only_endpoint(transport: str) -> str:
    if transport == "vmci":
        return "vmci://*:*"
    with stdlib_socket.socket(stdlib_socket.AF_INET, stdlib_socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"{transport}://127.0.0.1;239.192.1.1:{port}"


@pytest.mark.spec("TR-2")
@pytest.mark.parametrize("transport", SEED_ONLY_TRANSPORTS)
def test_a_listed_seed_transport_carries_a_message(nodes, driver, transports, transport):
    """pgm, epgm and vmci, where the implementation lists them, carry a message end to end
    (multicast ones PUB to SUB); where it does not, this test is skipped with that reason."""
    require_transport(transport, transports)
    other = nodes.driver(label="far end")
    if transport == "vmci":
        rep = driver.socket("REP")
        req = other.socket("REQ")
        req.connect(rep.bind(seed_only_endpoint(transport)))
        req.send("over vmci")
        assert rep.recv() == [b"over vmci"]
        return
    endpoint = seed_only_endpoint(transport)
    sub = other.socket("SUB")
    sub.subscribe(b"")
    sub.connect(endpoint)
    pub = driver.socket("PUB")
    pub.connect(endpoint)
    assert send_until_received(pub, sub, f"over {transport}".encode(), timeout=30) == [f"over {transport}".encode()]


@pytest.mark.spec("TR-6")
@pytest.mark.parametrize("transport", SEED_ONLY_TRANSPORTS)
def test_an_unlisted_seed_transport_is_refused_with_eprotonosupport(driver, transports, transport):
    """A transport the implementation does not list is refused at once (EPROTONOSUPPORT),
    not accepted and left silent."""
    if transport in transports:
        pytest.skip(f"the implementation lists {transport}; the round-trip test covers it")
    sock = driver.socket("PUB" if transport != "vmci" else "REP")
    expect_errno("EPROTONOSUPPORT", sock.bind, seed_only_endpoint(transport))
    expect_errno("EPROTONOSUPPORT", sock.connect, seed_only_endpoint(transport))


@pytest.mark.spec("TR-6")
@pytest.mark.parametrize("transport", SEED_ONLY_TRANSPORTS)
def test_a_node_told_to_bind_an_unlisted_transport_exits_1_with_one_line(nodes, transports, transport):
    """A node given an endpoint of a transport the implementation lacks says so in one line
    naming EPROTONOSUPPORT and exits 1, without claiming to be ready."""
    if transport in transports:
        pytest.skip(f"the implementation lists {transport}")
    server = nodes.start("rep-server", "--bind", seed_only_endpoint(transport), ready=False)
    assert server.wait_refusal() == 1, f"{server.name} ended with {server.status()}"
    line = one_line(server.stderr)
    assert "EPROTONOSUPPORT" in line, f"the error line does not name EPROTONOSUPPORT: {line!r}"
    assert READY_PREFIX not in server.stdout, "the node announced itself ready"


# -- TR-3: incompatible socket types ----------------------------------------

INCOMPATIBLE = [  # (receiver, a sender it must refuse, a sender it accepts)
    ("PULL", "REQ", "PUSH"),
    ("PULL", "DEALER", "PUSH"),
    ("SUB", "REQ", "PUB"),
    ("SUB", "PUSH", "PUB"),
    ("REP", "PUSH", "REQ"),
    ("ROUTER", "PUSH", "DEALER"),
]


@pytest.mark.spec("TR-3")
@pytest.mark.parametrize("receiver,refused,accepted", INCOMPATIBLE,
                         ids=[f"{r}-with-{s}" for r, s, _ in INCOMPATIBLE])
def test_incompatible_socket_types_never_deliver(nodes, driver, receiver, refused, accepted):
    """Sockets of incompatible types never deliver to each other: what the refused sender sends
    never arrives, while a compatible sender's sentinel, sent later to the same endpoint, does."""
    inbox = driver.socket(receiver)
    if receiver == "SUB":
        inbox.subscribe(b"")
    endpoint = inbox.bind("tcp://127.0.0.1:*")
    senders = nodes.driver(label="senders")

    wrong = senders.socket(refused)
    try:
        wrong.connect(endpoint)
    except DriverError:
        pass  # a stack that handshakes inside connect may refuse the peer there: it never delivers either
    else:
        try:
            wrong.send(b"forbidden", timeout=1)
        except DriverError as blocked:  # never writable is a fine way to never deliver
            assert blocked.errno == "EAGAIN", f"the {refused} send failed oddly: {blocked}"

    right = senders.socket(accepted)
    right.connect(endpoint)
    if accepted == "PUB":
        first = send_until_received(right, inbox, b"sentinel")
    else:
        right.send(b"sentinel")
        first = inbox.recv(timeout=10)
    assert first[-1] == b"sentinel", f"the {receiver}'s first message was {first}, not the sentinel"
    if receiver == "REP":
        inbox.send(b"ack")

    later = drain(inbox)
    leaked = [frames for frames in [first, *later] if b"forbidden" in frames]
    assert not leaked, f"a {refused} delivered {leaked} to a {receiver}"


# -- TR-4: reconnection -----------------------------------------------------

@pytest.mark.spec("TR-4")
@pytest.mark.parametrize("transport", ["tcp", "ipc"])
def test_client_reaches_a_server_that_died_and_came_back_on_the_same_endpoint(nodes, endpoints, transports,
                                                                             transport):
    """A server that is killed and started again on the same endpoint is reconnected without
    the client doing anything: the client's next request reaches the new server."""
    require_transport(transport, transports)
    first = nodes.start("rep-server", "--name", "first", "--bind", endpoints.bindable(transport))
    endpoint = first.endpoint("rep")
    client = nodes.start("req-client", "--connect", endpoint)
    client.send_line("before")
    client.wait_for(r"^RECEIVED: before FROM first$", what="the reply from the first server")

    first.signal(9)
    first.wait_exit()
    second = nodes.start("rep-server", "--name", "second", "--bind", endpoint)
    client.send_line("after")
    client.wait_for(r"^RECEIVED: after FROM second$", timeout=20, what="the reply from the restarted server")
    second.wait_for("^RECEIVED: after$", what="the restarted server's line for the request")


@pytest.mark.spec("TR-4")
def test_driver_req_resumes_after_its_server_restarts(nodes, driver):
    """A REQ socket whose server dies between requests talks to its replacement on the same
    endpoint, with no reconnect call."""
    first = nodes.start("rep-server", "--name", "first")
    endpoint = first.endpoint("rep")
    req = driver.socket("REQ")
    req.connect(endpoint)
    for i in range(2):
        req.send(f"one {i}")
        assert req.recv_one() == f"first,one {i}".encode()

    first.signal(9)
    first.wait_exit()
    nodes.start("rep-server", "--name", "second", "--bind", endpoint)
    req.send("two")
    assert req.recv_one(timeout=20) == b"second,two", "the REQ did not resume with the restarted server"


# -- TR-5: clear errors -----------------------------------------------------

# Every role with sockets (the role table): its first socket is told to bind a busy endpoint, and it
# is given all else it needs to start (contract section 6: the command line is checked first).
BINDING_ROLES = [(name, role.sockets[0].bind_option) for name, role in ROLES.items() if role.sockets]


@pytest.mark.spec("TR-5")
@pytest.mark.parametrize("role,option", BINDING_ROLES, ids=[role for role, _ in BINDING_ROLES])
def test_node_given_a_busy_endpoint_exits_non_zero_naming_eaddrinuse(nodes, driver, role, option):
    """A node told to bind an endpoint already bound fails at once: one line on stderr naming
    EADDRINUSE and the endpoint, a non-zero exit status, and no ready line."""
    busy = driver.socket("PULL").bind("tcp://127.0.0.1:*")  # any socket type: it only holds the port
    elsewhere = driver.socket("PULL").bind("tcp://127.0.0.1:*")  # where its other sockets connect
    spec = ROLES[role]
    node = nodes.start(role, option, busy, *spec.start_args(lambda sock: elsewhere, leave_out=(spec.sockets[0].name,)),
                       ready=False)
    status = node.wait_refusal(timeout=10)
    assert status != 0, f"{node.name} exited 0 although its endpoint was busy"
    line = one_line(node.stderr)
    assert "EADDRINUSE" in line, f"the error line does not name EADDRINUSE: {line!r}"
    port = busy.rsplit(":", 1)[1]
    assert port in line, f"the error line does not say which endpoint ({busy}): {line!r}"
    assert READY_PREFIX not in node.stdout, "the node announced itself ready on a busy endpoint"


@pytest.mark.spec("TR-5")
@pytest.mark.parametrize("transport", ["tcp", "inproc"])
def test_binding_an_endpoint_already_bound_fails_with_eaddrinuse(driver, endpoints, transport):
    """A socket binding an endpoint another socket holds gets EADDRINUSE at once, and the
    first socket keeps it. (ipc is left out: libzmq takes an ipc path over silently.)"""
    holder = driver.socket("PULL")
    endpoint = holder.bind(endpoints.bindable(transport))
    expect_errno("EADDRINUSE", driver.socket("PULL").bind, endpoint)

    sender = driver.socket("PUSH")
    sender.connect(endpoint)
    sender.send(b"still here")
    assert holder.recv() == [b"still here"], "the first socket lost its endpoint to the refused bind"


@pytest.mark.spec("NC-5")
@pytest.mark.parametrize("role", ROLES)
def test_node_given_an_unknown_option_exits_2_with_one_line(nodes, role):
    """A node given an option it does not know exits 2 with one line naming that option,
    without claiming to be ready."""
    # the role's required options and needed endpoints are given, so the only problem is the unknown
    # option; the command line is checked before any socket (contract section 6), so none is used
    node = nodes.start(role, "--no-such-option", *ROLES[role].start_args(lambda sock: "tcp://127.0.0.1:*"),
                       ready=False)
    assert node.wait_refusal(timeout=10) == 2, f"{node.name} ended with {node.status()}"
    line = one_line(node.stderr)
    assert "--no-such-option" in line, f"the error line does not name the option: {line!r}"
    assert READY_PREFIX not in node.stdout, "the node announced itself ready"
