"""Subscriptions through XPUB and XSUB (catalogue PS-20 .. PS-24, PS-26 .. PS-28; issue #14).

An XPUB is a PUB that hands its application the subscriptions it receives
(`\\x01` + prefix, and `\\x00` + prefix for an unsubscribe); an XSUB is a SUB
whose application sends them itself (RFC 29). Most checks here read what an
XPUB's application is handed, step by step. One connection keeps its order,
so after each step the socket that made it subscribes to a fresh sentinel
prefix `Z<n>`: what the XPUB is handed before `\\x01Z<n>` is the step's whole
output, and nothing before it means the step sent nothing.

`xpub_verbose`, `xpub_verboser`, `xpub_manual`, `xpub_nodrop` and
`xpub_welcome_msg` are libzmq's options: a driver that refuses one (EINVAL)
is non-strict on that id; one that accepts it must do what it means.
"""

from __future__ import annotations

import signal

import pytest
import zmq

from zmqspec.conformance.shoulds import should
from zmqspec.harness import Deadline, DriverError, recv_within
from zmqspec.spec.helpers import WAIT, libzmq_option, need_inproc, publish_until_through


class Steps:
    """What an XPUB's application is handed for each step, read up to a fresh sentinel subscription."""

    def __init__(self, xpub):
        self.xpub, self.count = xpub, 0

    def after(self, sock) -> list[bytes]:
        """Have ``sock`` (a SUB) subscribe to a fresh sentinel; return what the XPUB got before it."""
        self.count += 1
        sentinel = f"Z{self.count}".encode()
        if sock.type == "XSUB":
            sock.send(b"\x01" + sentinel)
        else:
            sock.subscribe(sentinel)
        got = []
        deadline = Deadline(WAIT)
        while True:
            message = self.xpub.recv(deadline)
            if message == [b"\x01" + sentinel]:
                return got
            got.append(b"".join(message) if len(message) == 1 else message)


def subscribe(sock, prefix: bytes) -> None:
    sock.send(b"\x01" + prefix) if sock.type == "XSUB" else sock.subscribe(prefix)


def unsubscribe(sock, prefix: bytes) -> None:
    sock.send(b"\x00" + prefix) if sock.type == "XSUB" else sock.unsubscribe(prefix)


# -- PS-20: the subscriptions as messages ------------------------------------------


@pytest.mark.spec("PS-20")
@pytest.mark.parametrize("transport", ["tcp", "inproc"])
def test_an_xpub_hands_its_application_each_subscription_and_unsubscribe_whole(nodes, driver, transport):
    """An XPUB hands its application `\\x01` + prefix for a subscription and `\\x00` + prefix for an
    unsubscribe, the prefix unchanged whatever its length: 0, 1, 245, 246 and 70000 bytes (RFC 29)."""
    if transport == "inproc":
        need_inproc(driver)
    xpub = driver.socket("XPUB")
    sub = driver.socket("SUB") if transport == "inproc" else nodes.driver("subscriber").socket("SUB")
    endpoint = f"inproc://ps20-{driver.node.pid}" if transport == "inproc" else "tcp://127.0.0.1:*"
    sub.connect(xpub.bind(endpoint))
    for size in (0, 1, 245, 246, 70_000):
        prefix = bytes((i % 251) + 1 for i in range(size))
        sub.subscribe(prefix)
        got = xpub.recv(WAIT)
        assert got == [b"\x01" + prefix], f"a subscription to {size} bytes reached the XPUB as {len(got[0])} bytes"
        sub.unsubscribe(prefix)
        got = xpub.recv(WAIT)
        assert got == [b"\x00" + prefix], f"an unsubscribe of {size} bytes reached the XPUB as {len(got[0])} bytes"


# -- PS-21: a subscriber that goes away ----------------------------------------------


@pytest.mark.spec("PS-21")
def test_an_xpub_reports_an_unsubscribe_for_each_prefix_a_departing_subscriber_held_alone(nodes, driver):
    """When a subscriber goes (closed, or its process killed), an XPUB hands its application an
    unsubscribe for each prefix no other subscriber still holds, and none for the others (RFC 29)."""
    xpub = driver.socket("XPUB")
    endpoint = xpub.bind()
    first_driver, second_driver = nodes.driver("first"), nodes.driver("second")
    first, second = first_driver.socket("SUB"), second_driver.socket("SUB")
    for sock in (first, second):
        sock.connect(endpoint)
    steps = Steps(xpub)
    first.subscribe("A")
    first.subscribe("B")
    assert sorted(steps.after(first)) == [b"\x01A", b"\x01B"], "the first subscriber's A and B"
    second.subscribe("A")
    assert steps.after(second) in ([], [b"\x01A"]), "the second subscriber's A"

    first.close()
    left = {b"".join(xpub.recv(WAIT)) for _ in range(2)}
    assert left == {b"\x00B", b"\x00Z1"}, (
        f"when the first subscriber (A, B, Z1) closed, the XPUB reported {left}, not B and Z1 (A is still held)"
    )
    assert steps.after(second) == [], "with the first subscriber gone, the XPUB reported more than B and Z1"

    second_driver.node.signal(signal.SIGKILL)
    second_driver.node.wait_exit()
    gone = {b"".join(xpub.recv(WAIT)) for _ in range(3)}
    assert gone == {b"\x00A", b"\x00Z2", b"\x00Z3"}, f"the killed subscriber's prefixes came back as {gone}"


# -- PS-22: merged or verbose ----------------------------------------------------------


EXPECTED = {  # what the XPUB's application is handed for: S1 sub A, S2 sub A, S1 unsub A, S2 unsub A
    None: [[b"\x01A"], [], [], [b"\x00A"]],
    "xpub_verbose": [[b"\x01A"], [b"\x01A"], [], [b"\x00A"]],
    "xpub_verboser": [[b"\x01A"], [b"\x01A"], [b"\x00A"], [b"\x00A"]],
}


@pytest.mark.spec("PS-22")
@pytest.mark.parametrize("option", list(EXPECTED), ids=["default", "verbose", "verboser"])
def test_an_xpub_merges_identical_subscriptions_unless_told_not_to(nodes, driver, option):
    """Two subscribers subscribe to A and then unsubscribe, in turn. By default the XPUB hands its
    application the first subscribe and the last unsubscribe (RFC 29 MAY merge); with
    `xpub_verbose` every subscribe; with `xpub_verboser` every subscribe and unsubscribe (libzmq).
    Each subscriber gets a message for A once."""
    xpub = driver.socket("XPUB")
    if option and not libzmq_option(xpub, option, 1):
        return
    endpoint = xpub.bind()
    subscriber = nodes.driver("subscribers")
    s1, s2 = subscriber.socket("SUB"), subscriber.socket("SUB")
    for sock in (s1, s2):
        sock.connect(endpoint)
    steps = Steps(xpub)
    got = []
    subscribe(s1, b"A")
    got.append(steps.after(s1))
    subscribe(s2, b"A")
    got.append(steps.after(s2))
    xpub.send("A1")
    assert s1.recv(WAIT) == [b"A1"] and s2.recv(WAIT) == [b"A1"], "a subscriber to A did not get A1"
    unsubscribe(s1, b"A")
    got.append(steps.after(s1))
    unsubscribe(s2, b"A")
    got.append(steps.after(s2))

    assert got[0] == [b"\x01A"] and b"\x00A" in got[3], f"the XPUB was handed {got}"
    if option is None:
        should(got == EXPECTED[None], f"a default XPUB was handed {got}, not {EXPECTED[None]} (libzmq merges)")
    else:
        assert got == EXPECTED[option], f"an XPUB with {option} was handed {got}, not {EXPECTED[option]}"


# -- PS-23: a subscriber counts its subscriptions -------------------------------------


@pytest.mark.spec("PS-23")
@pytest.mark.parametrize("kind", ["SUB", "XSUB"])
def test_a_subscriber_sends_every_subscribe_but_only_the_unsubscribe_that_cancels_the_last(driver, observers, kind):
    """A SUB (and an XSUB) facing an XPUB that hands over everything (`xpub_verboser`): an unsubscribe
    of a prefix not held sends nothing; two subscribes send two; of two unsubscribes only the
    second is sent; a third sends nothing (libzmq counts; RFC 29 does not say)."""
    xpub = observers.socket(zmq.XPUB, xpub_verboser=1)
    endpoint = f"tcp://127.0.0.1:{xpub.bind_to_random_port('tcp://127.0.0.1')}"
    sock = driver.socket(kind)
    sock.connect(endpoint)
    steps = ObserverSteps(xpub)
    got = []
    for step in (unsubscribe, subscribe, subscribe, unsubscribe, unsubscribe, unsubscribe):
        step(sock, b"A")
        got.append(steps.after(sock))

    assert got[1] == [b"\x01A"] and [b"\x00A"] in got[3:5], f"the publisher was sent {got}"
    assert all(step in ([], [b"\x01A"], [b"\x00A"]) for step in got), f"the publisher was sent {got}"
    expected = [[], [b"\x01A"], [b"\x01A"], [], [b"\x00A"], []]
    should(got == expected, f"step by step the {kind} sent {got}, not {expected} (libzmq counts subscriptions)")


class ObserverSteps(Steps):
    """Steps read from an in-process XPUB of the harness."""

    def after(self, sock) -> list[bytes]:
        self.count += 1
        sentinel = f"Z{self.count}".encode()
        subscribe(sock, sentinel)
        got = []
        while True:
            message = recv_within(self.xpub, WAIT, f"the sentinel subscription Z{self.count}")
            if message == [b"\x01" + sentinel]:
                return got
            got.append(b"".join(message))


# -- PS-24: what is not a subscription -------------------------------------------------


@pytest.mark.spec("PS-24")
def test_an_xpub_hands_over_what_an_xsub_sends_that_is_not_a_subscription_unchanged(nodes, driver):
    """An XSUB sends its publishers every message its application gives it, and an XPUB hands a
    message that is neither a subscribe nor an unsubscribe to its application unchanged (RFC 29)."""
    xpub = driver.socket("XPUB")
    xsub = nodes.driver("xsub").socket("XSUB")
    xsub.connect(xpub.bind())
    xsub.send(b"\x01")
    assert xpub.recv(WAIT) == [b"\x01"]
    xsub.send(b"\x02A")
    xsub.send(b"hello", b"\x01not-a-sub")
    assert xpub.recv(WAIT) == [b"\x02A"], "the XPUB did not hand over \\x02A unchanged"
    assert xpub.recv(WAIT) == [b"hello", b"\x01not-a-sub"], "the XPUB did not hand over a two-frame message unchanged"


@pytest.mark.spec("PS-24")
def test_a_pub_discards_what_subscribers_send_it_and_goes_on_publishing(nodes, driver):
    """A PUB sent messages that are not subscriptions by an XSUB discards them, keeps publishing to
    it, and hands its application nothing (libzmq: its receive is ENOTSUP)."""
    pub = driver.socket("PUB")
    xsub = nodes.driver("xsub").socket("XSUB")
    xsub.connect(pub.bind())
    xsub.send(b"\x01")
    xsub.send(b"\x02A")
    xsub.send(b"hello", b"world")
    publish_until_through(pub, xsub, lambda n: f"marker {n}", "the XSUB received nothing from the PUB it subscribed to")
    try:
        got = pub.recv(0)
    except DriverError:
        return  # libzmq: ENOTSUP; any refusal will do
    raise AssertionError(f"a PUB handed its application {got}, sent by a subscriber")


# -- PS-26: xpub_manual ----------------------------------------------------------------


@pytest.mark.spec("PS-26")
def test_a_manual_xpub_installs_only_what_its_application_subscribes_for_the_last_subscriber(nodes, driver):
    """With `xpub_manual` an XPUB hands over every subscription, a duplicate too, and installs none:
    its own subscribe installs a prefix for the subscriber it last heard from, which then receives
    what matches that prefix and not what it asked for, and its own unsubscribe removes it (libzmq)."""
    xpub = driver.socket("XPUB")
    if not libzmq_option(xpub, "xpub_manual", 1):
        return
    endpoint = xpub.bind()
    others = nodes.driver("subscribers")
    first, second = others.socket("XSUB"), others.socket("XSUB")
    first.connect(endpoint)
    first.send(b"\x01A")
    assert xpub.recv(WAIT) == [b"\x01A"]
    xpub.subscribe("B")  # installed for the first XSUB, the last one heard from

    xpub.send("A2")
    xpub.send("B2")
    assert first.recv(WAIT) == [b"B2"], "the manual XPUB sent its subscriber A2 (asked for, not installed)"
    xpub.subscribe("C")
    xpub.unsubscribe("B")  # removes what it installed for the first XSUB, still the last heard from
    xpub.send("B3")
    xpub.send("C3")
    assert first.recv(WAIT) == [b"C3"], "the manual XPUB still sent B after its application unsubscribed it"
    second.connect(endpoint)
    second.send(b"\x01A")
    assert xpub.recv(WAIT) == [b"\x01A"], "a manual XPUB did not hand over a second, identical subscription"


@pytest.mark.spec("PS-26")
def test_a_manual_xpub_confirms_each_subscriber_for_itself_and_forgets_a_departed_ones(nodes, driver):
    """Two subscribers heard one right after the other, each confirmed by the application at once
    with its own prefix, get only their own prefix's messages; once the first has gone, a new
    subscriber confirmed with a third prefix gets that one and not the departed one's. The
    departure itself is handed over as the subscriber's unsubscribe (libzmq)."""
    xpub = driver.socket("XPUB")
    if not libzmq_option(xpub, "xpub_manual", 1):
        return
    endpoint = xpub.bind()
    others = nodes.driver("subscribers")
    one, two, three = (others.socket("XSUB") for _ in range(3))
    for sock, prefix in ((one, "1"), (two, "2")):
        sock.connect(endpoint)
        sock.send(b"\x01")
        assert xpub.recv(WAIT) == [b"\x01"]
        xpub.subscribe(prefix)  # for the subscriber heard from last
    for message in ("1x", "2x", "1z", "2z"):
        xpub.send(message)
    assert [one.recv(WAIT), one.recv(WAIT)] == [[b"1x"], [b"1z"]], "the first subscriber got another's message"
    assert [two.recv(WAIT), two.recv(WAIT)] == [[b"2x"], [b"2z"]], "the second subscriber got another's message"

    one.close()
    assert xpub.recv(WAIT) == [b"\x00"], "the manual XPUB did not hand over the departed subscriber's unsubscribe"
    three.connect(endpoint)
    three.send(b"\x01")
    assert xpub.recv(WAIT) == [b"\x01"], "the third subscriber's subscription"
    xpub.subscribe("3")
    for message in ("1w", "3w"):
        xpub.send(message)
    assert three.recv(WAIT) == [b"3w"], "a new subscriber got what was installed for the one that left"


# -- PS-27: the welcome message ----------------------------------------------------------


@pytest.mark.spec("PS-27")
def test_an_xpub_with_a_welcome_message_sends_it_first_to_each_subscriber(nodes, driver):
    """With `xpub_welcome_msg` set to W, a SUB subscribed to W that connects receives W before what
    is published next (libzmq sends it once the XPUB's application next calls into the socket)."""
    xpub = driver.socket("XPUB")
    if not libzmq_option(xpub, "xpub_welcome_msg", b"W"):
        return
    sub = nodes.driver("subscriber").socket("SUB")
    sub.subscribe("W")
    sub.connect(xpub.bind())
    assert xpub.recv(WAIT) == [b"\x01W"]
    xpub.send("W after")
    assert sub.recv(WAIT) == [b"W"], "a subscriber to W did not get the welcome message W first"
    assert sub.recv(WAIT) == [b"W after"]


# -- PS-28: xpub_nodrop ------------------------------------------------------------------


@pytest.mark.spec("PS-28")
def test_an_xpub_with_nodrop_refuses_instead_of_dropping_and_everything_it_took_arrives(nodes, driver):
    """With `xpub_nodrop` and SNDHWM 100 an XPUB whose subscriber does not read refuses a send with
    no wait (EAGAIN) once the queue is full, and every message it took arrives, in order (libzmq;
    it departs on purpose from RFC 29's drop)."""
    xpub = driver.socket("XPUB")
    if not libzmq_option(xpub, "xpub_nodrop", 1):
        return
    xpub.set("sndhwm", 100)
    sub = nodes.driver("subscriber").socket("SUB")
    sub.subscribe("")
    sub.connect(xpub.bind())
    assert xpub.recv(WAIT) == [b"\x01"]
    messages = [f"m{i}" for i in range(5000)]
    try:
        driver.batch([xpub.command("send", frames=[m.encode().hex()], timeout_ms=0) for m in messages])
        taken = len(messages)
    except DriverError as exc:
        assert exc.errno == "EAGAIN", exc
        taken = exc.index
    assert 100 <= taken < 5000, f"an XPUB with xpub_nodrop and SNDHWM 100 took {taken} of 5000 sends with no reader"
    got = [m[0].decode() for m in sub.recv_many(taken, timeout=WAIT)]
    assert got == messages[:taken], f"of {taken} messages taken the subscriber got {len(got)}, or out of order"
    xpub.send("after", timeout=WAIT)
    assert sub.recv(WAIT) == [b"after"]


# -- PS-25: a forwarder, by hand ---------------------------------------------------------


@pytest.mark.spec("PS-25")
def test_a_forwarder_passes_subscriptions_up_and_messages_down_and_the_last_unsubscribe_stops_the_flow(
        nodes, driver):
    """A forwarder (an XSUB facing the publisher, an XPUB facing the subscribers, both bound) relays
    by hand, one message at a time, as libzmq's test_sub_forward does: a subscription read from the
    XPUB and sent on the XSUB reaches the PUB, and the PUB's message read from the XSUB and sent on
    the XPUB reaches the SUB. Once the last subscriber to a prefix unsubscribes and that travels
    up, the PUB sends the forwarder nothing more on it (RFC 29)."""
    xpub, xsub = driver.socket("XPUB"), driver.socket("XSUB")
    backend, frontend = xpub.bind(), xsub.bind()
    publisher = nodes.driver("publisher").socket("PUB")
    publisher.connect(frontend)
    subscribers = nodes.driver("subscribers")
    news, sport = subscribers.socket("SUB"), subscribers.socket("SUB")
    for sub, prefix in ((news, b"news"), (sport, b"sport")):
        sub.subscribe(prefix)
        sub.connect(backend)
        assert xpub.recv(WAIT) == [b"\x01" + prefix], f"the forwarder's XPUB did not get the {prefix!r} subscription"
        xsub.send(b"\x01" + prefix)  # up to the publisher

    first = publish_until_through(publisher, xsub, lambda n: "sport 0",
                                  "the PUB never sent the forwarder a message its subscriber asked for")
    xpub.send(*first)
    assert sport.recv(WAIT) == [b"sport 0"], "a message relayed down the forwarder did not reach its subscriber"
    publisher.send("news 1")
    relayed = xsub.recv(WAIT)
    assert relayed == [b"news 1"], f"the forwarder's XSUB got {relayed}, not news 1"
    xpub.send(*relayed)
    assert news.recv(WAIT) == [b"news 1"]

    news.unsubscribe("news")
    assert xpub.recv(WAIT) == [b"\x00news"], "the last unsubscribe to news did not reach the forwarder's XPUB"
    xsub.send(b"\x00news")
    deadline = Deadline(WAIT)
    while True:  # sport markers until one comes after the unsubscribe took effect: news 2 never does
        publisher.send("news 2")
        publisher.send("sport 2")
        got = xsub.recv(WAIT)
        if got == [b"sport 2"]:
            break
        assert got == [b"news 2"], f"the forwarder's XSUB got {got}"
        assert xsub.recv(WAIT) == [b"sport 2"]
        assert not deadline.passed(), "the PUB went on sending news after the last unsubscribe travelled up"
    publisher.send("news 3")
    publisher.send("sport 3")
    assert xsub.recv(WAIT) == [b"sport 3"], "the PUB sent news after the last subscriber to it unsubscribed"
