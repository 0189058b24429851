"""High-water marks: what each socket type does when a queue is full (issue #14).

| socket      | at the high-water mark                              | id           |
|-------------|-----------------------------------------------------|--------------|
| PUSH        | blocks (EAGAIN with a timeout); never drops          | PP-16, PP-17 |
| PUSH, not yet connected | queues up to SNDHWM for the endpoint     | PP-18        |
| PUB, XPUB   | drops that subscriber's messages; never blocks       | PS-18, PS-19 |
| SUB         | sends at most SNDHWM of its subscriptions at once    | PS-13        |
| REP         | never blocks; drops a reply to a full or gone peer   | RR-19        |

Sockets that must share a process to make a count exact (inproc) live in one
driver, as TR-1's tests do. A burst is one ``batch`` of sends with no wait
(``timeout_ms`` 0): the first that fails with EAGAIN is the count. Numbers
that only libzmq promises are checked with ``should`` (non-strict); what the
RFCs promise (no drop at a PUSH, no block at a PUB or a REP, what was taken
arrives in order) is asserted.
"""

from __future__ import annotations

import signal
import threading

import pytest
import zmq

from zmqspec.conformance.shoulds import should
from zmqspec.harness import DEADLINE_MARK, Deadline, DeadlinePassed, DriverError, recv_within
from zmqspec.spec.helpers import WAIT, call_into, need_inproc, seq_of


DRAIN = 0.3  # seconds to read what is queued; anything later is caught by a marker sent after


def burst(sock, messages: list[str]) -> int:
    """Send ``messages`` with no wait, in order, in one batch; return how many were taken before
    the first EAGAIN (all of them when none failed)."""
    try:
        sock.driver.batch([sock.command("send", frames=[m.encode().hex()], timeout_ms=0) for m in messages])
    except DriverError as exc:
        assert exc.errno == "EAGAIN", f"{sock!r}: a send with no wait failed with {exc.errno}, not EAGAIN"
        assert exc.index is not None, f"{sock!r}: the failing send of the burst is not named: {exc}"
        return exc.index
    return len(messages)


def received_bodies(sock, count: int, timeout: float = WAIT) -> list[str]:
    return [m[0].decode() for m in sock.recv_many(count, timeout=timeout)]


def numbered(n: int, prefix: str = "m") -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def inproc_pair(driver, kind_out: str, kind_in: str, out_options: dict, in_options: dict):
    """Two sockets of one driver over inproc: ``kind_out`` binds, ``kind_in`` connects, each with
    its options set before."""
    need_inproc(driver)
    out, into = driver.socket(kind_out), driver.socket(kind_in)
    for name, value in out_options.items():
        out.set(name, value)
    for name, value in in_options.items():
        into.set(name, value)
    endpoint = f"inproc://hwm-{out.name}"
    out.bind(endpoint)
    into.connect(endpoint)
    return out, into


# -- PP-16, PP-17: how much a PUSH takes ----------------------------------------


@pytest.mark.pipeline
@pytest.mark.spec("PP-16")
@pytest.mark.parametrize("sndhwm, rcvhwm, exact", [(1, 1, 2), (10, 10, 20), (None, None, 2000)],
                         ids=["1-1", "10-10", "defaults"])
def test_a_push_whose_pull_does_not_read_takes_sndhwm_plus_rcvhwm_then_blocks_and_drops_none(
        driver, sndhwm, rcvhwm, exact):
    """Over inproc a PUSH whose PULL does not read takes SNDHWM + RCVHWM messages (2000 with the
    defaults) and then refuses a send with no wait (EAGAIN); every one it took arrives, in order,
    and once the PULL has read, it takes the next (RFC 30: a PUSH blocks, it never drops)."""
    push, pull = inproc_pair(driver, "PUSH", "PULL", {"sndhwm": sndhwm} if sndhwm else {},
                             {"rcvhwm": rcvhwm} if rcvhwm else {})
    taken = burst(push, numbered(exact + 50))

    assert exact // 2 <= taken < exact + 50, (
        f"a PUSH with high-water marks {sndhwm or 1000}/{rcvhwm or 1000} took {taken} of {exact + 50} "
        "messages with no reader: it should block at about their sum, never drop"
    )
    should(taken == exact, f"over inproc the PUSH took {taken} messages, not SNDHWM + RCVHWM = {exact}")
    assert received_bodies(pull, taken) == numbered(taken), "the PULL did not get what the PUSH took, in order"
    push.send("after", timeout=WAIT)
    assert pull.recv_one(WAIT) == b"after", "the PUSH did not take a message once its PULL had read"


@pytest.mark.pipeline
@pytest.mark.spec("PP-16")
def test_a_push_over_tcp_blocks_when_its_pull_does_not_read_and_everything_it_took_arrives(nodes):
    """Over tcp the kernel's buffers add to the high-water marks, but a PUSH whose PULL does not
    read still refuses a send at some point, and every message it took arrives, in order."""
    push = nodes.driver("pusher").socket("PUSH")
    pull = nodes.driver("puller").socket("PULL")
    push.set("sndhwm", 10)
    pull.set("rcvhwm", 10)
    pull.connect(push.bind())
    push.send("first", timeout=WAIT)
    assert pull.recv_one(WAIT) == b"first"

    payload = "x" * 1000
    taken = burst(push, [f"{i} {payload}" for i in range(5000)])

    assert taken < 5000, "a PUSH (SNDHWM 10) took 5000 messages of 1000 bytes from a PULL that does not read"
    got = [m[0].split()[0].decode() for m in pull.recv_many(taken, timeout=WAIT)]
    assert got == [str(i) for i in range(taken)], f"the PULL got {len(got)} of the {taken} taken, or out of order"


@pytest.mark.pipeline
@pytest.mark.spec("PP-17")
@pytest.mark.parametrize("sndhwm, rcvhwm", [(0, 0), (1, 0), (0, 1)])
def test_a_high_water_mark_of_0_means_no_limit(driver, sndhwm, rcvhwm):
    """A high-water mark of 0 is no limit: over inproc a PUSH with 0 on either side takes all 5000
    messages of a burst its PULL does not read, and they all arrive (libzmq's zmq_setsockopt)."""
    push, pull = inproc_pair(driver, "PUSH", "PULL", {"sndhwm": sndhwm}, {"rcvhwm": rcvhwm})
    taken = burst(push, numbered(5000))
    should(taken == 5000, f"with high-water marks {sndhwm}/{rcvhwm} a PUSH took {taken} of 5000, "
                            "not all (0 means no limit)")
    assert received_bodies(pull, taken) == numbered(taken), "the PULL did not get what the PUSH took, in order"


# -- PP-18: the queue of a connection not made yet -------------------------------


@pytest.mark.pipeline
@pytest.mark.spec("PP-18")
def test_a_push_connected_before_any_bind_queues_sndhwm_messages_for_the_endpoint(nodes, driver):
    """A PUSH with SNDHWM 1 that connects where nothing is bound yet takes one message (its own
    high-water mark; no peer's counts yet) and refuses the next; a PULL that binds there later
    receives it, then what the PUSH sends next (RFC 30: the queue exists before the connection)."""
    endpoint = nodes.vacant_tcp_endpoint()
    push = driver.socket("PUSH")
    push.set("sndhwm", 1)
    push.connect(endpoint)
    taken = burst(push, numbered(10))

    assert taken >= 1, "a PUSH connected where nothing is bound yet took no message at all"
    should(taken == 1, f"a PUSH with SNDHWM 1 and no peer yet took {taken} messages, not 1")
    pull = nodes.driver("late").socket("PULL")
    pull.bind(nodes.release(endpoint))
    assert received_bodies(pull, taken) == numbered(taken), "the PULL that bound later lost what was queued"
    push.send("next", timeout=WAIT)
    assert pull.recv_one(WAIT) == b"next"


@pytest.mark.pipeline
@pytest.mark.spec("PP-18")
def test_over_inproc_a_push_closed_before_any_bind_still_delivers_what_it_queued(driver):
    """Over inproc, a PUSH (SNDHWM 1) that connected before any bind, took one message and was
    closed with a linger, still delivers it to a PULL that binds afterwards (libzmq)."""
    need_inproc(driver)
    endpoint = f"inproc://pp18-closed-{driver.node.pid}"
    push = driver.socket("PUSH")
    push.set("sndhwm", 1)
    push.connect(endpoint)
    taken = burst(push, ["queued", "over"])
    assert taken >= 1, "a PUSH connected where nothing is bound yet took no message at all"
    push.close(linger=5.0)
    pull = driver.socket("PULL")
    pull.bind(endpoint)
    try:
        got = pull.recv(1.0)
    except DriverError as exc:
        assert exc.errno == "EAGAIN", exc
        got = None
    should(got == [b"queued"], f"a PULL that bound after the PUSH was closed got {got}, not its queued message")


# -- PS-19: how much of a burst a subscriber keeps -------------------------------


def subscribed_xpub(driver, sub, xpub_options: dict, sub_options: dict, endpoint: str | None = None):
    """An XPUB in ``driver`` and ``sub`` subscribed to everything, the subscription seen arrive."""
    if endpoint and endpoint.startswith("inproc://"):
        need_inproc(driver)
    xpub = driver.socket("XPUB")
    for name, value in xpub_options.items():
        xpub.set(name, value)
    for name, value in sub_options.items():
        sub.set(name, value)
    bound = xpub.bind(endpoint or "tcp://127.0.0.1:*")
    sub.subscribe("")
    sub.connect(bound)
    assert xpub.recv_one(WAIT) == b"\x01", "the XPUB did not receive the SUB's subscription to everything"
    return xpub


@pytest.mark.pubsub
@pytest.mark.spec("PS-19")
@pytest.mark.parametrize("transport", ["inproc", "tcp"])
def test_a_burst_of_sndhwm_messages_reaches_a_subscriber_that_reads_only_afterwards_whole(nodes, driver, transport):
    """A publisher queues up to SNDHWM messages for each subscriber: a burst of 100 with SNDHWM 100,
    sent before the subscriber reads, all arrives in order, and no send blocked (RFC 29)."""
    sub = driver.socket("SUB") if transport == "inproc" else nodes.driver("subscriber").socket("SUB")
    endpoint = f"inproc://ps19-{transport}" if transport == "inproc" else None
    xpub = subscribed_xpub(driver, sub, {"sndhwm": 100}, {}, endpoint)
    assert burst(xpub, numbered(100)) == 100, "a publisher refused a send: it must drop or queue, never block"
    assert received_bodies(sub, 100) == numbered(100), "a burst of SNDHWM messages did not arrive whole"


@pytest.mark.pubsub
@pytest.mark.spec("PS-19")
def test_of_a_longer_burst_a_subscriber_keeps_the_first_sndhwm_plus_rcvhwm_and_the_publisher_never_blocks(driver):
    """Over inproc with high-water marks 100/100, a subscriber that does not read during a burst of
    1000 keeps the first 200 (libzmq; at least the first 100 is the rule), in order; the rest is
    dropped, and the publisher took every send."""
    sub = driver.socket("SUB")
    xpub = subscribed_xpub(driver, sub, {"sndhwm": 100}, {"rcvhwm": 100}, "inproc://ps19-long")

    assert burst(xpub, numbered(1000)) == 1000, "a publisher refused a send: it must drop, never block"
    kept = received_bodies(sub, 1000, timeout=DRAIN)  # what was queued; stragglers come before the marker
    xpub.send("marker", timeout=0)
    later, found = sub.recv_until("marker", timeout=WAIT)
    assert found, "a message published after the subscriber had read its queue did not arrive"
    kept += [m[0].decode() for m in later]
    assert len(kept) >= 100 and kept == numbered(len(kept)), (
        f"of a burst of 1000 the subscriber kept {len(kept)}: not at least the first 100, in order"
    )
    assert len(kept) < 1000, "the subscriber got all 1000: no high-water mark held"
    should(len(kept) == 200, f"over inproc the subscriber kept {len(kept)} of 1000, not SNDHWM + RCVHWM = 200")


@pytest.mark.pubsub
@pytest.mark.spec("PS-19")
def test_the_high_water_mark_bounds_what_is_queued_not_what_was_ever_sent(nodes, driver):
    """With high-water marks of 11024 on both sides over tcp, a burst of 9999 read afterwards all
    arrives, and then a burst of 1100 all arrives too: the mark counts what is queued now."""
    sub = nodes.driver("subscriber").socket("SUB")
    xpub = subscribed_xpub(driver, sub, {"sndhwm": 11024}, {"rcvhwm": 11024})
    for count in (9999, 1100):
        sent = numbered(count, prefix=f"b{count}-")
        assert burst(xpub, sent) == count, "a publisher refused a send: it must drop or queue, never block"
        got = received_bodies(sub, count)
        assert got == sent, f"of a burst of {count} under the high-water mark the subscriber got {len(got)}"


# -- PS-18: a publisher's memory stays bounded -----------------------------------


UPDATES = 300_000  # published after the subscriber stopped reading: an unbounded queue holds 10 MB and more of them
SAMPLE_EVERY = 0.05  # seconds between two samples of the publisher's memory and its count
GROWTH_LIMIT = 4 * 1024 * 1024  # bounded: 0.1 MB over 2 000 000 updates here; unbounded: 6.6 MB at 200 000, 24 MB at 500 000
SEQ_MODULUS = 1_000_000  # weather-pub's seq wraps to 0 after 999999


@pytest.mark.pubsub
@pytest.mark.spec("PS-18")
def test_a_publisher_whose_subscriber_does_not_read_keeps_its_memory_bounded(nodes, driver, observers):
    """weather-pub publishing as fast as it can to a subscriber that stopped reading drops at its
    high-water mark instead of queueing: its resident memory grows by less than 4 MB while it
    publishes 300 000 updates (an unbounded queue grows by 4 MB within 200 000). The updates are
    counted, not the seconds, so a loaded machine cannot make it publish too few: an observing
    SUB with CONFLATE keeps only the newest update, whose seq says how many were published.
    RFC 29: SHALL silently drop when the queue is full."""
    pub = nodes.start("weather-pub", "--rate", "0")
    sub = driver.socket("SUB")
    sub.subscribe("")
    sub.connect(pub.endpoint("pub"))
    sub.recv(WAIT)  # one update: the subscription is in; from now on it reads nothing
    counter = observers.socket(zmq.SUB, conflate=1, subscribe=b"")
    counter.connect(pub.endpoint("pub"))
    last = seq_of(recv_within(counter, WAIT, "an update on the counting subscriber")[0])

    before = pub.rss()
    published = 0
    deadline = Deadline(WAIT)  # for UPDATES to be published: about 1 s here
    pace = threading.Event()  # never set: its wait is the sampling cadence of a measurement
    while published < UPDATES:
        if deadline.passed():
            raise DeadlinePassed(f"{DEADLINE_MARK} weather-pub published {published} of {UPDATES} updates "
                                 f"within {deadline.seconds:.0f} s\n{pub.describe()}")
        pace.wait(SAMPLE_EVERY)
        seq = seq_of(recv_within(counter, WAIT, "the newest update on the counting subscriber")[0])
        published += (seq - last) % SEQ_MODULUS
        last = seq
        growth = pub.rss() - before
        assert growth < GROWTH_LIMIT, (
            f"weather-pub's memory grew by {growth / 2**20:.1f} MB over {published} updates to a subscriber that "
            "does not read: it queues instead of dropping at the high-water mark"
        )
    pub.still_running("while it should be publishing")


# -- PS-13: at most SNDHWM subscriptions at once ---------------------------------


@pytest.mark.pubsub
@pytest.mark.spec("PS-13")
def test_a_sub_sends_a_new_publisher_every_subscription_it_holds_up_to_its_sndhwm(driver, observers):
    """A SUB with SNDHWM 5 holding 3 subscriptions sends all 3 when it connects; holding 8, it sends
    at least 5 (libzmq drops the ones past SNDHWM: exactly 5 arrive)."""
    for held, least in ((3, 3), (8, 5)):
        xpub = observers.socket(zmq.XPUB, xpub_verbose=1)
        endpoint = f"tcp://127.0.0.1:{xpub.bind_to_random_port('tcp://127.0.0.1')}"
        sub = driver.socket("SUB")
        sub.set("sndhwm", 5)
        prefixes = [f"p{i}".encode() for i in range(held)]
        for prefix in prefixes:
            sub.subscribe(prefix)
        sub.connect(endpoint)
        first = recv_within(xpub, WAIT, "the first subscription")[0]
        call_into(driver, sub)  # libzmq sends what it held back when its application calls into the socket
        sub.subscribe(b"Z")  # the sentinel: on one connection it comes after every earlier one
        got = [first]
        while got[-1] != b"\x01Z":
            got.append(recv_within(xpub, WAIT, "the sentinel subscription Z")[0])
        subscriptions = got[:-1]
        assert all(s[:1] == b"\x01" and s[1:] in prefixes for s in subscriptions), f"the XPUB got {subscriptions}"
        assert len(set(subscriptions)) >= least, (
            f"a SUB (SNDHWM 5) holding {held} subscriptions sent {len(set(subscriptions))} of them: {subscriptions}"
        )
        should(len(subscriptions) == min(held, 5), f"of {held} subscriptions {len(subscriptions)} arrived, "
                                                   f"not {min(held, 5)} (libzmq sends up to SNDHWM)")


# -- RR-19: a REP never blocks on a reply ----------------------------------------


@pytest.mark.reqrep
@pytest.mark.spec("RR-19")
def test_a_rep_never_blocks_on_a_reply_to_a_peer_that_does_not_read(driver):
    """A REP (SNDHWM 10) answers 500 requests of a DEALER (RCVHWM 10) that reads none of the replies
    with no wait: no reply is refused. The replies that arrive are in order, and a reply sent after
    the DEALER read arrives too (RFC 28: a REP SHALL not block on sending)."""
    rep, dealer = inproc_pair(driver, "REP", "DEALER", {"sndhwm": 10}, {"rcvhwm": 10})
    driver.batch([dealer.command("send", frames=["", f"q{i}".encode().hex()], timeout=WAIT)
                  for i in range(500)])
    steps = []
    for i in range(500):
        steps.append(rep.command("recv", timeout=WAIT))
        steps.append(rep.command("send", frames=[f"r{i}".encode().hex()], timeout_ms=0))
    try:
        driver.batch(steps)
    except DriverError as exc:
        raise AssertionError(f"a REP refused or failed request/reply step {exc.index} of 1000: {exc}") from None

    replies = dealer.recv_many(500, timeout=DRAIN)  # what was queued; stragglers come before the last reply
    dealer.send("", "last")
    assert rep.recv_one(WAIT) == b"last"
    rep.send("last reply", timeout=0)
    later, found = dealer.recv_until("", "last reply", timeout=WAIT)
    assert found, "the reply sent after the DEALER had read its queue did not arrive"
    replies = [m[1].decode() for m in replies + later]
    assert replies and replies == sorted(replies, key=lambda r: int(r[1:])), (
        f"the DEALER's replies are not in order: {replies[:20]}")
    should(len(replies) < 500, "all 500 replies reached a DEALER with RCVHWM 10 that did not read")


@pytest.mark.reqrep
@pytest.mark.spec("RR-19")
def test_a_rep_replying_to_a_requester_that_has_gone_does_not_block_and_serves_the_next(nodes, driver):
    """A REP whose requester was killed after sending takes the reply at once (dropping it, or
    failing EHOSTUNREACH, which RFC 28's "or return an error" allows) and serves the next request."""
    rep = driver.socket("REP")
    endpoint = rep.bind()
    gone = nodes.driver("gone")
    req = gone.socket("REQ")
    req.connect(endpoint)
    req.send("from the dead")
    assert rep.recv_one(WAIT) == b"from the dead"
    gone.node.signal(signal.SIGKILL)
    gone.node.wait_exit()
    try:
        rep.send("to the dead", timeout=0)
    except DriverError as exc:
        assert exc.errno == "EHOSTUNREACH", f"a reply to a requester that has gone failed with {exc}"
    other = nodes.driver("other").socket("REQ")
    other.connect(endpoint)
    other.send("next")
    assert rep.recv_one(WAIT) == b"next", "the REP did not serve the next request after replying to a dead peer"
    rep.send("answer", timeout=0)
    assert other.recv_one(WAIT) == b"answer"

