"""driver: a scriptable socket, for the rules that are about one socket.

The harness writes one JSON request per line on standard input and reads
one JSON reply per line on standard output; docs/contract.md describes the
protocol and ``zmqspec/schemas/driver-protocol.json`` is its schema. Every
request carries ``seq``, a number the reply echoes. A reply is either
``{"seq": n, "ok": {...}}`` or ``{"seq": n, "error": {"errno": "EFSM",
"message": "..."}}``. Frames and byte-valued options travel as hex.
End of input, or ``quit``, ends the driver with status 0.

Every command, its fields, results and errors are defined once, in
:mod:`zmqspec.protocol`; a request is held to that definition before it
runs (EINVAL for a field missing, ill-typed or not taken; ENOTSUP for a
command the protocol lacks), and a line that is no request (empty, not
JSON, not an object, no integer ``seq``) gets seq null and EPROTO.
"""

from __future__ import annotations

import json
import sys
import time

from zmqspec import protocol
from zmqspec.protocol import BYTES_OPTIONS, DEFAULT_TIMEOUT_MS, INT_OPTIONS, SOCKET_TYPES
from zmqspec.roles import _kit

ROLE = "driver"
PROTOCOL_VERSION = protocol.VERSION


class Failed(Exception):
    def __init__(self, errno: str, message: str):
        super().__init__(message)
        self.errno, self.message = errno, message


def checked(command, fields: dict) -> dict:
    """The fields of a request for ``command``, held to zmqspec.protocol before it runs: a field
    missing, ill-typed (``true`` is no integer, hex is lowercase), out of range (a negative
    ``timeout_ms`` would wait forever) or not taken is EINVAL; a command the protocol lacks ENOTSUP."""
    if not isinstance(command, str) or command not in protocol.COMMANDS:
        raise Failed(protocol.ENOTSUP, f"unknown command {command!r}")
    problem = protocol.request_problem(command, fields)
    if problem:
        raise Failed(protocol.EINVAL, problem)
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
        """One line, one reply. A line that is no request (empty, not UTF-8, not JSON, not an
        object, without an integer ``seq``) gets seq null and EPROTO; nothing runs."""
        seq = None
        try:
            request = json.loads(line)
            problem = protocol.seq_problem(request)
            if problem:
                raise Failed(protocol.EPROTO, problem)
            seq = request.pop("seq")
            command = request.pop("cmd", None)
            checked(command, request)
            method = getattr(self, f"cmd_{command}", None)
            if method is None:
                raise Failed(protocol.ENOTSUP, f"{command!r}: this driver cannot do it")
            return {"seq": seq, "ok": method(**request)}, command == "quit"
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
        if (option in BYTES_OPTIONS) != isinstance(value, str):
            raise Failed(protocol.EINVAL, f"{option} takes {'hex' if option in BYTES_OPTIONS else 'an integer'}")
        sock.setsockopt(number, bytes.fromhex(value) if isinstance(value, str) else value)
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
            for event in item.get("events", protocol.DEFAULT_EVENTS):
                mask |= flags[event]
            poller.register(self.socket(item["socket"]), mask)
        if not items:
            # zmq_poll with no items waits timeout_ms and returns 0 (libzmq src/zmq.cpp, zmq_poll:
            # "nitems_ == 0"); pyzmq's Poller returns at once instead.
            time.sleep(timeout_ms / 1000)
            return {"ready": []}
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
                if command in ("batch", "quit"):
                    raise Failed(protocol.ENOTSUP, f"{command} cannot be batched")
                fields = checked(command, {k: v for k, v in request.items() if k != "cmd"})
                results.append(getattr(self, f"cmd_{command}")(**fields))
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
