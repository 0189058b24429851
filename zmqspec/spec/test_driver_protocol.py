"""The driver protocol (docs/contract.md section 5, catalogue DP-1 .. DP-8): what every driver
answers the same way, so that the suite reads one answer from every stack.

Some requests here are written by hand, as lines or with ``driver.request``: what is tested is the
driver's answer to a request the harness's own methods would never send.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from zmqspec.harness import milliseconds
from zmqspec.spec.helpers import WAIT, expect_errno

pytestmark = pytest.mark.contract

EMPTY_POLL_MS = 500  # the wait under test, not a deadline: never scaled


def connected_pair(driver):
    """Two sockets of the driver, connected, messages going from the connecting end to the bound
    one: (bound PULL, connecting PUSH). Any pair would do; these two every stack has."""
    bound, other = driver.socket("PULL"), driver.socket("PUSH")
    other.connect(bound.bind())
    return bound, other


def raw_reply(driver, line: str, what: str) -> dict:
    """Write ``line`` as it is and read the driver's next reply line, as JSON."""
    driver.node.send_line(line)
    text = driver.node.read_line(WAIT, f"the driver's reply to {what}")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise AssertionError(f"the driver answered {what} with a line that is not JSON: {text!r}") from None


def assert_refused_as_no_request(reply: dict, what: str) -> None:
    assert reply.get("seq", "absent") is None and reply.get("error", {}).get("errno") == "EPROTO", (
        f"{what} must get one reply with seq null and EPROTO, got {reply}"
    )


@pytest.mark.spec("DP-1")
def test_a_poll_with_no_items_waits_its_timeout_as_zmq_poll_does(driver):
    """zmq_poll with no items sleeps the timeout (libzmq src/zmq.cpp) and returns 0: the driver's
    poll with no items waits timeout_ms before it replies, with nothing ready."""
    started = time.monotonic()
    result = driver.request("poll", EMPTY_POLL_MS / 1000, items=[], timeout_ms=EMPTY_POLL_MS)
    took = time.monotonic() - started
    assert result.get("ready") == [], f"a poll with no items must have nothing ready, got {result}"
    assert took >= EMPTY_POLL_MS / 1000, (
        f"a poll with no items and timeout_ms {EMPTY_POLL_MS} replied after {took * 1000:.0f} ms: "
        "zmq_poll waits the timeout"
    )


@pytest.mark.spec("DP-2")
def test_a_poll_item_without_events_waits_for_input_only(driver):
    """An item without ``events`` is ``["in"]``: a writable socket with nothing to read does not
    fire, and a socket with a message waiting does."""
    bound, other = connected_pair(driver)
    assert other.poll(("out",), timeout=WAIT) == {"out"}, "the connected PUSH never became writable"
    quiet = driver.request("poll", 0.3, items=[{"socket": other.name}], timeout_ms=300)["ready"]
    assert quiet == [], f"a writable socket with nothing to read fired for an item without events: {quiet}"
    other.send(b"waiting")
    fired = driver.request("poll", WAIT, items=[{"socket": bound.name}], timeout_ms=milliseconds(WAIT))["ready"]
    assert fired == [{"socket": bound.name, "events": ["in"]}], (
        f"a socket with a message waiting, polled without events, must fire with ['in'] alone: {fired}"
    )


@pytest.mark.spec("DP-3")
def test_a_socket_name_never_given_or_closed_is_enotsock(driver):
    """A socket name the driver never gave, or one it closed, gets ENOTSOCK; the driver goes on."""
    expect_errno("ENOTSOCK", driver.request, "recv", socket="no-such-socket", timeout_ms=0)
    closed = driver.socket("PULL")
    closed.close()
    expect_errno("ENOTSOCK", closed.recv, timeout=0)
    expect_errno("ENOTSOCK", closed.bind)
    assert driver.hello()["protocol"] == 1, "the driver goes on after ENOTSOCK"


@pytest.mark.spec("DP-4")
@pytest.mark.parametrize("cmd", ["juggle", "HELLO"])
def test_a_command_the_driver_cannot_do_is_enotsup(driver, cmd):
    """A ``cmd`` the protocol lacks (names are case-sensitive) gets ENOTSUP; the driver goes on."""
    expect_errno("ENOTSUP", driver.request, cmd)
    assert driver.hello()["protocol"] == 1, f"the driver goes on after {cmd!r}"


@pytest.mark.spec("DP-5")
def test_hello_gives_zmq_version_as_major_minor_patch(driver):
    version = driver.hello().get("zmq_version")
    assert isinstance(version, str) and re.fullmatch(r"\d+\.\d+\.\d+", version), (
        f"hello's zmq_version must be MAJOR.MINOR.PATCH, got {version!r}"
    )


@pytest.mark.spec("DP-6")
def test_a_request_without_an_integer_seq_gets_seq_null_and_eproto_and_does_nothing(driver):
    """A request with no seq, or a seq that is a string or a boolean, is no request: one reply,
    seq null, EPROTO, and it does nothing (the socket it would have closed still works). An
    integer seq comes back as the same JSON integer."""
    bound, other = connected_pair(driver)
    close = {"cmd": "close", "socket": bound.name}
    for what, request in (("no seq", close), ('seq "7"', {"seq": "7", **close}), ("seq true", {"seq": True, **close})):
        assert_refused_as_no_request(raw_reply(driver, json.dumps(request), f"close with {what}"), f"close with {what}")
    other.send(b"still open")
    assert bound.recv(WAIT) == [b"still open"], "a request without an integer seq closed the socket"
    echoed = raw_reply(driver, '{"seq": 123456789, "cmd": "hello"}', "hello with seq 123456789")
    assert type(echoed.get("seq")) is int and echoed["seq"] == 123456789, (
        f"the reply must echo seq as the same integer: {echoed.get('seq')!r}"
    )


@pytest.mark.spec("DP-7")
@pytest.mark.parametrize("line", ["", "   "], ids=["empty", "blanks"])
def test_an_empty_line_gets_one_reply_with_seq_null_and_eproto(driver, line):
    """Every line gets exactly one reply: an empty line (or one of blanks) gets seq null and
    EPROTO, before the reply to the request written after it."""
    driver.node.send_line(line)
    first = raw_reply(driver, '{"seq": 424242, "cmd": "hello"}', "an empty line, then hello")
    assert first.get("seq") != 424242, f"the driver answered the hello after an empty line, not the empty line: {first}"
    assert_refused_as_no_request(first, f"the line {line!r}")
    second = json.loads(driver.node.read_line(WAIT, "the driver's reply to the hello after the empty line"))
    assert second.get("seq") == 424242 and "ok" in second, f"the hello after the empty line got {second}"


@pytest.mark.spec("DP-8")
def test_uppercase_hex_and_booleans_for_integers_are_einval_and_do_nothing(driver):
    """Hex is lowercase and an integer is a JSON integer: ``"AB"`` as a frame or a subscription,
    and ``true`` as a timeout or an option value, get EINVAL; the refused frame is never sent."""
    bound, other = connected_pair(driver)
    expect_errno("EINVAL", driver.request, "send", socket=other.name, frames=["AB"], timeout_ms=0)
    expect_errno("EINVAL", driver.request, "recv", socket=bound.name, timeout_ms=True)
    expect_errno("EINVAL", driver.request, "setsockopt", socket=bound.name, option="linger", value=True)
    sub = driver.socket("SUB")
    expect_errno("EINVAL", driver.request, "setsockopt", socket=sub.name, option="subscribe", value="AB")
    other.send(b"\xcd")
    assert bound.recv(WAIT) == [b"\xcd"], "the frame after the refused uppercase one must come first"
