"""Socket options that change a pattern's rules, and calls that time out (issue #14).

IMMEDIATE (TR-7), CONFLATE (TR-8), REQ_RELAXED (RR-17) and REQ_CORRELATE
(RR-18) are libzmq's options; no RFC names them. An implementation whose
driver refuses one (EINVAL) is non-strict on that id, not failed; one that
accepts it must do what it means. PP-15 is the default that IMMEDIATE
changes: a connecting PUSH deals to connections not made yet. TR-9: a call
that timed out (EAGAIN) leaves the socket as it was.

Sockets whose exchange needs no second process share one driver over
inproc, as TR-1's tests do.
"""

from __future__ import annotations

import signal

import pytest

from zmqspec.conformance.shoulds import should
from zmqspec.harness import Deadline, DriverError
from zmqspec.spec.helpers import WAIT, expect_errno, libzmq_option, need_inproc

SHORT = 0.3  # a receive that is expected to time out
SNDHWM = 1000
PROBES_NOTICED = 100  # sends a PUSH may take while it notices that its peer died (a few, measured)


def bodies(messages) -> list[str]:
    return [m[0].decode() for m in messages]


def inproc(driver, name: str) -> str:
    need_inproc(driver)
    return f"inproc://options-{name}-{driver.node.pid}"


# -- PP-15 and TR-7: connections not made yet ------------------------------------


def push_to_a_vacant_and_a_live_endpoint(nodes, immediate: bool):
    """A driver PUSH connected first to an endpoint nobody listens on, then to a PULL in another
    driver; returns (push, pull, the vacant endpoint), the PULL's connection made."""
    push = nodes.driver("pusher").socket("PUSH")
    if immediate and not libzmq_option(push, "immediate", 1):
        return None
    pull = nodes.driver("live").socket("PULL")
    vacant = nodes.vacant_tcp_endpoint()
    push.connect(vacant)
    push.connect(pull.bind())
    return push, pull, vacant


@pytest.mark.pipeline
@pytest.mark.spec("PP-15")
def test_a_connected_push_deals_in_turn_to_an_endpoint_nobody_listens_on_yet(nodes):
    """A PUSH connected to a live PULL and to an endpoint nobody listens on deals round-robin over
    both: the live PULL gets every other message, and a PULL that binds the other endpoint later
    gets the rest (RFC 30: the queue is kept whether or not the connection is established)."""
    push, pull, vacant = push_to_a_vacant_and_a_live_endpoint(nodes, immediate=False)
    tasks = [f"t{i}" for i in range(10)]
    push.send_many([[t] for t in tasks], timeout=WAIT)

    live = bodies(pull.recv_many(5, timeout=WAIT))
    assert len(live) == 5, f"the live PULL got {live} of 10, not every other one"
    late = nodes.driver("late").socket("PULL")
    late.bind(nodes.release(vacant))
    queued = bodies(late.recv_many(5, timeout=WAIT))
    assert sorted(live + queued, key=lambda t: int(t[1:])) == tasks, (
        f"the live PULL got {live} and the one that bound later got {queued}: not t0..t9 once each"
    )


@pytest.mark.transport
@pytest.mark.spec("TR-7")
def test_with_immediate_a_push_deals_only_to_connections_that_are_made(nodes):
    """With `immediate` set, a PUSH connected to a live PULL and to an endpoint nobody listens on
    sends everything to the live one: 10 of 10 (libzmq; without it, 5 of 10, PP-15)."""
    made = push_to_a_vacant_and_a_live_endpoint(nodes, immediate=True)
    if made is None:
        return
    push, pull, _ = made
    deadline = Deadline(WAIT)
    while True:  # the PUSH refuses (EAGAIN) until the connection to the live PULL is made
        try:
            push.send("t0", timeout=0.1)
            break
        except DriverError as exc:
            assert exc.errno == "EAGAIN", exc
            assert not deadline.passed(), f"a PUSH with immediate never reached the live PULL in {deadline.seconds:.0f} s"
    push.send_many([[f"t{i}"] for i in range(1, 10)], timeout=WAIT)
    got = bodies(pull.recv_many(10, timeout=WAIT))
    assert got == [f"t{i}" for i in range(10)], f"with immediate set the live PULL got {got}, not all 10 in order"


@pytest.mark.transport
@pytest.mark.spec("TR-7")
def test_with_immediate_a_push_whose_only_peer_died_refuses_until_a_peer_is_back(nodes):
    """With `immediate` set, a connected PUSH whose only PULL was killed refuses a send (EAGAIN)
    instead of queueing for the endpoint, and sends again once a PULL binds there (libzmq)."""
    push = nodes.driver("pusher").socket("PUSH")
    if not libzmq_option(push, "immediate", 1):
        return
    push.set("sndhwm", SNDHWM)
    first = nodes.driver("first")
    pull = first.socket("PULL")
    endpoint = pull.bind()
    push.connect(endpoint)
    push.send("hello", timeout=WAIT)
    assert pull.recv_one(WAIT) == b"hello"

    first.node.signal(signal.SIGKILL)
    first.node.wait_exit()
    deadline = Deadline(WAIT)
    taken = 0
    while True:  # sends taken before the PUSH noticed the death are lost with the connection
        try:
            push.send("probe", timeout=0)
        except DriverError as exc:
            assert exc.errno == "EAGAIN", exc
            break
        taken += 1
        assert not deadline.passed(), f"a PUSH with immediate still took sends {deadline.seconds:.0f} s after its peer died"
    assert taken < PROBES_NOTICED, (
        f"a PUSH with immediate whose only peer died took {taken} messages before refusing one: it queued "
        f"them for the endpoint (its SNDHWM is {SNDHWM}) instead of refusing once the connection was gone"
    )
    again = nodes.driver("again").socket("PULL")
    again.bind(endpoint)
    push.send("back", timeout=WAIT)
    got, found = again.recv_until("back", timeout=WAIT)
    assert found, "the PULL back at the endpoint did not get the message sent once it was there"
    assert all(m == [b"probe"] for m in got), f"before 'back' the new PULL got {got}"


# -- TR-8: conflate ----------------------------------------------------------------


@pytest.mark.transport
@pytest.mark.spec("TR-8")
def test_a_conflating_pull_keeps_only_the_last_message(driver):
    """A PULL with `conflate` set that connects receives, of 20 messages sent before it reads, only
    the 20th, and nothing after it (libzmq keeps the last message of each connection)."""
    push, pull = driver.socket("PUSH"), driver.socket("PULL")
    if not libzmq_option(pull, "conflate", 1):
        return
    endpoint = inproc(driver, "conflate")
    push.bind(endpoint)
    pull.connect(endpoint)
    push.send_many([[str(i)] for i in range(20)], timeout=WAIT)

    assert pull.recv_one(WAIT) == b"19", "a conflating PULL's first message is not the last one sent"
    expect_errno("EAGAIN", pull.recv, timeout=0)


@pytest.mark.transport
@pytest.mark.spec("TR-8")
def test_a_conflating_sub_over_tcp_ends_with_the_last_update(nodes, driver):
    """A SUB with `conflate` set, over tcp, receives the last of 20 updates sent while it did not
    read, after fewer than 19 in increasing order: over tcp an update may reach the SUB before the
    next one does, so how many come before the last is timing (often none), never all."""
    sub = driver.socket("SUB")
    if not libzmq_option(sub, "conflate", 1):
        return
    xpub = nodes.driver("publisher").socket("XPUB")
    sub.subscribe("")
    sub.connect(xpub.bind())
    assert xpub.recv_one(WAIT) == b"\x01"
    xpub.send_many([[f"{i:02d}"] for i in range(20)], timeout=WAIT)

    before, found = sub.recv_until("19", timeout=WAIT)
    assert found, "a conflating SUB never received the last update"
    seen = bodies(before)
    assert len(seen) < 19 and seen == sorted(seen), f"before the last update the conflating SUB got {seen}"


# -- RR-17, RR-18: REQ_RELAXED and REQ_CORRELATE ---------------------------------------


def req_and_rep(driver, name: str, **options):
    req, rep = driver.socket("REQ"), driver.socket("REP")
    for option, value in options.items():
        if not libzmq_option(req, option, value):
            return None
    endpoint = inproc(driver, name)
    rep.bind(endpoint)
    req.connect(endpoint)
    return req, rep


@pytest.mark.reqrep
@pytest.mark.spec("RR-17")
def test_a_relaxed_req_may_send_again_before_the_reply_and_hands_over_one_reply(driver):
    """With `req_relaxed` set a REQ is writable right after a send and may send a new request; the
    REP's late reply to the old one, when it comes first, is handed over as the reply (libzmq
    without `req_correlate`), and exactly one reply is handed over."""
    made = req_and_rep(driver, "relaxed", req_relaxed=1)
    if made is None:
        return
    req, rep = made
    req.send("old")
    assert rep.recv_one(WAIT) == b"old"
    if driver.knows("poll"):  # writability is asked through poll; DP-1 and DP-2 judge a driver without one
        assert "out" in req.poll(("out",), timeout=0), "a relaxed REQ is not writable after a send"
    req.send("new")
    rep.send("reply to old")
    assert rep.recv_one(WAIT) == b"new", "the relaxed REQ's second request did not reach the REP"
    rep.send("reply to new")

    first = req.recv_one(WAIT)
    assert first in (b"reply to old", b"reply to new"), f"the relaxed REQ handed over {first!r}"
    should(first == b"reply to old", f"the relaxed REQ handed over {first!r}; libzmq hands over the first "
                                     "reply to come, the late one")
    req.send("third")  # the REQ goes on: the next exchange is whole
    assert rep.recv_one(WAIT) == b"third"
    rep.send("reply to third")
    assert req.recv_one(WAIT) == b"reply to third", "after its reply a relaxed REQ's next exchange failed"


@pytest.mark.reqrep
@pytest.mark.spec("RR-17")
def test_a_relaxed_reqs_new_request_goes_to_the_next_rep_and_the_silent_one_keeps_its_turn(nodes, driver):
    """A relaxed REQ bound with three REPs connected: a request the REP does not answer, then a new
    request, which goes to the next REP and is answered; the REP that stayed silent still gets its
    turn in the rotation (libzmq, issue 1690)."""
    req = driver.socket("REQ")
    if not libzmq_option(req, "req_relaxed", 1):
        return
    endpoint = req.bind()
    others = nodes.driver("servers")
    reps = [others.socket("REP") for _ in range(3)]
    for rep in reps:
        rep.connect(endpoint)
    answered: set[int] = set()
    deadline = Deadline(WAIT)
    while len(answered) < 3:  # warm up until each REP has answered: all three are connected
        assert not deadline.passed(), f"only REPs {answered} of 3 answered within {deadline.seconds:.0f} s"
        req.send("warm")
        n = which(reps, b"warm")
        reps[n].send(f"rep {n}")
        answered.add(n)
        assert req.recv_one(WAIT) == f"rep {n}".encode()

    req.send("unanswered")
    silent = which(reps, b"unanswered")
    req.send("relaxed")
    answering = which(reps, b"relaxed", busy=(silent,))
    assert answering != silent, "the relaxed REQ's new request went to the REP that had not answered"
    reps[answering].send("answered")
    assert req.recv_one(WAIT) == b"answered"
    reps[silent].send("too late")  # its reply comes from a peer the REQ no longer waits on
    req.send("third")
    third = which(reps, b"third")
    assert third not in (silent, answering), "the third request did not go to the third REP in turn"
    reps[third].send("third answered")
    assert req.recv_one(WAIT) == b"third answered"
    req.send("fourth")
    assert which(reps, b"fourth") == silent, "the REP that stayed silent lost its turn"
    reps[silent].send("fourth answered")
    assert req.recv_one(WAIT) == b"fourth answered"


def which(reps, body: bytes, busy: tuple[int, ...] = ()) -> int:
    """The index of the REP that receives ``body`` (each is asked in turn, until the deadline);
    the ``busy`` ones hold a request they have not answered and are not asked."""
    deadline = Deadline(WAIT)
    while not deadline.passed():
        for n, rep in enumerate(reps):
            if n in busy:
                continue
            try:
                got = rep.recv(0.02)
            except DriverError as exc:
                assert exc.errno == "EAGAIN", exc
                continue
            assert got == [body], f"REP {n} received {got}, expecting {body!r}"
            return n
    raise AssertionError(f"no REP received {body!r} within {deadline.seconds:.0f} s")


@pytest.mark.reqrep
@pytest.mark.spec("RR-18")
def test_a_relaxed_correlating_req_drops_a_reply_already_waiting_when_it_sends_again(driver):
    """With `req_relaxed` and `req_correlate`, a reply that is already waiting at the REQ when it
    sends a new request is dropped: the REQ hands over the reply to the new one (libzmq)."""
    made = req_and_rep(driver, "waiting", req_relaxed=1, req_correlate=1)
    if made is None:
        return
    req, rep = made
    req.send("A")
    assert rep.recv_one(WAIT) == b"A"
    rep.send("reply to A")
    if not driver.knows("poll"):
        pytest.skip("needs the driver's poll to know the reply to A is waiting at the REQ, without "
                    "taking it (DP-1 and DP-2 judge a driver without poll)")
    assert "in" in req.poll(("in",), timeout=WAIT), "the reply to A never reached the REQ"
    req.send("B")
    assert rep.recv_one(WAIT) == b"B"
    rep.send("reply to B")
    assert req.recv_one(WAIT) == b"reply to B", "a correlating REQ handed over the reply that was waiting"


@pytest.mark.reqrep
@pytest.mark.spec("RR-18")
def test_a_relaxed_correlating_req_answers_only_the_latest_of_requests_queued_before_its_peer(nodes, driver):
    """Two requests sent by a relaxed, correlating REQ before anything is bound at its endpoint:
    a REP that binds later answers both in turn, and the REQ hands over only the reply to the
    latest (libzmq, issue 1695)."""
    req = driver.socket("REQ")
    if not (libzmq_option(req, "req_relaxed", 1) and libzmq_option(req, "req_correlate", 1)):
        return
    endpoint = nodes.vacant_tcp_endpoint()
    req.connect(endpoint)
    req.send("TO_BE_DISCARDED", timeout=0)
    req.send("TO_BE_ANSWERED", timeout=0)
    rep = nodes.driver("late").socket("REP")
    rep.bind(nodes.release(endpoint))
    for request in (b"TO_BE_DISCARDED", b"TO_BE_ANSWERED"):
        assert rep.recv_one(WAIT) == request
        rep.send(b"reply: " + request)
    assert req.recv_one(WAIT) == b"reply: TO_BE_ANSWERED"


@pytest.mark.reqrep
@pytest.mark.spec("RR-18")
def test_a_correlating_req_puts_a_request_id_first_and_takes_only_the_reply_carrying_it(driver, observers):
    """With `req_correlate` set a REQ puts a 4-byte request id before the empty delimiter, and
    drops a reply with another id: of a wrong reply and then the right one on the same connection,
    it hands over the right one (libzmq)."""
    import zmq

    req = driver.socket("REQ")
    if not libzmq_option(req, "req_correlate", 1):
        return
    router = observers.socket(zmq.ROUTER)
    endpoint = f"tcp://127.0.0.1:{router.bind_to_random_port('tcp://127.0.0.1')}"
    req.connect(endpoint)
    req.send("ABC")
    deadline = Deadline(WAIT)
    if not router.poll(int(deadline.seconds * 1000)):
        raise AssertionError(f"the ROUTER got no request within {deadline.seconds:.0f} s")
    frames = router.recv_multipart()
    assert len(frames) == 4 and len(frames[1]) == 4 and frames[2:] == [b"", b"ABC"], (
        f"a correlating REQ's request reached a ROUTER as {frames}: not [identity, 4-byte id, '', body]"
    )
    identity, request_id = frames[0], frames[1]
    wrong = ((int.from_bytes(request_id, "big") + 1) % 2**32).to_bytes(4, "big")
    router.send_multipart([identity, wrong, b"", b"wrong"])
    router.send_multipart([identity, request_id, b"", b"right"])
    assert req.recv_one(WAIT) == b"right", "a correlating REQ handed over a reply carrying another request's id"


@pytest.mark.reqrep
@pytest.mark.spec("RR-18")
def test_a_relaxed_correlating_req_drops_the_late_reply_to_an_old_request(driver):
    """With `req_relaxed` and `req_correlate` set, a late reply to the old request is dropped and
    the reply to the new one is handed over, from a plain REP (which returns the id untouched)."""
    made = req_and_rep(driver, "correlate", req_relaxed=1, req_correlate=1)
    if made is None:
        return
    req, rep = made
    req.send("old")
    assert rep.recv_one(WAIT) == b"old"
    req.send("new")
    rep.send("reply to old")
    assert rep.recv_one(WAIT) == b"new"
    rep.send("reply to new")
    assert req.recv_one(WAIT) == b"reply to new", "a correlating REQ handed over the late reply to the old request"


# -- TR-9: a call that timed out changes nothing -------------------------------------


@pytest.mark.transport
@pytest.mark.spec("TR-9")
def test_a_req_whose_receive_timed_out_still_waits_for_the_same_reply(driver):
    """A REQ whose receive timed out (EAGAIN) is still waiting for its reply: a send fails EFSM,
    the next receive gets the late reply, and exchanges go on."""
    req, rep = req_and_rep(driver, "late")
    req.send("q1")
    assert rep.recv_one(WAIT) == b"q1"
    expect_errno("EAGAIN", req.recv, timeout=SHORT)
    expect_errno("EFSM", req.send, "too soon", timeout=0)
    rep.send("late reply")
    assert req.recv_one(WAIT) == b"late reply", "after a timed-out receive the REQ lost its reply"
    req.send("q3")
    assert rep.recv_one(WAIT) == b"q3"
    rep.send("r3")
    assert req.recv_one(WAIT) == b"r3"


@pytest.mark.transport
@pytest.mark.spec("TR-9")
def test_a_rep_a_push_and_a_pull_whose_calls_timed_out_go_on_as_before(driver):
    """A REP whose receive timed out takes the next request; a PUSH whose send timed out with no
    peer, and a PULL whose receive timed out, then carry the next message."""
    req, rep = req_and_rep(driver, "rep-timeout")
    expect_errno("EAGAIN", rep.recv, timeout=SHORT)
    req.send("q4")
    assert rep.recv_one(WAIT) == b"q4", "after a timed-out receive the REP did not take the next request"
    rep.send("r4")
    assert req.recv_one(WAIT) == b"r4"

    push, pull = driver.socket("PUSH"), driver.socket("PULL")
    endpoint = inproc(driver, "push-timeout")
    expect_errno("EAGAIN", push.send, "nobody", timeout=SHORT)  # no peer yet: RFC 30 blocks
    pull.bind(endpoint)
    expect_errno("EAGAIN", pull.recv, timeout=SHORT)
    push.connect(endpoint)
    push.send("after timeouts", timeout=WAIT)
    assert pull.recv_one(WAIT) == b"after timeouts", "after timed-out calls the PUSH and PULL did not go on"
