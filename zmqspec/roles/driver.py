"""driver: a scriptable socket, for the rules that are about one socket.

The harness writes one JSON request per line on standard input and reads
one JSON reply per line on standard output; docs/contract.md describes the
protocol and ``zmqspec/schemas/driver-protocol.json`` is its schema. Every
request carries ``seq``, a number the reply echoes. A reply is either
``{"seq": n, "ok": {...}}`` or ``{"seq": n, "error": {"errno": "EFSM",
"message": "..."}}``. Frames and byte-valued options travel as hex.
End of input, or ``quit``, ends the driver with status 0.

Commands beyond docs/contract.md's table. ``hello`` lists the commands a
driver knows in ``commands``; for a driver without the first four the
harness makes the same calls one request at a time. They exist for fuzzing,
where one line per socket call would be the bottleneck:

``batch``             ``requests``: a list of requests without ``seq``, run
                      in order; replies ``{"results": [ok, ...]}``. The first
                      failure stops the batch and is the batch's error, with
                      ``index`` naming the request that failed.
``send_many``         ``socket``, ``messages``: a list of messages (each a
                      list of hex frames), ``timeout_ms`` per message;
                      replies ``{"sent": n}``.
``recv_until``        ``socket``, ``sentinel``: hex frames; receives until a
                      message equal to the sentinel arrives or ``timeout_ms``
                      (for the whole call) passes; replies ``{"messages":
                      [...], "found": bool}``, the sentinel not included.
``recv_many``         ``socket``, ``count``: receives up to ``count``
                      messages within ``timeout_ms`` (for the whole call);
                      replies ``{"messages": [...]}``.
``setsockopt_string`` like ``setsockopt`` for a bytes option, but ``value``
                      is text the socket's string API encodes as UTF-8 (it
                      cannot be emulated: the string API is what it tests).
"""

from __future__ import annotations

import json
import sys
import time

from zmqspec.roles import _kit

ROLE = "driver"
PROTOCOL_VERSION = 1
DEFAULT_TIMEOUT_MS = 5000
SOCKET_TYPES = ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB")
INT_OPTIONS = ("sndhwm", "rcvhwm", "linger", "rcvtimeo", "sndtimeo", "immediate", "maxmsgsize",
               "req_relaxed", "req_correlate", "xpub_verbose", "router_mandatory", "rcvmore", "type",
               "xpub_verboser", "xpub_manual", "xpub_nodrop", "conflate", "reconnect_ivl", "reconnect_ivl_max")
BYTES_OPTIONS = ("subscribe", "unsubscribe", "routing_id", "last_endpoint", "xpub_welcome_msg")


class Failed(Exception):
    def __init__(self, errno: str, message: str):
        super().__init__(message)
        self.errno, self.message = errno, message


MAX_DURATION_MS = 2**31 - 1  # the largest a socket option of libzmq holds


def durations_checked(fields: dict) -> dict:
    """``timeout_ms`` and ``linger_ms`` must be integers in 0..2**31-1: a negative one would wait forever."""
    for name in ("timeout_ms", "linger_ms"):
        value = fields.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DURATION_MS:
            raise Failed("EINVAL", f"{name} must be an integer from 0 to {MAX_DURATION_MS}, got {value!r}")
    return fields


def main(argv: list[str]) -> int:
    p = _kit.parser(ROLE, __doc__)
    p.parse_args(argv)
    sys.stdin.reconfigure(errors="surrogateescape")  # a line that is not UTF-8 gets an error reply, not a crash
    return _kit.run(ROLE, lambda: Driver().serve(sys.stdin, sys.stdout))


class Driver:
    def __init__(self):
        import zmq

        self.zmq = zmq
        self.ctx = zmq.Context()
        self.sockets: dict[str, object] = {}
        self.created = 0

    def serve(self, requests, replies) -> int:
        _kit.ready()
        for line in requests:
            if not line.strip():
                continue
            reply, done = self.handle(line)
            replies.write(json.dumps(reply) + "\n")
            replies.flush()
            if done:
                break
        for sock in self.sockets.values():
            sock.close(linger=0)
        self.ctx.term()
        return 0

    def handle(self, line: str) -> tuple[dict, bool]:
        seq = None
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise Failed("EPROTO", "a request must be a JSON object")
            seq = request.pop("seq", None)
            command = request.pop("cmd", None)
            method = getattr(self, f"cmd_{command}", None) if isinstance(command, str) else None
            if method is None:
                raise Failed("ENOTSUP", f"unknown command {command!r}")
            return {"seq": seq, "ok": method(**durations_checked(request))}, command == "quit"
        except Exception as exc:  # whatever a request holds, the driver answers it and goes on
            return {"seq": seq, "error": self.error(exc)}, False

    def error(self, exc: Exception) -> dict:
        if isinstance(exc, json.JSONDecodeError):
            failure = Failed("EPROTO", f"not JSON: {exc}")
        elif isinstance(exc, Failed):
            failure = exc
        elif isinstance(exc, self.zmq.ZMQError):
            failure = Failed(_kit.errno_name(exc), self.zmq.strerror(exc.errno))
        else:
            failure = Failed("EINVAL", f"bad arguments: {exc!r}")
        error = {"errno": failure.errno, "message": failure.message}
        index = getattr(exc, "batch_index", None)
        if index is not None:
            error["index"] = index
            error["message"] = f"batch request {index}: {failure.message}"
        return error

    def socket(self, name: str):
        try:
            return self.sockets[name]
        except KeyError:
            raise Failed("ENOTSOCK", f"no socket named {name!r}") from None

    def cmd_hello(self) -> dict:
        zmq = self.zmq
        return {
            "protocol": PROTOCOL_VERSION,
            "implementation": "zmqspec-reference",
            "language": f"python {sys.version.split()[0]}",
            "library": f"pyzmq {zmq.pyzmq_version()}",
            "zmq_version": zmq.zmq_version(),
            "transports": [t for t in ("tcp", "ipc", "inproc", "pgm", "epgm", "vmci")
                           if t in ("tcp", "inproc") or zmq.has(t)],
            "socket_types": list(SOCKET_TYPES),
            "commands": sorted(name[len("cmd_"):] for name in dir(self) if name.startswith("cmd_")),
        }

    def cmd_socket(self, type: str) -> dict:
        if type not in SOCKET_TYPES:
            raise Failed("EINVAL", f"unknown socket type {type!r}")
        self.created += 1
        name = f"s{self.created}"
        self.sockets[name] = self.ctx.socket(getattr(self.zmq, type))
        return {"socket": name}

    def cmd_bind(self, socket: str, endpoint: str) -> dict:
        sock = self.socket(socket)
        sock.bind(endpoint)
        return {"endpoint": sock.getsockopt_string(self.zmq.LAST_ENDPOINT)}

    def cmd_connect(self, socket: str, endpoint: str) -> dict:
        self.socket(socket).connect(endpoint)
        return {}

    def cmd_unbind(self, socket: str, endpoint: str) -> dict:
        self.socket(socket).unbind(endpoint)
        return {}

    def cmd_disconnect(self, socket: str, endpoint: str) -> dict:
        self.socket(socket).disconnect(endpoint)
        return {}

    def option(self, name: str) -> int:
        if name not in INT_OPTIONS and name not in BYTES_OPTIONS:
            raise Failed("EINVAL", f"unknown option {name!r}")
        return getattr(self.zmq, name.upper())

    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        sock, number = self.socket(socket), self.option(option)
        if option in BYTES_OPTIONS:
            sock.setsockopt(number, bytes.fromhex(value))
        else:
            sock.setsockopt(number, int(value))
        return {}

    def cmd_setsockopt_string(self, socket: str, option: str, value: str) -> dict:
        if option not in BYTES_OPTIONS:
            raise Failed("EINVAL", f"{option!r} is not a bytes option")
        self.socket(socket).setsockopt_string(self.option(option), value, encoding="utf-8")
        return {}

    def cmd_getsockopt(self, socket: str, option: str) -> dict:
        sock, number = self.socket(socket), self.option(option)
        if option == "last_endpoint":
            return {"value": sock.getsockopt(number).rstrip(b"\0").hex()}
        value = sock.getsockopt(number)
        return {"value": value.hex() if isinstance(value, bytes) else int(value)}

    def cmd_send(self, socket: str, frames: list[str], timeout_ms: int = DEFAULT_TIMEOUT_MS) -> dict:
        sock = self.socket(socket)
        sock.sndtimeo = timeout_ms
        sock.send_multipart([bytes.fromhex(f) for f in frames])
        return {}

    def cmd_recv(self, socket: str, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> dict:
        sock = self.socket(socket)
        sock.rcvtimeo = timeout_ms
        return {"frames": [f.hex() for f in sock.recv_multipart()]}

    def cmd_poll(self, items: list[dict], timeout_ms: int = DEFAULT_TIMEOUT_MS) -> dict:
        zmq = self.zmq
        poller = zmq.Poller()
        flags = {"in": zmq.POLLIN, "out": zmq.POLLOUT}
        for item in items:
            mask = 0
            for event in item.get("events", ["in"]):
                mask |= flags[event]
            poller.register(self.socket(item["socket"]), mask)
        fired = dict(poller.poll(timeout_ms))
        names = {id(sock): name for name, sock in self.sockets.items()}
        return {"ready": [
            {"socket": names[id(sock)], "events": [e for e, bit in flags.items() if mask & bit]}
            for sock, mask in fired.items()
        ]}

    def cmd_send_many(self, socket: str, messages: list[list[str]], timeout_ms: int = DEFAULT_TIMEOUT_MS) -> dict:
        sock = self.socket(socket)
        sock.sndtimeo = timeout_ms
        for frames in messages:
            sock.send_multipart([bytes.fromhex(f) for f in frames])
        return {"sent": len(messages)}

    def _recv_within(self, sock, deadline: float):
        """One message, or None once the deadline (time.monotonic) has passed."""
        sock.rcvtimeo = max(0, int((deadline - time.monotonic()) * 1000))
        try:
            return sock.recv_multipart()
        except self.zmq.Again:
            return None

    def cmd_recv_until(self, socket: str, sentinel: list[str], timeout_ms: int = DEFAULT_TIMEOUT_MS) -> dict:
        sock, wanted = self.socket(socket), [bytes.fromhex(f) for f in sentinel]
        deadline = time.monotonic() + timeout_ms / 1000
        received = []
        while (frames := self._recv_within(sock, deadline)) is not None:
            if frames == wanted:
                return {"messages": received, "found": True}
            received.append([f.hex() for f in frames])
        return {"messages": received, "found": False}

    def cmd_recv_many(self, socket: str, count: int, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> dict:
        sock = self.socket(socket)
        deadline = time.monotonic() + timeout_ms / 1000
        received = []
        while len(received) < count and (frames := self._recv_within(sock, deadline)) is not None:
            received.append([f.hex() for f in frames])
        return {"messages": received}

    def cmd_batch(self, requests: list[dict]) -> dict:
        results = []
        for index, request in enumerate(requests):
            try:
                if not isinstance(request, dict):
                    raise Failed("EINVAL", "not a JSON object")
                command = request.get("cmd")
                method = getattr(self, f"cmd_{command}", None) if command not in ("batch", "quit") else None
                if not isinstance(command, str) or method is None:
                    raise Failed("ENOTSUP", f"unknown command {command!r} (batch and quit cannot be batched)")
                results.append(method(**durations_checked({k: v for k, v in request.items() if k != "cmd"})))
            except Exception as exc:
                exc.batch_index = index
                raise
        return {"results": results}

    def cmd_close(self, socket: str, linger_ms: int = 0) -> dict:
        self.socket(socket).close(linger=linger_ms)
        del self.sockets[socket]
        return {}

    def cmd_quit(self) -> dict:
        return {}
