"""The specification's shared vocabulary (zmqspec/spec/helpers.py) has tests of its own.

A helper that mis-states a wire format, or an observation that sees nothing
where something arrived, would make every test that uses it wrong in the
same way; so each is pinned here, the pure ones with their edges, the ones
that observe through a driver against the reference driver, with and
without its ``poll`` (``arrivals`` must not need it).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from zmqspec.harness import DriverError
from zmqspec.spec import helpers

pytestmark = pytest.mark.meta


@pytest.mark.parametrize("n, wire", [(0, bytes(8)), (1, b"\0" * 7 + b"\1"), (2**64 - 1, b"\xff" * 8),
                                     (100_000, (100_000).to_bytes(8, "big"))])
def test_the_count_message_is_8_bytes_big_endian_at_both_edges(n, wire):
    assert helpers.count_message(n) == wire


def test_a_count_beyond_8_bytes_cannot_be_written():
    with pytest.raises(OverflowError):
        helpers.count_message(2**64)


@pytest.mark.parametrize("n, marks", [(0, ""), (1, ":"), (10, ":" + "." * 9), (11, ":" + "." * 9 + ":"),
                                      (21, (":" + "." * 9) * 2 + ":")])
def test_sink_marks_put_a_colon_on_every_tenth_result_from_the_first(n, marks):
    assert helpers.sink_marks(n) == marks


def sink_printing(text: str):
    return SimpleNamespace(name="sink 'stand-in'", output=text)


def test_assert_sink_marked_tells_a_wrong_count_from_a_wrong_pattern():
    helpers.assert_sink_marked(sink_printing("GATHER 11 TASKS.\n:.........:\nELAPSED TIME: 0.01\n"), 11)
    with pytest.raises(AssertionError, match=r"printed 10 marks .* for 11 results"):
        helpers.assert_sink_marked(sink_printing("GATHER 11 TASKS.\n:.........\nELAPSED TIME: 0.01\n"), 11)
    with pytest.raises(AssertionError, match=r"marked 11 results as '\.{11}', not"):
        helpers.assert_sink_marked(sink_printing("GATHER 11 TASKS.\n...........\nELAPSED TIME: 0.01\n"), 11)
    with pytest.raises(AssertionError, match="no marks line"):
        helpers.assert_sink_marked(sink_printing("GATHER 11 TASKS.\n"), 11)


@pytest.mark.parametrize("update, seq", [(b"00001 -80 10 000000", 0), (b"99999 135 90 999999", 999999)])
def test_seq_of_reads_the_fourth_field_of_a_weather_update(update, seq):
    assert helpers.seq_of(update) == seq


def test_role_lines_leave_out_the_ready_line_only():
    node = SimpleNamespace(lines=lambda: ["STARTING SERVER", 'ZMQSPEC READY {"rep": []}', "READY"])
    assert helpers.role_lines(node) == ["STARTING SERVER", "READY"]


def test_expect_errno_returns_the_error_and_fails_on_another_errno_or_none(driver):
    req = driver.socket("REQ")
    assert helpers.expect_errno("EFSM", req.recv, timeout=0.5).errno == "EFSM"
    with pytest.raises(AssertionError, match="expected EAGAIN, the driver said"):
        helpers.expect_errno("EAGAIN", req.recv, timeout=0.5)
    with pytest.raises(pytest.fail.Exception):
        helpers.expect_errno("EFSM", driver.hello)


@pytest.mark.parametrize("with_poll", [True, False], ids=["with poll", "without poll"])
def test_arrivals_sees_what_arrived_and_nothing_else_with_or_without_poll(driver, monkeypatch, with_poll):
    """``arrivals`` names the socket a message reached, with its frames, and is empty when nothing
    came within the time; a driver without ``poll`` is observed with receives."""
    if not with_poll:
        monkeypatch.setattr(helpers, "_polls", lambda _driver: False)
    (quiet, busy), (to_quiet, to_busy) = [driver.socket("PULL"), driver.socket("PULL")], \
        [driver.socket("PUSH"), driver.socket("PUSH")]
    to_quiet.connect(quiet.bind())
    to_busy.connect(busy.bind())
    to_busy.send(b"here")
    assert helpers.arrivals(driver, [quiet, busy], timeout=helpers.WAIT) == {busy: [b"here"]}
    assert helpers.arrivals(driver, [quiet, busy], timeout=0.3) == {}


def test_next_within_is_none_on_silence_and_raises_other_errors(driver):
    pull = driver.socket("PULL")
    pull.bind()
    assert helpers.next_within(pull, 0.2) is None
    req = driver.socket("REQ")
    with pytest.raises(DriverError) as refused:
        helpers.next_within(req, 0.2)  # a REQ's receive before any send: EFSM, not silence
    assert refused.value.errno == "EFSM"


def test_publish_until_through_returns_the_first_message_that_arrived_and_names_what_never_did(driver, monkeypatch):
    pub, sub = driver.socket("PUB"), driver.socket("SUB")
    sub.subscribe("n")
    sub.connect(pub.bind())
    got = helpers.publish_until_through(pub, sub, lambda n: f"n {n}", "the SUB's subscription")
    assert len(got) == 1 and got[0].startswith(b"n ") and int(got[0][2:]) >= 0, got
    monkeypatch.setattr(helpers, "WAIT", 0.5)
    with pytest.raises(AssertionError, match=r"the SUB filters: none of \d+ messages published in \d+ s arrived"):
        helpers.publish_until_through(pub, sub, lambda n: f"other {n}", "the SUB filters")


def test_stand_ins_bind_a_push_a_pull_and_on_request_an_xpub(driver):
    seats, endpoints = helpers.stand_ins(driver, kill=True)
    assert set(seats) == set(endpoints) == {"tasks", "results", "kill"}
    assert all(endpoint.startswith("tcp://127.0.0.1:") for endpoint in endpoints.values())
    assert set(helpers.stand_ins(driver)[0]) == {"tasks", "results"}
