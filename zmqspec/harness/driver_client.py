"""The harness's side of the driver protocol: a friendly proxy over a driver node.

Tests hold ``Driver`` and ``Socket`` objects and call methods; each call is
one JSON request line to the driver node and one reply line back. Replies
are checked for shape and ``seq``, so a driver that answers out of turn or
prints something that is not JSON is reported as a broken driver, not as a
broken ZeroMQ rule.

Fuzzing makes thousands of socket calls, so a driver may also take several
calls in one line (``batch``, ``send_many``, ``recv_until``, ``recv_many``;
the driver role's docstring has the protocol). A driver that does not list
them in its ``hello`` reply gets the same calls one request at a time:
slower, never different.
"""

from __future__ import annotations

import json
import time

from zmqspec.harness.process import Node, NodeFailure

DEFAULT_TIMEOUT = 5.0
REPLY_SLACK = 10.0


class DriverError(Exception):
    """The driver's socket call failed with a ZeroMQ error, named by its errno (EFSM, EAGAIN...)."""

    def __init__(self, errno: str, message: str, request: dict):
        super().__init__(f"{errno}: {message} (request {json.dumps(request)})")
        self.errno, self.message, self.request = errno, message, request
        self.index = None


class DriverProtocolError(NodeFailure):
    """The driver broke the line protocol itself."""


def _frames(frames) -> list[str]:
    return [(f.encode() if isinstance(f, str) else bytes(f)).hex() for f in frames]


class Driver:
    def __init__(self, node: Node, validator=None):
        self.node = node
        self._seq = 0
        self._validate = validator
        self._commands: frozenset[str] | None = None

    def request(self, cmd: str, _wait: float = 0.0, **fields) -> dict:
        self._seq += 1
        request = {"seq": self._seq, "cmd": cmd, **fields}
        self.node.send_line(json.dumps(request))
        line = self.node.read_line(_wait + REPLY_SLACK, f"the driver's reply to {cmd} (seq {self._seq})")
        try:
            reply = json.loads(line)
        except json.JSONDecodeError:
            raise DriverProtocolError(
                f"broken driver: {self.node.name} answered {cmd} with a line that is not JSON: {line[:200]!r}"
            ) from None
        if self._validate is not None:
            self._validate(reply, request, self.node)
        if not isinstance(reply, dict) or reply.get("seq") != self._seq:
            raise DriverProtocolError(
                f"broken driver: {self.node.name} answered seq {self._seq} ({cmd}) with {line[:200]!r}"
            )
        if "error" in reply:
            error = reply["error"] or {}
            failure = DriverError(str(error.get("errno")), str(error.get("message", "")), request)
            failure.index = error.get("index")  # which request of a batch failed
            raise failure
        if not isinstance(reply.get("ok"), dict):
            raise DriverProtocolError(f"broken driver: reply has neither 'ok' nor 'error': {line[:200]!r}")
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
            return [self.request(r["cmd"], _wait_of(r), **{k: v for k, v in r.items() if k != "cmd"})
                    for r in requests]
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

    def poll(self, sockets: dict[Socket, tuple[str, ...]], timeout: float = DEFAULT_TIMEOUT) -> dict[Socket, set[str]]:
        ms = int(timeout * 1000)
        by_name = {s.name: s for s in sockets}
        items = [{"socket": s.name, "events": list(events)} for s, events in sockets.items()]
        ready = self.request("poll", _wait=timeout, items=items, timeout_ms=ms)["ready"]
        return {by_name[r["socket"]]: set(r["events"]) for r in ready}

    def quit(self) -> None:
        self.request("quit")


def _wait_of(request: dict) -> float:
    return request.get("timeout_ms", 0) / 1000


class Socket:
    """One socket inside a driver node."""

    def __init__(self, driver: Driver, name: str, type: str):
        self.driver, self.name, self.type = driver, name, type

    def __repr__(self) -> str:
        return f"<{self.type} socket {self.name} in {self.driver.node.name}>"

    def _call(self, cmd: str, _wait: float = 0.0, **fields) -> dict:
        return self.driver.request(cmd, _wait, socket=self.name, **fields)

    def command(self, cmd: str, **fields) -> dict:
        """A request on this socket for ``Driver.batch``, not sent yet."""
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

    def send(self, *frames: bytes | str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._call("send", timeout, frames=_frames(frames), timeout_ms=int(timeout * 1000))

    def recv(self, timeout: float = DEFAULT_TIMEOUT) -> list[bytes]:
        reply = self._call("recv", timeout, timeout_ms=int(timeout * 1000))
        return [bytes.fromhex(f) for f in reply["frames"]]

    def recv_one(self, timeout: float = DEFAULT_TIMEOUT) -> bytes:
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
        ms = int(timeout * 1000)
        if self.driver.knows("send_many"):
            self._call("send_many", timeout * len(messages), messages=messages, timeout_ms=ms)
        else:
            for frames in messages:
                self._call("send", timeout, frames=frames, timeout_ms=ms)

    def recv_until(self, *sentinel: bytes | str, timeout: float = DEFAULT_TIMEOUT) -> tuple[list[list[bytes]], bool]:
        """Receive until the message ``sentinel`` (its frames) arrives or ``timeout`` passes.
        Returns the messages before it and whether it came."""
        wanted = _frames(sentinel)
        if self.driver.knows("recv_until"):
            reply = self._call("recv_until", timeout, sentinel=wanted, timeout_ms=int(timeout * 1000))
            return [[bytes.fromhex(f) for f in m] for m in reply["messages"]], bool(reply["found"])
        return self._emulated_recv(timeout, until=[bytes.fromhex(f) for f in wanted])

    def recv_many(self, count: int, timeout: float = DEFAULT_TIMEOUT) -> list[list[bytes]]:
        """Receive up to ``count`` messages within ``timeout`` (fewer when it runs out)."""
        if self.driver.knows("recv_many"):
            reply = self._call("recv_many", timeout, count=count, timeout_ms=int(timeout * 1000))
            return [[bytes.fromhex(f) for f in m] for m in reply["messages"]]
        return self._emulated_recv(timeout, count=count)[0]

    def _emulated_recv(self, timeout: float, until=None, count=None) -> tuple[list[list[bytes]], bool]:
        deadline = time.monotonic() + timeout
        received: list[list[bytes]] = []
        while count is None or len(received) < count:
            try:
                frames = self.recv(max(0.0, deadline - time.monotonic()))
            except DriverError as exc:
                if exc.errno == "EAGAIN":
                    return received, False
                raise
            if frames == until:
                return received, True
            received.append(frames)
        return received, False

    def poll(self, events: tuple[str, ...] = ("in",), timeout: float = DEFAULT_TIMEOUT) -> set[str]:
        return self.driver.poll({self: events}, timeout).get(self, set())

    def close(self, linger: float = 0.0) -> None:
        self._call("close", linger_ms=int(linger * 1000))
