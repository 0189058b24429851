"""What every aionode role shares: the node contract's plumbing (docs/contract.md).

- options: ``--bind``/``--connect`` for a role's main socket, ``--SOCKET-bind``/
  ``--SOCKET-connect`` for the others, all repeatable; a socket given
  neither binds ``tcp://127.0.0.1:*``; bad arguments exit 2 with one line;
- the ready line ``ZMQSPEC READY {json}`` once every bind and connect is done;
- the lifeline: a role that does not read stdin races its work against an
  asyncio task that waits for stdin's end-of-file, and exits 0 when it comes;
- a socket error the node cannot go on from exits 1 with one line naming
  the errno.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import signal
import stat
import sys
import threading

import zmq
import zmq.asyncio

READY_PREFIX = "ZMQSPEC READY "
ANY_LOOPBACK_PORT = "tcp://127.0.0.1:*"
LINGER_MS = 1000  # how long a normal end waits for queued messages to leave
# libzmq takes any bytes not starting with 0xFF for a ZMTP/1.0 peer unless ZAP is on; a ZAP domain
# with no handler running turns ZMTP/1.0 and 2.0 away and still takes ZMTP 3 (contract, "ZMTP 3 only").
ZAP_DOMAIN = b"aionode"
STDIN_LINE_LIMIT = 1 << 26  # the driver's requests carry frames as hex


class Failure(Exception):
    """The node cannot go on; the message is the one line it prints before exiting 1."""


class Options(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message}\n")


def options(role: str, summary: str) -> Options:
    return Options(prog=f"aionode {role}", description=summary)


def endpoint_options(p: Options, socket: str, main: bool = False) -> None:
    """--bind/--connect for the main socket, --SOCKET-bind/--SOCKET-connect for another."""
    flag = "--" if main else f"--{socket}-"
    for verb in ("bind", "connect"):
        p.add_argument(f"{flag}{verb}", dest=f"{socket}_{verb}", action="append", default=[],
                       metavar="ENDPOINT", help=f"{verb} the {socket} socket (repeatable)")


INT_MAX = 2**31 - 1  # the largest count the contract's options take (section 6)


def ranged(low: int, high: int):
    """An argparse type: a decimal integer from ``low`` to ``high`` (contract section 6's ranges)."""

    def integer(text: str) -> int:
        digits = text[1:] if text[:1] in ("+", "-") else text
        if not (digits.isascii() and digits.isdigit()):
            raise argparse.ArgumentTypeError(f"must be a decimal integer, got {text!r}")
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value

    return integer


count = ranged(0, INT_MAX)
positive = ranged(1, INT_MAX)
seed = ranged(0, 2**32 - 1)


def need_endpoints(p: Options, args, *sockets: tuple[str, str]) -> None:
    """Exit 2 for a socket given no endpoint that needs one, before any socket is opened (contract
    section 6, the order of the checks). ``sockets``: (socket name, its connect option)."""
    for socket, option in sockets:
        if not getattr(args, f"{socket}_bind") and not getattr(args, f"{socket}_connect"):
            p.error(f"the {socket} socket needs an endpoint ({option})")


def say(text: str = "", end: str = "\n") -> None:
    sys.stdout.buffer.write((text + end).encode("utf-8"))
    sys.stdout.buffer.flush()


def shown(frame: bytes) -> str:
    """A received frame as text: UTF-8, undecodable bytes escaped."""
    return frame.decode("utf-8", "backslashreplace")


def excerpt(data: bytes, shown_bytes: int = 40) -> str:
    """Bytes as a stderr line shows them: the first few, and the size when cut."""
    return repr(data) if len(data) <= shown_bytes else f"{data[:shown_bytes]!r}... ({len(data)} bytes)"


def errno_name(number: int | None) -> str:
    try:
        return zmq.Errno(number).name
    except ValueError:
        return errno.errorcode.get(number or 0, f"E{number}")


def refuse_wrapped_port(endpoint: str) -> None:
    """libzmq reads a tcp port modulo 65536 (99999 becomes 34463): a port it would wrap is refused."""
    if endpoint.startswith("tcp://"):
        port = endpoint.rsplit(":", 1)[-1]
        if port.isdigit() and int(port) > 65535:
            raise Failure(f"bad endpoint {endpoint}: the port is beyond 65535 (EINVAL)")


class Node:
    """One node's context, sockets and standard streams."""

    def __init__(self, role: str):
        self.role = role
        self.ctx = zmq.asyncio.Context()
        self.sockets: list[zmq.asyncio.Socket] = []
        self.stdin: asyncio.StreamReader | None = None

    def warn(self, text: str) -> None:
        sys.stderr.write(f"aionode {self.role}: {text}\n")
        sys.stderr.flush()

    def socket(self, kind: int, linger: int = LINGER_MS, max_message: int = -1) -> zmq.asyncio.Socket:
        """A role's socket; ``max_message`` bytes (ZMQ_MAXMSGSIZE) is the most it takes in one frame,
        a peer sending more being dropped by libzmq (-1: no bound)."""
        sock = self.ctx.socket(kind)
        sock.linger = linger
        sock.zap_domain = ZAP_DOMAIN
        sock.maxmsgsize = max_message
        self.sockets.append(sock)
        return sock

    def attach(self, sock, binds: list[str], connects: list[str], default: str | None = ANY_LOOPBACK_PORT) -> list[str]:
        """Bind then connect ``sock``; return the endpoints it bound, wildcards resolved."""
        if not binds and not connects and default:
            binds = [default]
        bound = []
        for endpoint in (*binds, *connects):
            refuse_wrapped_port(endpoint)
        for verb, endpoints in (("bind", binds), ("connect", connects)):
            for endpoint in endpoints:
                try:
                    getattr(sock, verb)(endpoint)
                except zmq.ZMQError as exc:
                    raise Failure(f"cannot {verb} {endpoint}: {zmq.strerror(exc.errno)} ({errno_name(exc.errno)})") from None
                if verb == "bind":
                    bound.append(sock.getsockopt(zmq.LAST_ENDPOINT).rstrip(b"\0").decode())
        return bound

    async def one_frame(self, sock: zmq.asyncio.Socket, what: str) -> bytes | None:
        """The next message on ``sock`` if it is one frame; None, said on stderr, if it has more."""
        frames = await sock.recv_multipart()
        if len(frames) == 1:
            return frames[0]
        self.warn(f"skipping a message of {len(frames)} frames ({what} is one frame)")
        return None

    def ready(self, **bound: list[str]) -> None:
        say(READY_PREFIX + json.dumps(bound, sort_keys=True))

    async def line(self) -> bytes | None:
        """The next line of standard input without its line end; None at end of input."""
        raw = await self.stdin.readline()
        return raw.rstrip(b"\r\n") if raw else None

    def close(self, linger: int | None = None) -> None:
        for sock in self.sockets:
            sock.close(linger=linger)
        self.ctx.term()


async def open_stdin() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=STDIN_LINE_LIMIT)
    mode = os.fstat(0).st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(0):
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    else:  # a file or /dev/null, which epoll refuses: read it in a thread
        def pump() -> None:
            while chunk := sys.stdin.buffer.read1(65536):
                loop.call_soon_threadsafe(reader.feed_data, chunk)
            loop.call_soon_threadsafe(reader.feed_eof)

        threading.Thread(target=pump, daemon=True).start()
    return reader


async def end_of_input(stdin: asyncio.StreamReader) -> None:
    while await stdin.read(65536):
        pass


async def _serve(node: Node, play, args, reads_stdin: bool) -> int:
    node.stdin = await open_stdin()
    work = asyncio.create_task(play(node, args))
    racers = {work} if reads_stdin else {work, asyncio.create_task(end_of_input(node.stdin))}
    done, pending = await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if work not in done:  # stdin closed: the parent is gone or wants us gone
        node.close(linger=0)
        return 0
    try:
        code = work.result() or 0
    except Failure as exc:
        sys.stdout.flush()
        sys.stderr.write(f"aionode {node.role}: error: {exc}\n")
        node.close(linger=0)
        return 1
    node.close()
    return code


def die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def run(role: str, play, args, reads_stdin: bool = False) -> int:
    """Run ``await play(node, args)`` under the contract's rules and end the process."""
    die_with_parent()
    try:
        code = asyncio.run(_serve(Node(role), play, args, reads_stdin))
    except (BrokenPipeError, KeyboardInterrupt):
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
