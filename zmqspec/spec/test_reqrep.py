"""REQ-REP: the seed's echo servers and the alternating client (catalogue RR-*).

Rules about one socket (lock-step, envelopes, who a REQ listens to) are
checked on the implementation's own sockets, through driver nodes; the
in-process ROUTER and DEALER peers only look at what those sockets put on
the wire. RFC 28 is rfc.zeromq.org/spec/28/REQREP.
"""

from __future__ import annotations

import re

import pytest
import zmq

from zmqspec.harness import (
    DEADLINE_MARK, Deadline, DeadlinePassed, DriverError, milliseconds, recv_within,
)
from zmqspec.spec.helpers import expect_errno

pytestmark = pytest.mark.reqrep

REPLY_LINE = re.compile(r"^RECEIVED: (.*) FROM (.*)$", re.MULTILINE)
PROMPT = ">> "
# The rep-server's own lines (RR-1) are read by RR-1's tests alone: every other test learns who
# answered from the reply's name, or plays the server itself through a driver (one deviation, one id).
SERVER_HEAD = ["STARTING SERVER", "READY"]


def server_lines(name: str, *requests: str) -> list[str]:
    """What RR-1 says a rep-server named ``name`` prints after its head for ``requests``."""
    return [line for m in requests for line in (f"RECEIVED: {m}", f"SENDING:  {name},{m}")]


# -- helpers ---------------------------------------------------------------

def connect_args(servers, socket="rep"):
    return [arg for server in servers for arg in ("--connect", server.endpoint(socket))]


def converse(client, lines):
    """Type ``lines`` and 'bye' into a req-client; return its (message, server name) replies."""
    for line in [*lines, "bye"]:
        client.send_line(line)
    assert client.wait_exit() == 0, f"req-client ended with {client.status()} after the reply to 'bye', not 0"
    return REPLY_LINE.findall(client.output)


def ask(client, line: str) -> tuple[str, str]:
    """Type one line into a running req-client and wait for its reply: (message, server name).
    A reply line for another message fails at once."""
    before = len(REPLY_LINE.findall(client.output))
    client.send_line(line)
    client.wait_until(lambda _: len(REPLY_LINE.findall(client.output)) > before, 10, f"the reply to {line!r}")
    message, name = REPLY_LINE.findall(client.output)[before]
    assert message == line, f"the reply to {line!r} was printed as {message!r} (from {name!r})"
    return message, name


def assert_in_turn(names: list[str], servers: str) -> None:
    """``names`` (who answered requests 1..n) follow one fixed cycle over every server."""
    k = len(servers)
    cycle = names[:k]
    assert sorted(cycle) == sorted(servers), f"the first {k} requests went to {cycle}, not to each of {servers}"
    assert names == [cycle[i % k] for i in range(len(names))], f"servers answered in the order {names}"


def vacant_endpoint(nodes, endpoints, transport: str) -> str:
    return nodes.vacant_tcp_endpoint() if transport == "tcp" else endpoints.bindable(transport)


def recv_from_either(routers, timeout: float, what: str) -> tuple[int, list[bytes]]:
    """The first message on any of ``routers``: (index of that router, frames)."""
    poller = zmq.Poller()
    for sock in routers:
        poller.register(sock, zmq.POLLIN)
    deadline = Deadline(timeout)
    ready = dict(poller.poll(milliseconds(deadline)))
    for index, sock in enumerate(routers):
        if sock in ready:
            return index, sock.recv_multipart(zmq.NOBLOCK)
    raise DeadlinePassed(f"{DEADLINE_MARK} {what} did not arrive within {deadline.seconds:.1f} s")


# -- RR-1: the echo server --------------------------------------------------

@pytest.mark.spec("RR-1")
def test_rep_server_prints_starting_ready_then_each_request_and_its_reply(nodes, driver):
    """A server prints 'STARTING SERVER', then 'READY' once bound, then per request
    'RECEIVED: {m}' and 'SENDING:  {name},{m}' (two spaces), byte for byte as in the seed."""
    server = nodes.start("rep-server", "--name", "A")
    client = driver.socket("REQ")
    client.connect(server.endpoint("rep"))
    for message in ("hello", "world"):
        client.send(message)
        client.recv_one()

    server.expect_lines([*SERVER_HEAD, *server_lines("A", "hello", "world")], what="the server's lines")


@pytest.mark.spec("RR-1")
@pytest.mark.parametrize("message", ["hello", "a,b,c", "", "héllo wörld", "  padded  "],
                         ids=["word", "commas", "empty", "utf8", "spaces"])
def test_rep_server_replies_with_its_name_a_comma_and_the_request(nodes, driver, message):
    """A server started with a name replies to a request m with exactly '{name},{m}'."""
    server = nodes.start("rep-server", "--name", "srv-7")
    client = driver.socket("REQ")
    client.connect(server.endpoint("rep"))
    client.send(message)
    reply = client.recv_one()
    assert reply == f"srv-7,{message}".encode(), f"request {message!r} got the reply {reply!r}"
    server.expect_lines([*SERVER_HEAD, *server_lines("srv-7", message)], what=f"the lines for request {message!r}")


# -- RR-3: lock-step --------------------------------------------------------

@pytest.mark.spec("RR-3")
def test_req_receive_before_any_send_fails_with_efsm(driver):
    """A REQ socket's receive before any send fails (EFSM in libzmq) instead of waiting."""
    req = driver.socket("REQ")
    req.bind("tcp://127.0.0.1:*")
    expect_errno("EFSM", req.recv, timeout=1)


@pytest.mark.spec("RR-3")
def test_req_second_send_before_the_reply_fails_with_efsm_and_sends_nothing(nodes, driver):
    """A REQ must get the reply before it may send again: a second send fails with EFSM,
    and only the first request reaches the server."""
    rep = driver.socket("REP")
    endpoint = rep.bind("tcp://127.0.0.1:*")
    client = nodes.driver(label="client")
    req = client.socket("REQ")
    req.connect(endpoint)
    req.send("first")
    expect_errno("EFSM", req.send, "second")

    assert rep.recv_one() == b"first", "the server's first request is not 'first'"
    rep.send("A,first")
    assert req.recv_one() == b"A,first", "the first request's reply still arrives after the refused send"
    req.send("third")
    got = rep.recv_one()
    assert got == b"third", f"the server's second request was {got!r}, not 'third': the refused send reached it"


@pytest.mark.spec("RR-3")
def test_req_may_send_again_once_it_has_the_reply(nodes, driver):
    """After each reply a REQ may send the next request: send, receive, repeated, never EFSM."""
    server = nodes.start("rep-server", "--name", "A")
    req = driver.socket("REQ")
    req.connect(server.endpoint("rep"))
    replies = []
    for i in range(5):
        req.send(f"r{i}")
        replies.append(req.recv_one())
    assert replies == [f"A,r{i}".encode() for i in range(5)], f"the lock-step exchange gave {replies}"


@pytest.mark.spec("RR-3")
def test_rep_send_before_any_receive_fails_with_efsm(driver):
    """REP mirrors REQ: receive, then send. A send before any receive fails with EFSM."""
    rep = driver.socket("REP")
    rep.bind("tcp://127.0.0.1:*")
    expect_errno("EFSM", rep.send, "unasked")


@pytest.mark.spec("RR-3")
def test_rep_second_receive_before_replying_fails_with_efsm(nodes, driver):
    """A REP that has received a request must reply before it receives again: EFSM,
    and the reply it then sends reaches the requester."""
    rep = driver.socket("REP")
    endpoint = rep.bind("tcp://127.0.0.1:*")
    requester = nodes.driver(label="requester")
    req = requester.socket("REQ")
    req.connect(endpoint)
    req.send("question")
    assert rep.recv_one() == b"question"
    expect_errno("EFSM", rep.recv, timeout=1)
    rep.send("answer")
    assert req.recv_one() == b"answer", "the REP's reply after the refused receive reaches the REQ"


# -- RR-4: the client -------------------------------------------------------

@pytest.mark.spec("RR-4")
def test_req_client_prompts_prints_what_it_sends_and_who_replied_then_exits_after_bye(nodes):
    """The client prints the prompt '>> ' before reading each line, 'SENDING: {line}', then
    'RECEIVED: {message} FROM {name}', and exits 0 after the reply to 'bye'."""
    server = nodes.start("rep-server", "--name", "A")
    client = nodes.start("req-client", "--connect", server.endpoint("rep"))
    client.wait_until(lambda _: client.output == PROMPT, 10, "the first prompt '>> '")
    client.send_line("hello")
    client.wait_until(lambda _: client.output.endswith("\n" + PROMPT), 10, "the prompt after the first reply")
    client.send_line("bye")

    assert client.wait_exit() == 0, f"req-client ended with {client.status()} after 'bye'"
    expected = ">> SENDING: hello\nRECEIVED: hello FROM A\n>> SENDING: bye\nRECEIVED: bye FROM A\n"
    assert client.output == expected, f"the client printed {client.output!r}, expected {expected!r}"


@pytest.mark.spec("RR-4")
def test_req_client_splits_the_reply_at_the_first_comma_and_waits_for_the_reply_to_bye(nodes, driver):
    """The client names the server by the reply's text before its first comma, and the
    message is everything after it; after 'bye' it exits 0 only once the reply has come."""
    rep = driver.socket("REP")
    client = nodes.start("req-client", "--connect", rep.bind("tcp://127.0.0.1:*"))
    client.send_line("x")
    assert rep.recv_one() == b"x"
    rep.send("far-away,a,b,c")
    client.wait_line("RECEIVED: a,b,c FROM far-away", "RECEIVED:", what="the reply split at its first comma")

    client.send_line("bye")
    assert rep.recv_one() == b"bye"
    client.still_running("before the reply to 'bye' was sent")
    rep.send("D,bye")
    assert client.wait_exit() == 0, f"req-client ended with {client.status()} after the reply to 'bye'"
    assert client.output.endswith("RECEIVED: bye FROM D\n"), f"the client printed {client.output!r}"


@pytest.mark.spec("RR-4")
def test_req_client_sends_nothing_after_bye(nodes):
    """'bye' ends the conversation: lines typed after it are never sent."""
    server = nodes.driver(label="server")
    rep = server.socket("REP")
    client = nodes.start("req-client", "--connect", rep.bind("tcp://127.0.0.1:*"))
    client.send_line("one\nbye\nnever")  # one write: the client may be gone before a later one
    for expected in ("one", "bye"):
        got = rep.recv_one()
        assert got == expected.encode(), f"the server got {got!r} where the client should have sent {expected!r}"
        rep.send(f"A,{expected}")
    assert client.wait_exit() == 0, f"req-client ended with {client.status()} after the reply to 'bye', not 0"
    assert "never" not in client.output, f"the client went on after 'bye': {client.output!r}"


# -- RR-2: turn-taking ------------------------------------------------------

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
    assert_in_turn(names, "ABC")
    for name in "ABC":
        share = names.count(name)
        assert share in (len(replies) // 3, len(replies) // 3 + 1), f"server {name} answered {share} of {names}"


# -- RR-5, RR-6: bind and connect --------------------------------------------

@pytest.mark.spec("RR-5")
@pytest.mark.spec("RR-2")
def test_a_binding_client_spreads_requests_over_servers_that_connect_to_it(nodes):
    """Bind and connect do not depend on the role: a client that binds, with servers that
    connect to it, sends its requests to them in turn just the same."""
    client = nodes.start("req-client", "--bind", "tcp://127.0.0.1:*")
    for name in "ABC":
        nodes.start("rep-server", "--name", name, "--connect", client.endpoint("req"), label=name)

    # Connections to a bound socket arrive when each server gets through; the turn-taking
    # rule is about the servers connected, so first wait until every one has answered.
    deadline = Deadline(15)
    seen: set[str] = set()
    while seen != set("ABC"):
        assert not deadline.passed(), f"only {sorted(seen)} of A, B, C ever answered the bound client"
        seen.add(ask(client, "warm-up")[1])

    names = [ask(client, f"m{i}")[1] for i in range(9)]
    assert_in_turn(names, "ABC")
    client.send_line("bye")
    assert client.wait_exit() == 0


@pytest.mark.spec("RR-5")
def test_a_connecting_server_answers_like_a_binding_one(nodes, driver):
    """A server that connects to a bound REQ replies '{name},{m}'."""
    req = driver.socket("REQ")
    endpoint = req.bind("tcp://127.0.0.1:*")
    nodes.start("rep-server", "--name", "B", "--connect", endpoint)
    req.send("hi")
    reply = req.recv_one(timeout=10)
    assert reply == b"B,hi", f"the connecting server answered 'hi' with {reply!r}"


@pytest.mark.spec("RR-1")
def test_a_connecting_server_prints_the_same_lines_as_a_binding_one(nodes, driver):
    """A server that connects to a bound REQ prints the same lines as one that binds."""
    req = driver.socket("REQ")
    endpoint = req.bind("tcp://127.0.0.1:*")
    server = nodes.start("rep-server", "--name", "B", "--connect", endpoint)
    req.send("hi")
    req.recv_one(timeout=10)
    server.expect_lines([*SERVER_HEAD, *server_lines("B", "hi")], what="the connecting server's lines")


@pytest.mark.spec("RR-6")
@pytest.mark.parametrize("second", ["tcp", "ipc"])
def test_one_server_bound_to_two_endpoints_answers_on_both(nodes, driver, endpoints, second):
    """One socket may bind several endpoints: one server bound twice answers clients on each."""
    server = nodes.start("rep-server", "--name", "A",
                         "--bind", endpoints.bindable("tcp"), "--bind", endpoints.bindable(second))
    bound = server.endpoints.get("rep", [])
    assert len(bound) == 2, f"the server's ready line lists {bound}, not two endpoints"
    for index, endpoint in enumerate(bound):
        req = driver.socket("REQ")
        req.connect(endpoint)
        req.send(f"via {index}")
        reply = req.recv_one()
        assert reply == f"A,via {index}".encode(), f"the reply through {endpoint} was {reply!r}"


# -- RR-7: the gateway ------------------------------------------------------

def through_a_gateway(nodes, requests: list[str]) -> list[tuple[str, str]]:
    """Three servers A, B, C behind a gateway, a client typing ``requests`` then 'bye' into it:
    the client's (message, server name) replies."""
    servers = [nodes.start("rep-server", "--name", name, label=name) for name in "ABC"]
    gateway = nodes.start("gateway", *[arg for s in servers for arg in ("--backend-connect", s.endpoint("rep"))])
    client = nodes.start("req-client", "--connect", gateway.endpoint("frontend"))
    return converse(client, requests)


@pytest.mark.spec("RR-7")
def test_gateway_is_invisible_to_the_client(nodes):
    """Through a gateway (REP facing out, REQ facing in) the client gets, for each request, the
    reply to that request."""
    requests = [f"g{i}" for i in range(8)]
    replies = through_a_gateway(nodes, requests)
    assert [message for message, _ in replies] == [*requests, "bye"], f"the client got {replies}"


@pytest.mark.spec("RR-2")
def test_requests_through_a_gateway_still_take_turns_over_the_inner_servers(nodes):
    """The gateway's backend REQ spreads the requests over the inner servers in turn. Who served
    a request is read from the reply that names it, whichever request it came back to (that each
    comes back to its own request is RR-7's)."""
    requests = [f"g{i}" for i in range(8)]
    replies = through_a_gateway(nodes, requests)
    served_by = {message: name for message, name in replies}
    names = [served_by[request] for request in requests if request in served_by]
    assert len(names) >= 6, f"only {len(names)} of {len(requests)} requests came back at all: {replies}"
    assert_in_turn(names, "ABC")


@pytest.mark.spec("RR-7")
def test_gateway_relays_the_reply_bytes_unchanged(nodes, driver):
    """A request through the gateway gets the very reply the server would give directly."""
    server = nodes.start("rep-server", "--name", "inner")
    gateway = nodes.start("gateway", "--backend-connect", server.endpoint("rep"))
    req = driver.socket("REQ")
    req.connect(gateway.endpoint("frontend"))
    req.send("a,b")
    assert req.recv() == [b"inner,a,b"], "the gateway changed the reply"


# -- RR-8: start order ------------------------------------------------------

@pytest.mark.spec("RR-8")
@pytest.mark.parametrize("transport", ["tcp", "ipc"])
def test_request_sent_before_any_server_exists_is_answered_once_one_binds(nodes, endpoints, transport):
    """Start order does not matter: a client connected where no server exists yet has its
    request delivered, once, when a server binds there."""
    endpoint = vacant_endpoint(nodes, endpoints, transport)
    client = nodes.start("req-client", "--connect", endpoint)
    client.send_line("early")
    client.wait_for(r"^>> SENDING: early$", what="the client sending 'early'")

    late = nodes.driver(label="late-server")
    rep = late.socket("REP")
    rep.bind(nodes.release(endpoint))
    got = rep.recv_one(timeout=15)
    assert got == b"early", f"the server that bound late got {got!r} first, not the early request"
    rep.send("late,early")
    client.wait_line("RECEIVED: early FROM late", "RECEIVED:", what="the reply to the early request")
    client.send_line("bye")
    got = rep.recv_one()
    assert got == b"bye", f"the late server's second request was {got!r}, not 'bye': the early one came twice?"
    rep.send("late,bye")
    assert client.wait_exit() == 0, f"req-client ended with {client.status()} after the reply to 'bye', not 0"


@pytest.mark.spec("RR-8")
@pytest.mark.spec("RR-5")
def test_request_of_a_binding_client_waits_for_a_server_to_connect(nodes):
    """A bound client's request made before any server has connected is answered by the
    first server that does."""
    client = nodes.start("req-client", "--bind", "tcp://127.0.0.1:*")
    client.send_line("waiting")
    client.wait_for(r"^>> SENDING: waiting$", what="the client sending 'waiting'")

    nodes.start("rep-server", "--name", "C", "--connect", client.endpoint("req"))
    client.wait_line("RECEIVED: waiting FROM C", "RECEIVED:", timeout=15, what="the reply once a server connected")


# -- RR-9: no peer ----------------------------------------------------------

@pytest.mark.spec("RR-9")
def test_req_with_no_connected_peer_is_not_writable_and_its_send_times_out(nodes, driver):
    """'SHALL block on sending, or return a suitable error, when it has no connected peers'
    (RFC 28): a bound REQ with no peer polls not writable and its send times out with EAGAIN;
    once a server connects the same socket sends and gets its reply."""
    req = driver.socket("REQ")
    endpoint = req.bind("tcp://127.0.0.1:*")
    assert req.poll(("out",), timeout=0.3) == set(), "a REQ with no peer reported itself writable"
    expect_errno("EAGAIN", req.send, "lonely", timeout=0.5)

    nodes.start("rep-server", "--name", "A", "--connect", endpoint)
    assert req.poll(("out",), timeout=10) == {"out"}, "the REQ did not become writable once a server connected"
    req.send("now")
    assert req.recv_one() == b"A,now", "the timed-out send left the REQ unable to talk"


@pytest.mark.spec("RR-9")
def test_req_with_no_endpoint_at_all_blocks_instead_of_failing(driver):
    """A REQ that has neither bound nor connected blocks on send: EAGAIN when its timeout ends,
    not some other error."""
    req = driver.socket("REQ")
    expect_errno("EAGAIN", req.send, "nowhere", timeout=0.3)


@pytest.mark.spec("RR-9")
@pytest.mark.parametrize("transport", ["tcp", "ipc"])
def test_request_to_an_absent_peer_is_kept_and_delivered_once_when_it_appears(nodes, driver, endpoints, observers,
                                                                            transport):
    """A REQ connected where no peer listens yet does not drop its request: the peer that
    appears there gets it, exactly once."""
    endpoint = vacant_endpoint(nodes, endpoints, transport)
    req = driver.socket("REQ")
    req.connect(endpoint)
    try:
        req.send("kept", timeout=0.5)
        queued = True
    except DriverError as refused:  # blocking until a peer exists is allowed too
        assert refused.errno == "EAGAIN", f"the send failed instead of blocking: {refused}"
        queued = False

    router = observers.socket(zmq.ROUTER)
    router.bind(nodes.release(endpoint))
    if not queued:
        req.send("kept", timeout=10)
    identity, delimiter, body = recv_within(router, 15, "the request made before the peer existed")
    assert (delimiter, body) == (b"", b"kept")
    router.send_multipart([identity, b"", b"got it"])
    assert req.recv_one() == b"got it"

    req.send("next")
    frames = recv_within(router, 10, "the next request")
    assert frames[1:] == [b"", b"next"], f"the peer got {frames} after the kept request: a duplicate?"


# -- RR-10: envelopes -------------------------------------------------------

@pytest.mark.spec("RR-10")
def test_req_puts_an_empty_delimiter_before_the_body_and_hides_it_in_the_reply(driver, observers):
    """On the wire a REQ request is 'a delimiter, consisting of an empty frame, added by the
    REQ socket' and then the data frames (RFC 28); the reply reaches the application without it."""
    router = observers.socket(zmq.ROUTER)
    router.bind("tcp://127.0.0.1:*")
    req = driver.socket("REQ")
    req.connect(router.getsockopt_string(zmq.LAST_ENDPOINT))

    req.send("hello")
    frames = recv_within(router, 10, "the REQ's request")
    assert len(frames) == 3 and frames[1:] == [b"", b"hello"], f"a ROUTER saw {frames}, not [identity, b'', b'hello']"
    router.send_multipart([frames[0], b"", b"world"])
    assert req.recv() == [b"world"], "the REQ handed over something other than the reply body"

    req.send("part 1", "part 2")
    frames = recv_within(router, 10, "the REQ's two-frame request")
    assert frames[1:] == [b"", b"part 1", b"part 2"], f"a ROUTER saw {frames}"
    router.send_multipart([frames[0], b"", b"re 1", b"re 2"])
    assert req.recv() == [b"re 1", b"re 2"]


@pytest.mark.spec("RR-10")
def test_rep_server_returns_the_envelope_it_received(nodes, observers):
    """A REP 'SHALL remove and store the address envelope, including the delimiter' and
    'SHALL prepend the address envelope and delimiter' to the reply (RFC 28)."""
    server = nodes.start("rep-server", "--name", "A")
    dealer = observers.socket(zmq.DEALER)
    dealer.connect(server.endpoint("rep"))

    dealer.send_multipart([b"", b"short"])
    reply = recv_within(dealer, 10, "the reply to a request with a bare delimiter")
    assert reply == [b"", b"A,short"], f"the REP answered {reply}"

    dealer.send_multipart([b"hop-1", b"hop-2", b"", b"long"])
    reply = recv_within(dealer, 10, "the reply to a request with a two-address envelope")
    assert reply == [b"hop-1", b"hop-2", b"", b"A,long"], f"the REP answered {reply}"


@pytest.mark.spec("RR-10")
def test_rep_hides_the_envelope_from_the_application_and_restores_it(driver, observers):
    """A REP passes only the data frames to its application, and its reply goes back with
    the envelope the request came with."""
    rep = driver.socket("REP")
    endpoint = rep.bind("tcp://127.0.0.1:*")
    dealer = observers.socket(zmq.DEALER)
    dealer.connect(endpoint)
    dealer.send_multipart([b"route-me", b"", b"question"])
    assert rep.recv() == [b"question"], "the REP's application saw envelope frames"
    rep.send("answer")
    reply = recv_within(dealer, 10, "the REP's reply")
    assert reply == [b"route-me", b"", b"answer"], f"the reply came back as {reply}"


# -- RR-11: only the peer asked ---------------------------------------------

@pytest.mark.spec("RR-11")
def test_req_accepts_a_reply_only_from_the_peer_it_sent_the_request_to(driver, observers):
    """'SHALL accept an incoming message only from the last peer that it sent a request to'
    and 'SHALL discard silently any messages received from other peers' (RFC 28): a fake
    reply from the other peer, sent before the real one, is never delivered."""
    routers = [observers.socket(zmq.ROUTER, router_mandatory=1) for _ in range(2)]
    for router in routers:
        router.bind("tcp://127.0.0.1:*")
    for round_ in range(3):
        req = driver.socket("REQ")  # a fresh socket: no stale message from an earlier round
        for router in routers:
            req.connect(router.getsockopt_string(zmq.LAST_ENDPOINT))
        # Two warm-up requests, one to each peer, so both know the REQ's identity.
        identities = {}
        for i in range(2):
            req.send(f"warm {i}")
            index, frames = recv_from_either(routers, 10, f"warm-up request {i} (round {round_})")
            identities[index] = frames[0]
            routers[index].send_multipart([frames[0], b"", b"ok"])
            assert req.recv_one() == b"ok"
        assert sorted(identities) == [0, 1], f"both warm-ups went to router {list(identities)}"

        req.send("the request")
        real, frames = recv_from_either(routers, 10, f"the request (round {round_})")
        assert frames[1:] == [b"", b"the request"]
        decoy = 1 - real
        routers[decoy].send_multipart([identities[decoy], b"", b"fake reply"])
        routers[real].send_multipart([identities[real], b"", b"real reply"])
        reply = req.recv_one()
        assert reply == b"real reply", f"round {round_}: the REQ delivered {reply!r} from the peer it did not ask"
        req.close()


# -- RR-12: multipart -------------------------------------------------------

@pytest.mark.spec("RR-12")
@pytest.mark.spec("RR-13")
def test_multipart_request_through_rep_server_comes_back_whole(nodes, driver):
    """A three-frame request to the echo server comes back as three frames: the name in
    front of the first, the others unchanged."""
    server = nodes.start("rep-server", "--name", "A")
    req = driver.socket("REQ")
    req.connect(server.endpoint("rep"))
    req.send("part 1", "part 2", b"\x00\xff" * 1000)
    assert req.recv() == [b"A,part 1", b"part 2", b"\x00\xff" * 1000], "the multipart reply lost or changed a frame"


@pytest.mark.spec("RR-12")
def test_multipart_messages_cross_the_gateway_whole_both_ways(nodes, driver):
    """Through the gateway a multipart request reaches the inner server with every frame,
    and the multipart reply reaches the client with every frame."""
    inner = driver.socket("REP")
    gateway = nodes.start("gateway", "--backend-connect", inner.bind("tcp://127.0.0.1:*"))
    outside = nodes.driver(label="client")
    req = outside.socket("REQ")
    req.connect(gateway.endpoint("frontend"))

    request = [b"head", b"", b"x" * 100_000, b"tail"]
    req.send(*request)
    assert inner.recv(timeout=10) == request, "the inner server did not get every frame of the request"
    inner.send("re-head", "re-tail")
    assert req.recv(timeout=10) == [b"re-head", b"re-tail"], "the client did not get every frame of the reply"


@pytest.mark.spec("RR-12")
def test_multipart_message_cut_short_by_the_receiver_is_not_delivered_in_part(nodes, driver):
    """A multipart message arrives whole or not at all: when the receiving REP refuses a
    frame (too large for its ZMQ_MAXMSGSIZE) the frames before it are not delivered either;
    the next message on the same path arrives first."""
    rep = driver.socket("REP")
    rep.set("maxmsgsize", 100)
    endpoint = rep.bind("tcp://127.0.0.1:*")
    sender = nodes.driver(label="sender")
    dealer = sender.socket("DEALER")
    dealer.connect(endpoint)
    dealer.send(b"", b"first part", b"x" * 1000)

    # The receiver drops the connection at the large frame; the sender reconnects. A sentinel
    # written into the dropped connection is lost with it, so keep sending until one arrives.
    deadline = Deadline(15)
    while True:
        assert not deadline.passed(), "no sentinel reached the REP after the refused message"
        dealer.send(b"", b"sentinel")
        try:
            first = rep.recv(timeout=0.3)
            break
        except DriverError as nothing:
            assert nothing.errno == "EAGAIN", nothing
    assert first == [b"sentinel"], f"the REP's first message was {first}, a part of the refused message?"
