"""The models the fuzz tests predict with (zmqspec/_model.py) read the rules right.

These are tests of the harness, not of ZeroMQ: if a model were wrong, the
fuzz tests would hold live nodes to the wrong rule.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zmqspec.spec.model import EAGAIN, EFSM, OK, Outcome, ReqRep, Subscribe, Subscriptions, Unsubscribe

pytestmark = pytest.mark.meta

WEATHER = [(f"{zipcode:05d} 20 40 000001".encode(),) for zipcode in (9999, 10000, 10001, 10009, 10010, 11000)]


def zipcodes(messages):
    return [int(m[0].split()[0]) for m in messages]


def test_no_subscription_matches_nothing():
    assert Subscriptions().delivered([(b"",), (b"a",), (b"\xff",)]) == []


def test_the_empty_subscription_matches_everything_even_the_empty_message():
    messages = [(b"",), (b"a", b"b"), (b"\xff\x00",)]
    assert Subscriptions([Subscribe(b"")]).delivered(messages) == messages


def test_a_subscription_is_a_byte_prefix_not_a_field():
    assert zipcodes(Subscriptions([Subscribe(b"1000")]).delivered(WEATHER)) == [10000, 10001, 10009]
    assert zipcodes(Subscriptions([Subscribe(b"10001")]).delivered(WEATHER)) == [10001]
    assert zipcodes(Subscriptions([Subscribe(b"1")]).delivered(WEATHER)) == [10000, 10001, 10009, 10010, 11000]
    assert Subscriptions([Subscribe(b"10001 ")]).matches((b"10001 20 40 000001",))
    assert not Subscriptions([Subscribe(b"10001 ")]).matches((b"100012",))


def test_a_prefix_longer_than_the_message_does_not_match_it():
    assert not Subscriptions([Subscribe(b"abc")]).matches((b"ab",))


def test_only_the_first_frame_is_filtered():
    subscriptions = Subscriptions([Subscribe(b"b")])
    assert not subscriptions.matches((b"a", b"b"))
    assert subscriptions.matches((b"b", b"a"))


def test_text_prefixes_are_their_utf8_bytes():
    subscriptions = Subscriptions([Subscribe("é")])
    assert subscriptions.active == {b"\xc3\xa9"}
    assert subscriptions.matches(("été".encode(),))
    assert not subscriptions.matches((b"\xc3",)), "a message holding half the character"
    assert not subscriptions.matches(("é".encode("latin-1"),))


def test_subscribing_twice_and_unsubscribing_once_stays_subscribed():
    subscriptions = Subscriptions([Subscribe(b"a"), Subscribe(b"a"), Unsubscribe(b"a")])
    assert subscriptions.count(b"a") == 1 and subscriptions.matches((b"ab",))
    subscriptions.apply(Unsubscribe(b"a"))
    assert not subscriptions.matches((b"ab",))


def test_unsubscribing_what_is_not_subscribed_changes_nothing():
    subscriptions = Subscriptions([Unsubscribe(b"a"), Subscribe(b"a")])
    assert subscriptions.count(b"a") == 1
    subscriptions.apply(Unsubscribe(b"b"))
    assert subscriptions.active == {b"a"}


def test_text_and_bytes_name_the_same_subscription():
    subscriptions = Subscriptions([Subscribe("é"), Unsubscribe(b"\xc3\xa9")])
    assert subscriptions.active == frozenset()


prefixes = st.binary(max_size=3)
changes = st.lists(st.builds(Subscribe, prefixes) | st.builds(Unsubscribe, prefixes), max_size=12)


@given(changes=changes, message=st.binary(max_size=4))
def test_subscriptions_agree_with_a_recount_from_scratch(changes, message):
    """The counted model equals the rule restated: a prefix is active when its subscribes
    outnumber its effective unsubscribes, and a message matches when an active prefix starts it."""
    counts: dict[bytes, int] = {}
    for change in changes:
        step = 1 if isinstance(change, Subscribe) else -1
        counts[change.prefix] = max(0, counts.get(change.prefix, 0) + step)
    active = {prefix for prefix, n in counts.items() if n}
    model = Subscriptions(changes)
    assert model.active == active
    assert model.matches((message,)) == any(message[: len(p)] == p for p in active)


@given(changes=changes)
def test_undo_leaves_no_subscription(changes):
    model = Subscriptions(changes)
    for change in model.undo():
        model.apply(change)
    assert model.active == frozenset() and not model.matches((b"",))


def test_req_must_send_before_it_receives_and_receive_before_it_sends_again():
    model = ReqRep()
    assert model.req_recv() == Outcome(EFSM)
    assert model.req_send([b"1"]) == Outcome(OK)
    assert model.req_send([b"2"]) == Outcome(EFSM)
    assert model.req_recv() == Outcome(EAGAIN), "the REP has not replied yet"
    assert model.rep_recv() == Outcome(OK, (b"1",))
    assert model.rep_send([b"r"]) == Outcome(OK)
    assert model.req_recv() == Outcome(OK, (b"r",))
    assert model.idle


def test_rep_must_receive_before_it_sends_and_send_before_it_receives_again():
    model = ReqRep()
    assert model.rep_send([b"r"]) == Outcome(EFSM)
    assert model.rep_recv() == Outcome(EAGAIN), "nothing was requested"
    model.req_send([b"a", b""])
    assert model.rep_recv() == Outcome(OK, (b"a", b""))
    assert model.rep_recv() == Outcome(EFSM)
    assert not model.idle


calls = st.lists(st.sampled_from(["req_send", "req_recv", "rep_recv", "rep_send"]), max_size=20)


@given(calls=calls)
def test_req_rep_never_has_more_than_one_message_in_flight(calls):
    model = ReqRep()
    for call in calls:
        method = getattr(model, call)
        method([b"m"]) if call.endswith("send") else method()
        in_flight = (model.request is not None) + (model.reply is not None)
        assert in_flight <= 1
        assert model.rep_owes_reply <= model.req_awaits_reply, "the REP owes a reply only to a waiting REQ"
