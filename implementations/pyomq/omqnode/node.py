"""What every omqnode role shares: the node contract's plumbing (docs/contract.md).

- options: ``--bind``/``--connect`` for a role's main socket, ``--SOCKET-bind``/
  ``--SOCKET-connect`` for the others, all repeatable; a socket given
  neither binds ``tcp://127.0.0.1:*``; bad arguments exit 2 with one line;
- the ready line ``ZMQSPEC READY {json}`` once every bind and connect is done;
- the lifeline: a role that does not read stdin has a thread wait for its
  end-of-file and end the process with status 0;
- a socket error the node cannot go on from exits 1 with one line naming
  the errno.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import threading

import pyomq as zmq

READY_PREFIX = "ZMQSPEC READY "
ANY_LOOPBACK_PORT = "tcp://127.0.0.1:*"
LINGER_MS = 1000  # how long a normal end waits for queued messages (pyomq's default LINGER is 0)
# pyomq allocates a frame's declared size as soon as it reads the header, and when that fails it
# aborts the whole process; over ZMQ_MAXMSGSIZE it drops the connection instead. A frame larger than
# this machine's memory cannot be held anyway (libzmq drops the peer when its malloc fails), so that
# is the bound of every socket a role does not bound more tightly (contract, "Size bound").
MEMORY_BYTES = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
FRAME_OVERHEAD = 64  # pyomq's MAXMSGSIZE counts 64 bytes for each frame on top of its own bytes
ZMQ_ERRNO_NAMES = {156384763: "EFSM", 156384764: "ENOCOMPATPROTO", 156384765: "ETERM", 156384766: "EMTHREAD"}


class Failure(Exception):
    """The node cannot go on; the message is the one line it prints before exiting 1."""


class Options(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message}\n")


def options(role: str, summary: str) -> Options:
    return Options(prog=f"omqnode {role}", description=summary)


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
    return ZMQ_ERRNO_NAMES.get(number) or errno.errorcode.get(number or 0, f"E{number}")


def line() -> bytes | None:
    """The next line of standard input without its line end; None at end of input."""
    raw = sys.stdin.buffer.readline()
    return raw.rstrip(b"\r\n") if raw else None


class Node:
    """One node's context and sockets."""

    def __init__(self, role: str):
        self.role = role
        self.ctx = zmq.Context()
        self.sockets: list[zmq.Socket] = []

    def warn(self, text: str) -> None:
        sys.stderr.write(f"omqnode {self.role}: {text}\n")
        sys.stderr.flush()

    def socket(self, kind: int, linger: int = LINGER_MS, max_message: int = MEMORY_BYTES) -> zmq.Socket:
        """A role's socket, taking one-frame messages of up to ``max_message`` bytes; pyomq drops a
        peer that sends more."""
        sock = self.ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, linger)
        sock.setsockopt(zmq.MAXMSGSIZE, max_message + FRAME_OVERHEAD)
        self.sockets.append(sock)
        return sock

    def attach(self, sock, binds: list[str], connects: list[str], default: str | None = ANY_LOOPBACK_PORT) -> list[str]:
        """Bind then connect ``sock``; return the endpoints it bound, as pyomq resolved them."""
        if not binds and not connects and default:
            binds = [default]
        bound = []
        for endpoint in binds:
            try:
                bound.append(sock.bind(endpoint))
            except zmq.ZMQError as exc:
                raise Failure(f"cannot bind {endpoint}: {zmq.strerror(exc.errno)} ({errno_name(exc.errno)})") from None
        for endpoint in connects:
            try:
                sock.connect(endpoint)
            except zmq.ZMQError as exc:
                raise Failure(f"cannot connect {endpoint}: {zmq.strerror(exc.errno)} ({errno_name(exc.errno)})") from None
        return bound

    def one_frame(self, sock: zmq.Socket, what: str) -> bytes | None:
        """The next message on ``sock`` if it is one frame; None, said on stderr, if it has more."""
        frames = sock.recv_multipart()
        if len(frames) == 1:
            return frames[0]
        self.warn(f"skipping a message of {len(frames)} frames ({what} is one frame)")
        return None

    def ready(self, **bound: list[str]) -> None:
        say(READY_PREFIX + json.dumps(bound, sort_keys=True))

    def close(self, linger: int | None = None) -> None:
        for sock in self.sockets:
            if linger is not None:
                sock.setsockopt(zmq.LINGER, linger)
            sock.close()
        self.ctx.term()


def quit_at_end_of_input() -> None:
    def watch() -> None:
        while sys.stdin.buffer.read1(65536):
            pass
        sys.stdout.flush()
        os._exit(0)

    threading.Thread(target=watch, name="stdin-lifeline", daemon=True).start()


def die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def run(role: str, play, args, reads_stdin: bool = False) -> int:
    """Run ``play(node, args)`` under the contract's rules and end the process."""
    die_with_parent()
    if not reads_stdin:
        quit_at_end_of_input()
    node = Node(role)
    try:
        code = play(node, args) or 0
        node.close()
    except Failure as exc:
        sys.stdout.flush()
        sys.stderr.write(f"omqnode {role}: error: {exc}\n")
        node.close(linger=0)
        code = 1
    except (BrokenPipeError, KeyboardInterrupt):
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
