"""A quiet connection stays up (catalogue TR-11; issue #14 input 15).

Without heartbeats (`ZMQ_HEARTBEAT_*`, a ZMTP 3.1 option) libzmq never drops a
peer for silence; RFC 23 has no idle timeout. A stack that drops a quiet
connection after some seconds loses messages, and only a test that holds a
connection quiet long enough catches it. This one holds three connections
over tcp for QUIET seconds: one idle PUB-SUB pair, one idle bound PUSH and
its PULL, and one PUB-SUB pair carrying a message a second in one direction
only. It is marked slow, so that under xdist it is handed out first and
overlaps the rest of the run.
"""

from __future__ import annotations

import threading
import time

import pytest

from zmqspec.harness import Deadline, DriverError
from zmqspec.spec.helpers import WAIT

QUIET = 32.0  # seconds: longer than the 15 s after which the stack dropped a peer
PROMPT = 1.0  # seconds a message sent after the quiet time may take


def synchronised(pub, sub, what: str) -> None:
    """Publish markers until the SUB (subscribed to everything) receives one."""
    deadline = Deadline(WAIT)
    while True:
        pub.send("marker")
        try:
            sub.recv(0.1)
            return
        except DriverError as exc:
            assert exc.errno == "EAGAIN", exc
        assert not deadline.passed(), f"{what}: the SUB received no marker within {deadline.seconds:.0f} s"


@pytest.mark.slow(seconds=32)
@pytest.mark.transport
@pytest.mark.spec("TR-11")
def test_connections_quiet_for_32_seconds_stay_up_and_lose_nothing(nodes):
    """After 32 s without a message either way an idle SUB gets the next message at once and a bound
    PUSH still has its PULL; a stream of one message a second in one direction loses none of them
    (libzmq; heartbeats are off by default)."""
    senders, receivers = nodes.driver("senders"), nodes.driver("receivers")
    idle_pub, stream_pub, push = senders.socket("PUB"), senders.socket("PUB"), senders.socket("PUSH")
    idle_sub, stream_sub, pull = receivers.socket("SUB"), receivers.socket("SUB"), receivers.socket("PULL")
    for pub, sub in ((idle_pub, idle_sub), (stream_pub, stream_sub)):
        sub.subscribe("")
        sub.connect(pub.bind())
        synchronised(pub, sub, f"{pub!r}")
    pull.connect(push.bind())
    push.send("hello", timeout=WAIT)
    assert pull.recv_one(WAIT) == b"hello"

    pace = threading.Event()  # never set: its wait paces the stream at one message a second
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < QUIET:
        stream_pub.send(f"tick {sent}")
        got = stream_sub.recv_one(WAIT)
        assert got == f"tick {sent}".encode(), f"the one-way stream lost messages: got {got!r} for tick {sent}"
        sent += 1
        pace.wait(1.0)

    push.send("after the quiet", timeout=0)  # a bound PUSH that lost its peer refuses this (EAGAIN)
    assert pull.recv_one(PROMPT) == b"after the quiet", "the quiet PUSH-PULL connection lost its message"
    idle_pub.send("after the quiet")
    assert idle_sub.recv_one(PROMPT) == b"after the quiet", (
        f"a SUB quiet for {QUIET:.0f} s did not get the next message within {Deadline(PROMPT).seconds:.1f} s"
    )
    assert sent >= QUIET - 2, f"the stream carried only {sent} messages in {QUIET:.0f} s"
