"""Peers that die and come back (catalogue RR-15, RR-16, PP-12, PP-14, PS-16, TR-10; issue #14).

What a socket does when a peer dies depends on which side connected. A socket
that connects keeps a queue for each endpoint it was given, whether a peer is
there or not (RFC 28, 29, 30): what it deals to a dead peer's endpoint waits
there for whatever binds the endpoint next. A socket that binds forgets a peer
that disconnects, with its queue. Each test kills a peer outright (SIGKILL,
``nodes.restart`` or ``node.signal``), so nothing is closed politely, and then
starts a new one at the same endpoint where the behaviour needs it.

Every "nothing arrived" check comes after proof that something sent later did
arrive; every wait has a deadline.
"""

from __future__ import annotations

import signal
import threading
import time

import pytest

from zmqspec.conformance.shoulds import should
from zmqspec.harness import Deadline, DriverError
from zmqspec.spec.helpers import WAIT, expect_errno, inet_connections, role_lines

SHORT = 1.0  # a receive that is expected to time out: the peer it waits on is dead
PROBE = 0.25  # s: how long a batch whose last message may have gone to a dead peer is waited for


def name_of(reply: bytes) -> str:
    """The server's name in a rep-server reply ``name,message``."""
    return reply.split(b",", 1)[0].decode()


def killed(node) -> None:
    node.signal(signal.SIGKILL)
    node.wait_exit()


def port_connected_to(node, endpoint: str) -> int:
    """The local port of the tcp connection ``node`` made to ``endpoint`` (it connected there)."""
    port = int(endpoint.rsplit(":", 1)[1])
    ours = [c.laddr.port for c in inet_connections(node.pid, "tcp") if c.raddr and c.raddr.port == port]
    assert ours, f"{node.name} holds no tcp connection to {endpoint}"
    return ours[0]


def wait_until_closed(holder, peer_port: int, what: str) -> None:
    """Wait until no process of ``holder`` has a tcp connection to ``peer_port`` any more: the peer
    there died and ``holder`` has closed its side, so its socket knows (WAIT s; a fact of the OS,
    polled, since nothing the holder says tells it)."""
    deadline = Deadline(WAIT)
    while any(c.raddr and c.raddr.port == peer_port for c in inet_connections(holder.pid, "tcp")):
        assert not deadline.passed(), (
            f"{what}: {holder.name} still holds its connection to the dead peer's port {peer_port} "
            f"{deadline.seconds:.0f} s after the peer was killed")
        threading.Event().wait(0.01)


def received_lines(server) -> list[str]:
    return [line for line in role_lines(server) if line.startswith("RECEIVED: ")]


# -- RR-15: a connected REQ and a dead REP ------------------------------------


@pytest.mark.reqrep
@pytest.mark.spec("RR-15")
def test_a_connected_req_keeps_the_request_dealt_to_a_dead_peer_for_the_next_peer_at_that_endpoint(nodes, driver):
    """A REQ connected to two REPs, one of them killed: requests still go to both endpoints in
    turn. The one dealt to the dead endpoint gets no reply and no error; once a new REP binds that
    endpoint, it is delivered there, once, and answered (RFC 28: never discarded)."""
    a = nodes.start("rep-server", "--name", "A")
    b = nodes.start("rep-server", "--name", "B")
    req = driver.socket("REQ")
    req.connect(a.endpoint("rep"))
    req.connect(b.endpoint("rep"))
    warm = set()
    for i in range(2):
        req.send(f"warm {i}")
        warm.add(name_of(req.recv_one(WAIT)))
    assert warm == {"A", "B"}, f"two requests to a REQ connected to A and B were answered by {warm}"

    killed(b)
    stranded = None
    for i in range(2):  # round-robin deals one of the next two requests to B's endpoint
        req.send(f"r{i}")
        try:
            reply = req.recv_one(SHORT)
        except DriverError as exc:
            assert exc.errno == "EAGAIN", f"a request dealt to a dead peer failed with {exc}"
            stranded = f"r{i}"
            break
        assert reply == f"A,r{i}".encode(), f"with B dead, request r{i} was answered {reply!r}"
    assert stranded is not None, "two requests after B died were both answered: none was dealt to B's endpoint"

    b2 = nodes.start("rep-server", "--name", "B2", "--bind", b.endpoint("rep"))
    reply = req.recv_one(WAIT)
    assert reply.endswith(f",{stranded}".encode()), f"the stranded request {stranded} was answered {reply!r}"
    should(reply == f"B2,{stranded}".encode(),
           f"the request dealt to B's endpoint was answered by {name_of(reply)}, not by B2 that bound there "
           "(libzmq keeps it for the endpoint)")
    req.send("after")  # one more exchange: both servers' lines for the stranded request are written
    req.recv_one(WAIT)
    answering = b2 if reply.startswith(b"B2,") else a  # the reply names its server
    answering.wait_until(lambda out: f"RECEIVED: {stranded}\n" in out, WAIT,
                         f"{answering.name}'s line for the stranded request {stranded}, whose reply it sent")
    served = [line for server in (a, b2) for line in received_lines(server) if line == f"RECEIVED: {stranded}"]
    assert len(served) == 1, f"the stranded request {stranded} was served {len(served)} times: {served}"


@pytest.mark.reqrep
@pytest.mark.spec("RR-15")
def test_req_client_gets_its_stranded_request_answered_by_the_server_that_comes_back(nodes):
    """req-client connected to servers A and B: with B killed, the request that falls to B's
    endpoint is answered once a new server binds there, and the client goes on."""
    a = nodes.start("rep-server", "--name", "A")
    b = nodes.start("rep-server", "--name", "B")
    client = nodes.start("req-client", "--connect", a.endpoint("rep"), "--connect", b.endpoint("rep"))
    for i in range(2):
        client.send_line(f"warm {i}")
        client.wait_for(rf"RECEIVED: warm {i} FROM [AB]$", what=f"the reply to warm {i}")

    killed(b)
    for i in range(2):
        client.send_line(f"r{i}")
        try:
            client.wait_for(rf"RECEIVED: r{i} FROM A$", timeout=SHORT, what=f"A's reply to r{i}")
        except AssertionError:
            stranded = f"r{i}"
            break
    else:
        raise AssertionError("two requests after B died were both answered by A: none was dealt to B's endpoint")

    nodes.restart(b, "--name", "B2")
    client.wait_for(rf"RECEIVED: {stranded} FROM B2$", what=f"B2's reply to the stranded request {stranded}")
    client.send_line("after")
    client.wait_for(r"RECEIVED: after FROM (A|B2)$", what="the reply to the request after")


# -- RR-16: a bound REQ and a peer that has gone ------------------------------


@pytest.mark.reqrep
@pytest.mark.spec("RR-16")
def test_a_bound_req_deals_only_to_the_peers_still_connected(nodes, driver):
    """A REQ whose REPs connected to it: once one of them is killed, every request goes to the
    other and is answered (RFC 28 routes to connected peers; a departed one is not)."""
    req = driver.socket("REQ")
    endpoint = req.bind()
    nodes.start("rep-server", "--name", "A", "--connect", endpoint)
    b = nodes.start("rep-server", "--name", "B", "--connect", endpoint)
    answered = set()
    deadline = Deadline(WAIT)
    while answered != {"A", "B"}:
        assert not deadline.passed(), f"only {answered} answered a bound REQ within {deadline.seconds:.0f} s"
        req.send("warm")
        answered.add(name_of(req.recv_one(WAIT)))

    b_port = port_connected_to(b, endpoint)
    killed(b)
    # The REQ learns of B's death some time after the kill; a request dealt to B before then is lost
    # with B's queue (libzmq too), so the requests go once the REQ's side of B's connection is closed.
    wait_until_closed(driver.node, b_port, "the bound REQ noticing B's death")
    names = []
    for i in range(4):
        req.send(f"r{i}")
        names.append(name_of(req.recv_one(WAIT)))
    assert names == ["A"] * 4, f"after B was killed, four requests were answered by {names}"


# -- PP-12 and PP-14: a PUSH and a worker that goes away ----------------------


def probe_until_received(push, pulls, what: str) -> None:
    """Send probes until every PULL of ``pulls`` has received one (each takes one at most)."""
    waiting = list(pulls)
    deadline = Deadline(WAIT)
    while waiting:
        assert not deadline.passed(), f"{what}: {waiting} received no probe within {deadline.seconds:.0f} s"
        push.send("probe", timeout=WAIT)
        for pull in list(waiting):
            try:
                pull.recv(0.05)
                waiting.remove(pull)
            except DriverError as exc:
                if exc.errno != "EAGAIN":
                    raise


def tasks_of(messages) -> list[str]:
    return [m[0].decode() for m in messages if m != [b"probe"]]


@pytest.mark.pipeline
@pytest.mark.spec("PP-12")
def test_a_connected_push_keeps_a_dead_peers_share_for_the_next_peer_at_that_endpoint(nodes):
    """A PUSH connected to two PULLs, one of them killed: it still deals to both endpoints in turn.
    The dead one's share waits for its endpoint, and a PULL that binds there next receives it: every
    task arrives once (RFC 30: the queue is kept whether or not the connection is established)."""
    sender, first, second = nodes.driver("sender"), nodes.driver("first"), nodes.driver("second")
    push = sender.socket("PUSH")
    pull_a, pull_b = first.socket("PULL"), second.socket("PULL")
    endpoint_a, endpoint_b = pull_a.bind(), pull_b.bind()
    push.connect(endpoint_a)
    push.connect(endpoint_b)
    probe_until_received(push, [pull_a, pull_b], "the connected PUSH's warm-up")

    killed(second.node)
    tasks = [f"t{i}" for i in range(10)]
    push.send_many([[t] for t in tasks], timeout=WAIT)
    got_a = tasks_of(pull_a.recv_many(20, timeout=SHORT))
    assert got_a, "the live PULL received none of the 10 tasks sent after the other PULL died"

    pull_b2 = nodes.driver("second again").socket("PULL")
    pull_b2.bind(endpoint_b)
    got_b = []
    deadline = Deadline(WAIT)
    while len(got_a) + len(got_b) < len(tasks) and not deadline.passed():
        got_b += tasks_of(pull_b2.recv_many(len(tasks), timeout=0.2))
    assert sorted(got_a + got_b, key=lambda t: int(t[1:])) == tasks, (
        f"of tasks t0..t9 the live PULL got {got_a} and the PULL that bound the dead one's endpoint got {got_b}"
    )
    assert got_b, "the PULL that bound the dead peer's endpoint received none of its share"


@pytest.mark.pipeline
@pytest.mark.spec("PP-14")
def test_a_bound_push_drops_the_queue_of_a_peer_that_disconnects_and_deals_on_to_the_others(nodes, driver):
    """A PUSH that binds, with a reading PULL and a holding PULL that never reads: tasks dealt to
    the holding peer are lost when it is killed, not dealt again to the reader, and dealing goes on
    to the reader (RFC 30: the PUSH SHALL destroy a departed peer's queue and its messages).

    RFC 30 drops a peer when it disconnects, which the PUSH learns some time after the kill; until
    then the dead peer is still a peer, and what is dealt to it is lost with its queue (libzmq too:
    lb_t::sendpipe deals to every attached pipe that has room). So the sentence asks that dealing
    goes on to the reader alone from some point, not from the kill: the test sends batches of ten
    sentinels until one reaches the reader whole and in order, and then checks the tasks."""
    push = driver.socket("PUSH")
    push.set("sndhwm", 5)
    endpoint = push.bind()
    reader = nodes.driver("reader").socket("PULL")
    holder_driver = nodes.driver("holder")
    holder = holder_driver.socket("PULL")
    holder.set("rcvhwm", 1)
    reader.connect(endpoint)
    holder.connect(endpoint)
    probe_until_received(push, [reader, holder], "the bound PUSH's warm-up")

    taken = 0
    while True:  # neither PULL reads now: the PUSH fills both queues
        try:
            push.send(f"t{taken}", timeout=0)
        except DriverError as exc:
            assert exc.errno == "EAGAIN", f"a PUSH with full queues failed a send with {exc}"
            break
        taken += 1
        assert taken < 100_000, "a bound PUSH with SNDHWM 5 and two PULLs that do not read never blocked"
    killed(holder_driver.node)

    deadline = Deadline(WAIT)
    messages: list[list[bytes]] = []  # all the reader received after the kill, but each batch's last
    batch: list[str] = []
    arrived: list[str] = []
    batches = 0
    while not (batch and arrived == batch):  # a batch dealt while the dead peer is still attached may lose some
        assert not deadline.passed(), (
            f"after the holding PULL died, none of {batches} batches of ten sentinels reached the reader whole "
            f"and in order within {deadline.seconds:.0f} s (the last arrived as {arrived}): dealing did not go on "
            f"to the remaining peer alone"
        )
        batch = [f"s{batches}.{n}" for n in range(10)]
        for sentinel in batch:
            try:
                push.send(sentinel, timeout=deadline)
            except DriverError as exc:
                raise AssertionError(f"after the holding PULL died the PUSH refused a send: {exc}") from None
        before, found = reader.recv_until(batch[-1], timeout=PROBE)  # lost if dealt to the dead peer
        messages += before
        arrived = [t for t in tasks_of(before) if t in batch] + ([batch[-1]] if found else [])
        batches += 1

    got = [t for t in tasks_of(messages) if t.startswith("t")]
    assert len(got) == len(set(got)), f"the reader received a task twice: {got}"
    assert len(got) < taken, (
        f"the reader received all {taken} tasks the PUSH took, so the dead peer's share was dealt again "
        f"instead of dropped: {got}"
    )


# -- PS-16: a SUB and a publisher that comes back -----------------------------


@pytest.mark.pubsub
@pytest.mark.spec("PS-16")
def test_a_sub_subscribes_again_to_a_publisher_that_comes_back_on_the_same_endpoint(nodes, driver):
    """A SUB whose publisher is killed and comes back at the same endpoint sends it its subscriptions
    again, with no call but its receives (libzmq sends them on the application's next call)."""
    first = nodes.driver("first publisher")
    xpub = first.socket("XPUB")
    endpoint = xpub.bind()
    sub = driver.socket("SUB")
    sub.subscribe("A")
    sub.subscribe("B")
    sub.connect(endpoint)
    seen = {xpub.recv_one(WAIT) for _ in range(2)}
    assert seen == {b"\x01A", b"\x01B"}, f"the first publisher received {seen}, not both subscriptions"

    killed(first.node)
    again = nodes.driver("publisher back").socket("XPUB")
    again.bind(endpoint)
    renewed: set[bytes] = set()
    deadline = Deadline(WAIT)
    while renewed != {b"\x01A", b"\x01B"}:
        assert not deadline.passed(), (
            f"the publisher back at {endpoint} received only {renewed} within {deadline.seconds:.0f} s"
        )
        try:
            sub.recv(0.2)  # the subscriber's own receive: what a subscriber does anyway
        except DriverError as exc:
            assert exc.errno == "EAGAIN", exc
        for message in again.recv_many(2, timeout=0):
            renewed.add(message[0])
    again.send("A after")
    assert sub.recv_one(WAIT) == b"A after", "the stream did not resume after the publisher came back"


@pytest.mark.pubsub
@pytest.mark.spec("PS-16")
def test_weather_sub_gets_updates_from_a_publisher_that_died_and_came_back(nodes):
    """weather-sub connected to a weather-pub that is killed after 10 updates and started again at
    the same endpoint (its seq starting at 500000) ends with 50 updates, some from the new one."""
    pub = nodes.start("weather-pub", "--zip-min", "10001", "--zip-max", "10001", "--rate", "200")
    sub = nodes.start("weather-sub", "--connect", pub.endpoint("pub"))
    sub.wait_until(lambda out: out.count("RECEIVED: ") >= 10, WAIT, "10 updates from the first publisher")

    nodes.restart(pub, "--zip-min", "10001", "--zip-max", "10001", "--rate", "200", "--first-seq", "500000")

    assert sub.wait_exit(timeout=2 * WAIT) == 0, f"weather-sub ended with {sub.status()}"
    seqs = [int(line.split()[-1]) for line in received_lines(sub)]
    assert len(seqs) == 50, f"weather-sub printed {len(seqs)} updates, not 50"
    assert any(seq >= 500000 for seq in seqs), f"no update came from the publisher that came back: {seqs}"


# -- TR-10: reconnecting every reconnect_ivl ----------------------------------


LATE = 3.0  # seconds between a connect and the server's bind: the subject, not a synchronisation


@pytest.mark.slow
@pytest.mark.transport
@pytest.mark.reqrep  # a rep-server takes part: the reqrep groups of scripts/interop run it
@pytest.mark.spec("TR-10")
def test_a_request_to_a_server_that_binds_late_arrives_within_a_second_of_the_bind(nodes, driver):
    """A REQ that connects where nobody listens retries every reconnect_ivl (100 ms by default, no
    back-off unless reconnect_ivl_max is set): a server that binds 3 s later gets the request within
    a second of its bind (libzmq; a stack that backs off is non-strict)."""
    endpoint = nodes.vacant_tcp_endpoint()
    req = driver.socket("REQ")
    for option, default in (("reconnect_ivl", 100), ("reconnect_ivl_max", 0)):
        try:
            value = req.get(option)
        except DriverError as exc:
            assert exc.errno == "EINVAL", exc
            value = "not an option of this driver"
        should(value == default, f"{option} is {value}, not libzmq's default {default}")
    req.connect(endpoint)
    req.send("late")
    threading.Event().wait(LATE)  # the clock is the subject: nobody listens for LATE seconds
    expect_errno("EAGAIN", req.recv, timeout=0)

    server = nodes.start("rep-server", "--name", "late", "--bind", nodes.release(endpoint))
    bound = time.monotonic()
    server.wait_for(r"^RECEIVED: late$", timeout=WAIT, what="the request sent before the bind")
    waited = time.monotonic() - bound
    should(waited < Deadline(1.0).seconds, f"the request reached a server {waited:.1f} s after it bound, "
                                 "not within a second (reconnect_ivl 100 ms)")
    assert req.recv_one(WAIT) == b"late,late"
