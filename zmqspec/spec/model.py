"""Pure models of two ZeroMQ rules, so property-based tests can predict what live nodes must do.

Nothing here touches a socket: each model is the rule written as the
smallest Python that states it, and tests/test_model.py checks the models
themselves.

Subscriptions (PS-3, PS-4, PS-5, PS-7). RFC 29 says a publisher "SHALL
perform a binary comparison of the subscription against the start of the
first frame of the message": a message is delivered exactly when one of the
subscriber's current subscriptions is a byte prefix of its first frame.
Subscriptions are counted; zmq_setsockopt(3) on ZMQ_UNSUBSCRIBE: "If the
socket has several instances of the same filter attached the
ZMQ_UNSUBSCRIBE option shall remove only one instance". Unsubscribing a
prefix that is not subscribed changes nothing. Text prefixes are their
UTF-8 bytes (``setsockopt_string``).

REQ/REP lock-step (RR-3). RFC 28: a REQ "SHALL send and then receive
exactly one message at a time", a REP "SHALL receive and then send exactly
one message at a time". A call out of turn fails with EFSM; a receive in
turn with nothing to receive, because nothing was sent to it, fails with
EAGAIN when it may not wait.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Message = tuple[bytes, ...]  # the frames of one (multipart) message


def prefix_bytes(prefix: bytes | str) -> bytes:
    """A subscription as the socket holds it: text is its UTF-8 bytes."""
    return prefix.encode("utf-8") if isinstance(prefix, str) else bytes(prefix)


@dataclass(frozen=True)
class Subscribe:
    prefix: bytes | str

    def __repr__(self) -> str:
        return f"subscribe({self.prefix!r})"


@dataclass(frozen=True)
class Unsubscribe:
    prefix: bytes | str

    def __repr__(self) -> str:
        return f"unsubscribe({self.prefix!r})"


Change = Subscribe | Unsubscribe


class Subscriptions:
    """The counted subscriptions of one SUB socket."""

    def __init__(self, changes: Iterable[Change] = ()):
        self._count: Counter[bytes] = Counter()
        for change in changes:
            self.apply(change)

    def apply(self, change: Change) -> None:
        prefix = prefix_bytes(change.prefix)
        if isinstance(change, Subscribe):
            self._count[prefix] += 1
        elif self._count[prefix] > 0:
            self._count[prefix] -= 1
        if not self._count[prefix]:
            del self._count[prefix]

    @property
    def active(self) -> frozenset[bytes]:
        """The prefixes subscribed at least once."""
        return frozenset(self._count)

    def count(self, prefix: bytes | str) -> int:
        return self._count[prefix_bytes(prefix)]

    def matches(self, message: Sequence[bytes]) -> bool:
        """Whether a subscriber with these subscriptions receives ``message`` (filtered on its first frame)."""
        first = bytes(message[0]) if message else b""
        return any(first.startswith(prefix) for prefix in self._count)

    def delivered(self, messages: Iterable[Sequence[bytes]]) -> list[Message]:
        """The messages a subscriber receives, in publish order."""
        return [tuple(m) for m in messages if self.matches(m)]

    def undo(self) -> list[Unsubscribe]:
        """The unsubscribes that leave no subscription at all (one per counted instance)."""
        return [Unsubscribe(prefix) for prefix, n in sorted(self._count.items()) for _ in range(n)]


# -- REQ/REP lock-step ---------------------------------------------------------

OK, EFSM, EAGAIN = "ok", "EFSM", "EAGAIN"


@dataclass(frozen=True)
class Outcome:
    """What a call must do: succeed (with the frames a receive must return) or fail with an errno."""

    result: str
    frames: Message | None = None

    def __repr__(self) -> str:
        return f"{self.result}({list(self.frames)!r})" if self.frames is not None else self.result


class ReqRep:
    """One REQ socket talking to one REP socket, each call judged before it is made.

    ``request`` is the request sent by the REQ and not yet taken by the REP;
    ``reply`` the reply sent by the REP and not yet taken by the REQ. At most
    one of them exists at a time, which is the lock-step.
    """

    def __init__(self):
        self.req_awaits_reply = False  # the REQ has sent and must receive next
        self.rep_owes_reply = False  # the REP has received and must send next
        self.request: Message | None = None
        self.reply: Message | None = None

    def req_send(self, frames: Sequence[bytes]) -> Outcome:
        if self.req_awaits_reply:
            return Outcome(EFSM)
        self.req_awaits_reply, self.request = True, tuple(frames)
        return Outcome(OK)

    def req_recv(self) -> Outcome:
        if not self.req_awaits_reply:
            return Outcome(EFSM)
        if self.reply is None:
            return Outcome(EAGAIN)
        frames, self.reply, self.req_awaits_reply = self.reply, None, False
        return Outcome(OK, frames)

    def rep_recv(self) -> Outcome:
        if self.rep_owes_reply:
            return Outcome(EFSM)
        if self.request is None:
            return Outcome(EAGAIN)
        frames, self.request, self.rep_owes_reply = self.request, None, True
        return Outcome(OK, frames)

    def rep_send(self, frames: Sequence[bytes]) -> Outcome:
        if not self.rep_owes_reply:
            return Outcome(EFSM)
        self.rep_owes_reply, self.reply = False, tuple(frames)
        return Outcome(OK)

    @property
    def idle(self) -> bool:
        """Both sockets are where they started: the REQ may send, the REP may receive, nothing in flight."""
        return not (self.req_awaits_reply or self.rep_owes_reply) and self.request is None and self.reply is None
