"""driver: a scriptable zmq.asyncio socket; JSON requests on stdin, one JSON reply each on stdout (contract section 5)."""

from __future__ import annotations

import asyncio
import json
import platform

import zmq
import zmq.asyncio

from aionode import node

PROTOCOL = 1
DEFAULT_TIMEOUT_MS = 5000
MAX_DURATION_MS = 2**31 - 1  # the contract's range for timeout_ms and linger_ms (a libzmq int option)
SOCKET_TYPES = ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB")
INT_OPTIONS = {"sndhwm", "rcvhwm", "linger", "rcvtimeo", "sndtimeo", "immediate", "maxmsgsize", "req_relaxed",
               "req_correlate", "xpub_verbose", "router_mandatory", "rcvmore", "type"}
BYTES_OPTIONS = {"subscribe", "unsubscribe", "routing_id", "last_endpoint"}
EVENTS = {"in": zmq.POLLIN, "out": zmq.POLLOUT}
# The fields each command takes besides seq and cmd; any other is an error (EINVAL), not ignored.
FIELDS = {
    "hello": set(), "quit": set(), "socket": {"type"},
    "bind": {"socket", "endpoint"}, "connect": {"socket", "endpoint"},
    "unbind": {"socket", "endpoint"}, "disconnect": {"socket", "endpoint"},
    "setsockopt": {"socket", "option", "value"}, "setsockopt_string": {"socket", "option", "value"},
    "getsockopt": {"socket", "option"},
    "send": {"socket", "frames", "timeout_ms"}, "recv": {"socket", "timeout_ms"},
    "poll": {"items", "timeout_ms"}, "close": {"socket", "linger_ms"},
}
_ABSENT = object()


class Refused(Exception):
    def __init__(self, errno: str, message: str):
        super().__init__(message)
        self.errno = errno


def main(argv: list[str]) -> int:
    node.options("driver", __doc__).parse_args(argv)
    return node.run("driver", serve, None, reads_stdin=True)


async def serve(n: node.Node, _args) -> None:
    n.ready()
    driver = Driver(n.ctx)
    try:
        while (line := await n.line()) is not None:
            reply = await driver.answer(line)  # every line gets one reply, an empty one included
            node.say(json.dumps(reply))
            if driver.quitting:
                return
    finally:
        for sock in driver.sockets.values():
            sock.close(linger=0)


def field(request: dict, name: str, kind: type, default=_ABSENT):
    value = request.get(name, default)
    if value is _ABSENT:
        raise Refused("EINVAL", f"missing field {name!r}")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Refused("EINVAL", f"field {name!r} must be {kind.__name__}, got {value!r}")
    return value


def duration_ms(request: dict, name: str, default: int) -> int:
    ms = field(request, name, int, default)
    if not 0 <= ms <= MAX_DURATION_MS:
        raise Refused("EINVAL", f"{name} must be from 0 to {MAX_DURATION_MS}, got {ms}")
    return ms


def timeout_s(request: dict) -> float:
    return duration_ms(request, "timeout_ms", DEFAULT_TIMEOUT_MS) / 1000


def unhex(text: str) -> bytes:
    if not isinstance(text, str) or len(text) % 2 or text.strip("0123456789abcdef"):
        raise Refused("EINVAL", f"not a lowercase hex string: {text!r}")
    return bytes.fromhex(text)


async def within(seconds: float, future) -> object:
    """Await a pyzmq future for at most ``seconds``; running out is EAGAIN, as for a socket timeout."""
    try:
        return await asyncio.wait_for(future, seconds)
    except asyncio.TimeoutError:
        raise Refused("EAGAIN", "Resource temporarily unavailable (timeout_ms ran out)") from None


class Driver:
    def __init__(self, ctx: zmq.asyncio.Context):
        self.ctx = ctx
        self.sockets: dict[str, zmq.asyncio.Socket] = {}
        self.made = 0
        self.quitting = False

    async def answer(self, line: bytes) -> dict:
        seq = None
        try:
            try:
                request = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise Refused("EPROTO", f"not a JSON line: {exc}") from None
            except RecursionError:
                raise Refused("EINVAL", "JSON nested deeper than the driver reads") from None
            if not isinstance(request, dict):
                raise Refused("EPROTO", "a request must be a JSON object")
            if not isinstance(request.get("seq"), int) or isinstance(request.get("seq"), bool):
                raise Refused("EPROTO", f"seq must be an integer, got {request.get('seq')!r}")
            seq = request["seq"]
            command = request.get("cmd")
            handler = getattr(self, f"do_{command}", None) if isinstance(command, str) and command in FIELDS else None
            if handler is None:
                raise Refused("ENOTSUP", f"unknown command {command!r}")
            if unknown := set(request) - FIELDS[command] - {"seq", "cmd"}:
                raise Refused("EINVAL", f"{command} takes no field {', '.join(sorted(unknown))}")
            return {"seq": seq, "ok": await handler(request)}
        except Refused as exc:
            return {"seq": seq, "error": {"errno": exc.errno, "message": str(exc)}}
        except (TypeError, ValueError, OverflowError) as exc:  # a value the library refuses outright
            return {"seq": seq, "error": {"errno": "EINVAL", "message": f"bad arguments: {exc}"}}
        except zmq.ZMQError as exc:
            return {"seq": seq, "error": {"errno": node.errno_name(exc.errno), "message": zmq.strerror(exc.errno)}}

    def socket(self, request: dict) -> zmq.asyncio.Socket:
        name = field(request, "socket", str)
        if name not in self.sockets:
            raise Refused("ENOTSOCK", f"no socket named {name!r}")
        return self.sockets[name]

    async def do_hello(self, request: dict) -> dict:
        optional = [t for t in ("ipc", "pgm", "epgm", "vmci") if zmq.has(t)]
        return {
            "protocol": PROTOCOL, "implementation": "zmqspec-asyncio",
            "language": f"python {platform.python_version()}",
            "library": f"pyzmq {zmq.pyzmq_version()} (zmq.asyncio)", "zmq_version": zmq.zmq_version(),
            "transports": [t for t in ("tcp", "ipc", "inproc", "pgm", "epgm", "vmci") if t in ("tcp", "inproc", *optional)],
            "socket_types": list(SOCKET_TYPES),
            "commands": sorted(FIELDS),
        }

    async def do_socket(self, request: dict) -> dict:
        kind = field(request, "type", str)
        if kind not in SOCKET_TYPES:
            raise Refused("EINVAL", f"unknown socket type {kind!r}")
        self.made += 1
        name = f"s{self.made}"
        self.sockets[name] = self.ctx.socket(getattr(zmq, kind))
        return {"socket": name}

    async def do_bind(self, request: dict) -> dict:
        sock = self.socket(request)
        sock.bind(field(request, "endpoint", str))
        return {"endpoint": sock.getsockopt(zmq.LAST_ENDPOINT).rstrip(b"\0").decode()}

    async def do_connect(self, request: dict) -> dict:
        self.socket(request).connect(field(request, "endpoint", str))
        return {}

    async def do_unbind(self, request: dict) -> dict:
        self.socket(request).unbind(field(request, "endpoint", str))
        return {}

    async def do_disconnect(self, request: dict) -> dict:
        self.socket(request).disconnect(field(request, "endpoint", str))
        return {}

    def option(self, request: dict) -> tuple[str, int]:
        name = field(request, "option", str)
        if name not in INT_OPTIONS | BYTES_OPTIONS or not hasattr(zmq, name.upper()):
            raise Refused("EINVAL", f"unknown option {name!r}")
        return name, getattr(zmq, name.upper())

    async def do_setsockopt(self, request: dict) -> dict:
        sock = self.socket(request)
        name, number = self.option(request)
        if name in BYTES_OPTIONS:
            sock.setsockopt(number, unhex(field(request, "value", str)))
        else:
            sock.setsockopt(number, field(request, "value", int))
        return {}

    async def do_setsockopt_string(self, request: dict) -> dict:
        """setsockopt for a bytes option, the value given as text and set as its UTF-8 bytes."""
        sock = self.socket(request)
        name, number = self.option(request)
        if name not in BYTES_OPTIONS:
            raise Refused("EINVAL", f"{name!r} is not a bytes option")
        sock.setsockopt_string(number, field(request, "value", str), encoding="utf-8")
        return {}

    async def do_getsockopt(self, request: dict) -> dict:
        sock = self.socket(request)
        name, number = self.option(request)
        value = sock.getsockopt(number)
        if isinstance(value, bytes):
            return {"value": (value.rstrip(b"\0") if name == "last_endpoint" else value).hex()}
        return {"value": int(value)}

    async def do_send(self, request: dict) -> dict:
        sock = self.socket(request)
        frames = field(request, "frames", list)
        if not frames or not all(isinstance(f, str) for f in frames):
            raise Refused("EINVAL", "frames must be a non-empty list of hex strings")
        await within(timeout_s(request), sock.send_multipart([unhex(f) for f in frames]))
        return {}

    async def do_recv(self, request: dict) -> dict:
        sock = self.socket(request)
        wait = timeout_s(request)
        try:  # a first non-blocking try lets libzmq say EFSM before anything waits
            frames = await sock.recv_multipart(flags=zmq.DONTWAIT)
        except zmq.Again:
            if wait == 0:
                raise
            frames = await within(wait, sock.recv_multipart())
        return {"frames": [f.hex() for f in frames]}

    async def do_poll(self, request: dict) -> dict:
        items = field(request, "items", list)
        wait = timeout_s(request)
        poller, names = zmq.asyncio.Poller(), {}
        for item in items:
            if not isinstance(item, dict) or not set(item) <= {"socket", "events"}:
                raise Refused("EINVAL", f"a poll item is an object with socket and events, got {item!r}")
            sock = self.socket(item)
            events = field(item, "events", list, ["in"])
            if not all(e in EVENTS for e in events):
                raise Refused("EINVAL", f"poll events are 'in' and 'out', got {events!r}")
            poller.register(sock, sum(EVENTS[e] for e in set(events)))
            names[sock] = item["socket"]
        if not names:
            await asyncio.sleep(wait)
            return {"ready": []}
        fired = await poller.poll(int(wait * 1000))
        return {"ready": [{"socket": names[sock], "events": [e for e, bit in EVENTS.items() if mask & bit]}
                          for sock, mask in fired]}

    async def do_close(self, request: dict) -> dict:
        sock = self.socket(request)
        sock.close(linger=duration_ms(request, "linger_ms", 0))
        del self.sockets[request["socket"]]
        return {}

    async def do_quit(self, request: dict) -> dict:
        self.quitting = True
        return {}
