"""The harness's side of the driver protocol: a friendly proxy over a driver node.

Tests hold ``Driver`` and ``Socket`` objects and call methods; each call is
one JSON request line to the driver node and one reply line back. Replies
are checked for shape and ``seq``, so a driver that answers out of turn or
prints something that is not JSON is reported as a broken driver, not as a
broken ZeroMQ rule.
"""

from __future__ import annotations

import json

from zmqspec._process import Node, NodeFailure

DEFAULT_TIMEOUT = 5.0
REPLY_SLACK = 10.0


class DriverError(Exception):
    """The driver's socket call failed with a ZeroMQ error, named by its errno (EFSM, EAGAIN...)."""

    def __init__(self, errno: str, message: str, request: dict):
        super().__init__(f"{errno}: {message} (request {json.dumps(request)})")
        self.errno, self.message, self.request = errno, message, request


class DriverProtocolError(NodeFailure):
    """The driver broke the line protocol itself."""


def _frames(frames) -> list[str]:
    return [(f.encode() if isinstance(f, str) else bytes(f)).hex() for f in frames]


class Driver:
    def __init__(self, node: Node, validator=None):
        self.node = node
        self._seq = 0
        self._validate = validator

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
            raise DriverError(str(error.get("errno")), str(error.get("message", "")), request)
        if not isinstance(reply.get("ok"), dict):
            raise DriverProtocolError(f"broken driver: reply has neither 'ok' nor 'error': {line[:200]!r}")
        return reply["ok"]

    def hello(self) -> dict:
        return self.request("hello")

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


class Socket:
    """One socket inside a driver node."""

    def __init__(self, driver: Driver, name: str, type: str):
        self.driver, self.name, self.type = driver, name, type

    def __repr__(self) -> str:
        return f"<{self.type} socket {self.name} in {self.driver.node.name}>"

    def _call(self, cmd: str, _wait: float = 0.0, **fields) -> dict:
        return self.driver.request(cmd, _wait, socket=self.name, **fields)

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

    def poll(self, events: tuple[str, ...] = ("in",), timeout: float = DEFAULT_TIMEOUT) -> set[str]:
        return self.driver.poll({self: events}, timeout).get(self, set())

    def close(self, linger: float = 0.0) -> None:
        self._call("close", linger_ms=int(linger * 1000))
