"""A SUB that binds, and a SUB facing a publisher that does not filter (catalogue PS-15, PS-17).

PS-15: publishers may connect to a SUB (RFC 29: it creates a queue for each
publisher that connects). libzmq sends a connecting publisher the SUB's
subscriptions only when the SUB's application next calls into the socket;
the tests receive in a loop, as a subscriber does anyway, and do not assert
that timing. PS-17: a SUB delivers only what matches its subscriptions, even
from a publisher that sends it everything (the harness plays one, in ZMTP
3.0 by hand). RFC 29 lets a SUB filter (MAY), libzmq's always does: a SUB
that does not is non-strict.
"""

from __future__ import annotations


import pytest

from zmqspec.conformance.shoulds import should
from zmqspec.harness.zmtp import Listener
from zmqspec.spec.helpers import WAIT, publish_until_through


@pytest.fixture
def listener():
    made = Listener()
    yield made
    made.close()


@pytest.mark.spec("PS-15")
def test_a_sub_that_binds_receives_from_a_publisher_that_connects(nodes, driver):
    """A SUB subscribes to `n` and binds; a PUB in another process connects. Once a first message
    has come through, 20 published next all arrive, in order."""
    sub = driver.socket("SUB")
    sub.subscribe("n")
    pub = nodes.driver("publisher").socket("PUB")
    pub.connect(sub.bind())
    publish_until_through(pub, sub, lambda n: f"n probe {n}", "a bound SUB received nothing from the PUB")

    expected = [f"n {i}" for i in range(20)]
    pub.send_many([[m] for m in expected], timeout=WAIT)
    got = [m[0].decode() for m in sub.recv_many(20, timeout=WAIT)]
    assert got == expected, f"a bound SUB received {got} of 20 messages published after the first got through"


@pytest.mark.spec("PS-15")
def test_weather_sub_bound_gets_its_updates_from_a_weather_pub_that_connects(nodes):
    """weather-sub told to bind, with weather-pub connecting to it, ends with its 50 updates."""
    sub = nodes.start("weather-sub", "--bind", "tcp://127.0.0.1:*")
    nodes.start("weather-pub", "--connect", sub.endpoint("sub"), "--zip-min", "10001", "--zip-max", "10001",
                "--rate", "200")
    assert sub.wait_exit(timeout=WAIT) == 0, f"a bound weather-sub ended with {sub.status()}"
    assert sub.output.count("RECEIVED: 10001 ") == 50, sub.describe()


@pytest.mark.spec("PS-17")
def test_a_sub_drops_what_does_not_match_even_from_a_publisher_that_sends_everything(driver, listener):
    """A SUB subscribed to `A`, facing a publisher that ignores subscriptions and sends A1, B1, A2,
    [B2, A...] and A3, delivers A1 and A2 before A3 and nothing else: a message whose first frame
    does not match is dropped whole (RFC 29 MAY; libzmq's SUB always filters)."""
    sub = driver.socket("SUB")
    sub.subscribe("A")
    sub.connect(listener.endpoint)
    peer = listener.accept(b"PUB", "the SUB connecting to the hand-written publisher")
    peer.handshake()
    assert peer.read_message() == [b"\x01A"], "the SUB's first message is not its subscription to A"

    peer.send(b"A1")
    peer.send(b"B1")
    peer.send(b"A2")
    peer.send(b"B2", b"A in the second frame")
    peer.send(b"A3")
    before, found = sub.recv_until("A3", timeout=WAIT)
    assert found, "the SUB never delivered A3"
    assert [b"A1"] in before and [b"A2"] in before, f"before A3 the SUB delivered {before}, without A1 and A2"
    should(before == [[b"A1"], [b"A2"]], f"a SUB subscribed to A delivered {before} before A3: it does not filter")
    peer.close()
