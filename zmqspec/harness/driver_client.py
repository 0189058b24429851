"""The harness's side of the driver protocol: a friendly proxy over a driver node.

Tests hold ``Driver`` and ``Socket`` objects and call methods; each call is
one JSON request line to the driver node and one reply line back. Replies
are checked for shape and ``seq``, so a driver that answers out of turn or
prints something that is not JSON is reported as a broken driver, not as a
broken ZeroMQ rule.

Fuzzing makes thousands of socket calls, so a driver may also take several
calls in one line (``batch``, ``send_many``, ``recv_until``, ``recv_many``;
zmqspec.protocol defines them). A driver that does not list
them in its ``hello`` reply gets the same calls one request at a time:
slower, never different.

Every command and its fields are defined once in :mod:`zmqspec.protocol`;
each method here sends one of them (a self-test reads this module and holds
every command name and field it sends to that definition).

Deadlines: every ``timeout`` here is in seconds, as a test states it, and is
stretched by ``ZMQSPEC_TIMEOUT_SCALE`` here, once (:func:`milliseconds`),
before it goes to the driver as ``timeout_ms``; a
:class:`~zmqspec.harness.deadline.Deadline` passes what is left of it.

Every request and reply line is kept in ``Driver.transcript``; the pytest
plugin shows it in a failed test's report ("driver transcript").
"""

from __future__ import annotations

import json

from zmqspec import protocol
from zmqspec.harness.deadline import Deadline, milliseconds
from zmqspec.harness.process import Node, NodeFailure

DEFAULT_TIMEOUT = 5.0
REPLY_SLACK = 10.0
TRANSCRIPT_LIMIT = 400  # lines kept per driver: the first ones and the last ones


class DriverError(Exception):
    """The driver's socket call failed with a ZeroMQ error, named by its errno (EFSM, EAGAIN...)."""

    def __init__(self, errno: str, message: str, request: dict):
        super().__init__(f"{errno}: {message} (request {json.dumps(request)})")
        self.errno, self.message, self.request = errno, message, request
        self.index = None


class DriverProtocolError(NodeFailure):
    """The driver broke the line protocol itself: it answered out of turn, not in JSON or off the
    schema, or it ended or fell silent while the harness waited for its reply (``no_reply``).
    Raised where that happens; the verdict "broken driver" reads this type and nothing else.
    ``request`` and ``reply`` (the line, or None) are what was sent and what came back."""

    def __init__(self, message: str, request: dict | None = None, reply=None, no_reply: bool = False):
        super().__init__(message)
        self.request, self.reply, self.no_reply = request, reply, no_reply


def _frames(frames) -> list[str]:
    return [(f.encode() if isinstance(f, str) else bytes(f)).hex() for f in frames]


class Driver:
    def __init__(self, node: Node, validator=None):
        self.node = node
        self._seq = 0
        self._validate = validator
        self._commands: frozenset[str] | None = None
        self.transcript: list[str] = []  # "> request" and "< reply" lines, in order
        self._dropped = 0

    def _log(self, arrow: str, line: str) -> None:
        if len(self.transcript) >= TRANSCRIPT_LIMIT:
            del self.transcript[TRANSCRIPT_LIMIT // 2]  # keep the start and the end
            self._dropped += 1
        self.transcript.append(f"{arrow} {line[:500]}{' [...]' if len(line) > 500 else ''}")

    def describe_transcript(self) -> str:
        """The requests and replies of this driver, as the report shows them."""
        head = f"--- driver {self.node.name}: {len(self.transcript) + self._dropped} lines"
        lines = list(self.transcript)
        if self._dropped:
            lines.insert(TRANSCRIPT_LIMIT // 2, f"[... {self._dropped} lines left out ...]")
        return "\n".join([head, *lines])

    def request(self, cmd: str, _wait: float = 0.0, **fields) -> dict:
        """Send one request, return its ``ok``. ``_wait``: the seconds (unscaled) the call may
        block in the driver, on top of which the reply has REPLY_SLACK seconds to come.
        Raises DriverError (the call failed) or DriverProtocolError (the driver broke the protocol)."""
        self._seq += 1
        request = {"seq": self._seq, "cmd": cmd, **fields}
        text = json.dumps(request)
        self._log(">", text)
        try:
            self.node.send_line(text)
            line = self.node.read_line(_wait + REPLY_SLACK, f"the driver's reply to {cmd} (seq {self._seq})")
        except NodeFailure as exc:
            self._log("<", f"(no reply: {self.node.status()})")
            raise DriverProtocolError(f"broken driver: {exc}", request, None, no_reply=True) from None
        self._log("<", line)
        try:
            reply = json.loads(line)
        except json.JSONDecodeError:
            raise DriverProtocolError(
                f"broken driver: {self.node.name} answered {cmd} with a line that is not JSON: {line[:200]!r}",
                request, line,
            ) from None
        if self._validate is not None:
            self._validate(reply, request, self.node)
        if not isinstance(reply, dict) or reply.get("seq") != self._seq:
            raise DriverProtocolError(
                f"broken driver: {self.node.name} answered seq {self._seq} ({cmd}) with {line[:200]!r}",
                request, reply,
            )
        if "error" in reply:
            error = reply["error"] or {}
            failure = DriverError(str(error.get("errno")), str(error.get("message", "")), request)
            failure.index = error.get("index")  # which request of a batch failed
            raise failure
        if not isinstance(reply.get("ok"), dict):
            raise DriverProtocolError(f"broken driver: reply has neither 'ok' nor 'error': {line[:200]!r}",
                                      request, reply)
        return reply["ok"]

    def hello(self) -> dict:
        return self.request("hello")

    def knows(self, cmd: str) -> bool:
        """Whether the driver listed ``cmd`` in its ``hello`` reply (asked once)."""
        if self._commands is None:
            listed = self.hello().get("commands")
            self._commands = frozenset(listed) if isinstance(listed, list) else frozenset()
        return cmd in self._commands

    def batch(self, requests: list[dict]) -> list[dict]:
        """Run requests (made by ``Socket.command``) in order, in one line when the driver can;
        return their results. The first failure raises ``DriverError`` for that request."""
        if not requests:
            return []
        if not self.knows("batch"):
            results = []
            for index, r in enumerate(requests):
                try:
                    results.append(self.request(r["cmd"], _wait_of(r), **{k: v for k, v in r.items() if k != "cmd"}))
                except DriverError as exc:
                    exc.index = index
                    raise
            return results
        try:
            return self.request("batch", sum(_wait_of(r) for r in requests), requests=requests)["results"]
        except DriverError as exc:
            index = getattr(exc, "index", None)
            if not isinstance(index, int) or not 0 <= index < len(requests):
                raise
            failure = DriverError(exc.errno, exc.message, requests[index])
            failure.index = index
            raise failure from None

    def socket(self, type: str) -> Socket:
        return Socket(self, self.request("socket", type=type)["socket"], type)

    def poll(self, sockets: dict[Socket, tuple[str, ...]], timeout: float | Deadline = DEFAULT_TIMEOUT
             ) -> dict[Socket, set[str]]:
        by_name = {s.name: s for s in sockets}
        items = [{"socket": s.name, "events": list(events)} for s, events in sockets.items()]
        ready = self.request("poll", _seconds(timeout), items=items, timeout_ms=milliseconds(timeout))["ready"]
        return {by_name[r["socket"]]: set(r["events"]) for r in ready}

    def quit(self) -> None:
        self.request("quit")


def _wait_of(request: dict) -> float:
    """The seconds a batched request may block, as a test would state them (timeout_ms is scaled)."""
    return request.get("timeout_ms", 0) / 1000 / Deadline.scale()


def _seconds(timeout: float | Deadline) -> float:
    """The unscaled seconds a call may block, for the reply's own deadline (Node.read_line scales it)."""
    return timeout.remaining() / Deadline.scale() if isinstance(timeout, Deadline) else timeout


class Socket:
    """One socket inside a driver node."""

    def __init__(self, driver: Driver, name: str, type: str):
        self.driver, self.name, self.type = driver, name, type

    def __repr__(self) -> str:
        return f"<{self.type} socket {self.name} in {self.driver.node.name}>"

    def _call(self, cmd: str, _wait: float = 0.0, **fields) -> dict:
        return self.driver.request(cmd, _wait, socket=self.name, **fields)

    def command(self, cmd: str, timeout: float | Deadline | None = None, **fields) -> dict:
        """A request on this socket for ``Driver.batch``, not sent yet; ``timeout`` (seconds,
        scaled here) becomes its ``timeout_ms``; a command that blocks gets DEFAULT_TIMEOUT, scaled,
        when given neither (the driver's own default would not be scaled)."""
        command = protocol.COMMANDS.get(cmd)
        if timeout is not None:
            fields["timeout_ms"] = milliseconds(timeout)
        elif command is not None and command.blocks and "timeout_ms" not in fields:
            fields["timeout_ms"] = milliseconds(DEFAULT_TIMEOUT)
        return {"cmd": cmd, "socket": self.name, **fields}

    def option_command(self, option: str, value) -> dict:
        """``setsockopt`` as a batch request: bytes go as hex, text through the string API
        (``setsockopt_string``, UTF-8), integers as they are."""
        if isinstance(value, str):
            return self.command("setsockopt_string", option=option, value=value)
        if isinstance(value, (bytes, bytearray)):
            value = bytes(value).hex()
        return self.command("setsockopt", option=option, value=value)

    def bind(self, endpoint: str = "tcp://127.0.0.1:*") -> str:
        return self._call("bind", endpoint=endpoint)["endpoint"]

    def connect(self, endpoint: str) -> None:
        self._call("connect", endpoint=endpoint)

    def unbind(self, endpoint: str) -> None:
        self._call("unbind", endpoint=endpoint)

    def disconnect(self, endpoint: str) -> None:
        self._call("disconnect", endpoint=endpoint)

    def set(self, option: str, value) -> None:
        if isinstance(value, (bytes, str)):
            value = _frames([value])[0]
        self._call("setsockopt", option=option, value=value)

    def get(self, option: str):
        return self._call("getsockopt", option=option)["value"]

    def subscribe(self, prefix: bytes | str = b"") -> None:
        self.set("subscribe", prefix)

    def unsubscribe(self, prefix: bytes | str = b"") -> None:
        self.set("unsubscribe", prefix)

    def send(self, *frames: bytes | str, timeout: float | Deadline = DEFAULT_TIMEOUT) -> None:
        self._call("send", _seconds(timeout), frames=_frames(frames), timeout_ms=milliseconds(timeout))

    def recv(self, timeout: float | Deadline = DEFAULT_TIMEOUT) -> list[bytes]:
        reply = self._call("recv", _seconds(timeout), timeout_ms=milliseconds(timeout))
        return [bytes.fromhex(f) for f in reply["frames"]]

    def recv_one(self, timeout: float | Deadline = DEFAULT_TIMEOUT) -> bytes:
        frames = self.recv(timeout)
        if len(frames) != 1:
            raise AssertionError(f"{self!r} expected a single-frame message, got {frames!r}")
        return frames[0]

    def set_text(self, option: str, text: str) -> None:
        """Set a bytes option through the socket's string API (UTF-8), like pyzmq's setsockopt_string."""
        self._call("setsockopt_string", option=option, value=text)

    def subscribe_text(self, prefix: str) -> None:
        self.set_text("subscribe", prefix)

    def unsubscribe_text(self, prefix: str) -> None:
        self.set_text("unsubscribe", prefix)

    def send_many(self, messages, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Send each message (a list of frames) in order; ``timeout`` bounds each send."""
        messages = [_frames(m) for m in messages]
        ms = milliseconds(timeout)
        if self.driver.knows("send_many"):
            self._call("send_many", timeout * len(messages), messages=messages, timeout_ms=ms)
        else:
            for frames in messages:
                self._call("send", timeout, frames=frames, timeout_ms=ms)

    def recv_until(self, *sentinel: bytes | str, timeout: float | Deadline = DEFAULT_TIMEOUT
                   ) -> tuple[list[list[bytes]], bool]:
        """Receive until the message ``sentinel`` (its frames) arrives or ``timeout`` passes.
        Returns the messages before it and whether it came."""
        wanted = _frames(sentinel)
        if self.driver.knows("recv_until"):
            reply = self._call("recv_until", _seconds(timeout), sentinel=wanted, timeout_ms=milliseconds(timeout))
            return [[bytes.fromhex(f) for f in m] for m in reply["messages"]], bool(reply["found"])
        return self._emulated_recv(timeout, until=[bytes.fromhex(f) for f in wanted])

    def recv_many(self, count: int, timeout: float | Deadline = DEFAULT_TIMEOUT) -> list[list[bytes]]:
        """Receive up to ``count`` messages within ``timeout`` (fewer when it runs out)."""
        if self.driver.knows("recv_many"):
            reply = self._call("recv_many", _seconds(timeout), count=count, timeout_ms=milliseconds(timeout))
            return [[bytes.fromhex(f) for f in m] for m in reply["messages"]]
        return self._emulated_recv(timeout, count=count)[0]

    def _emulated_recv(self, timeout: float | Deadline, until=None, count=None) -> tuple[list[list[bytes]], bool]:
        deadline = timeout if isinstance(timeout, Deadline) else Deadline(timeout)
        received: list[list[bytes]] = []
        while count is None or len(received) < count:
            try:
                frames = self.recv(deadline)
            except DriverError as exc:
                if exc.errno == "EAGAIN":
                    return received, False
                raise
            if frames == until:
                return received, True
            received.append(frames)
        return received, False

    def poll(self, events: tuple[str, ...] = protocol.DEFAULT_EVENTS, timeout: float | Deadline = DEFAULT_TIMEOUT
             ) -> set[str]:
        return self.driver.poll({self: events}, timeout).get(self, set())

    def close(self, linger: float = 0.0) -> None:
        self._call("close", linger_ms=int(linger * 1000))  # a linger is not a deadline: never scaled
