"""driver: a scriptable socket, for the rules that are about one socket.

The harness writes one JSON request per line on standard input and reads
one JSON reply per line on standard output; docs/contract.md describes the
protocol and ``zmqspec/schemas/driver-protocol.json`` is its schema. Every
request carries ``seq``, a number the reply echoes. A reply is either
``{"seq": n, "ok": {...}}`` or ``{"seq": n, "error": {"errno": "EFSM",
"message": "..."}}``. Frames and byte-valued options travel as hex.
End of input, or ``quit``, ends the driver with status 0.
"""

from __future__ import annotations

import json
import sys

from zmqspec import _node

ROLE = "driver"
PROTOCOL_VERSION = 1
DEFAULT_TIMEOUT_MS = 5000
SOCKET_TYPES = ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB")
INT_OPTIONS = ("sndhwm", "rcvhwm", "linger", "rcvtimeo", "sndtimeo", "immediate", "maxmsgsize",
               "req_relaxed", "req_correlate", "xpub_verbose", "router_mandatory", "rcvmore", "type")
BYTES_OPTIONS = ("subscribe", "unsubscribe", "routing_id", "last_endpoint")


class Failed(Exception):
    def __init__(self, errno: str, message: str):
        super().__init__(message)
        self.errno, self.message = errno, message


def main(argv: list[str]) -> int:
    p = _node.parser(ROLE, __doc__)
    p.parse_args(argv)
    return _node.run(ROLE, lambda: Driver().serve(sys.stdin, sys.stdout))


class Driver:
    def __init__(self):
        import zmq

        self.zmq = zmq
        self.ctx = zmq.Context()
        self.sockets: dict[str, object] = {}
        self.created = 0

    def serve(self, requests, replies) -> int:
        _node.ready()
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
            return {"seq": seq, "ok": method(**request)}, command == "quit"
        except json.JSONDecodeError as exc:
            failure = Failed("EPROTO", f"not JSON: {exc}")
        except (TypeError, ValueError, KeyError) as exc:
            failure = Failed("EINVAL", f"bad arguments: {exc!r}")
        except Failed as exc:
            failure = exc
        except self.zmq.ZMQError as exc:
            failure = Failed(_node.errno_name(exc), self.zmq.strerror(exc.errno))
        return {"seq": seq, "error": {"errno": failure.errno, "message": failure.message}}, False

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

    def cmd_close(self, socket: str, linger_ms: int = 0) -> dict:
        self.socket(socket).close(linger=linger_ms)
        del self.sockets[socket]
        return {}

    def cmd_quit(self) -> dict:
        return {}
