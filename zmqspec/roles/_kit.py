"""The reference nodes' kit: what every reference node shares, its command line, its output, its lifeline.

Theory of operation
-------------------
A node is one OS process playing one role. The node contract
(docs/contract.md) asks four things of it, and this module is where the
reference nodes keep them:

1. Endpoints come from options. ``--bind`` / ``--connect`` (or
   ``--<socket>-bind`` / ``--<socket>-connect`` for a role with several
   sockets) may be repeated; a socket that is given neither uses the role's
   default, which is always ``tcp://127.0.0.1:*`` (loopback, a free port).
2. Readiness is one machine-readable line, ``ZMQSPEC READY {json}``, printed
   once every bind and connect is done. The JSON maps each socket's name to
   the endpoints it actually bound (port 0 / ``*`` resolved).
3. A node does not outlive its parent. Roles that do not read standard
   input watch it in a thread and quit when it reaches end-of-file (a dead
   parent closes the pipe); on Linux the node also asks the kernel for
   SIGTERM when its parent dies.
4. Failure is one line. Bad arguments exit 2, a socket error (a busy
   endpoint, an unknown transport) exits 1, each with a single line on
   stderr naming the problem.

The role table (which sockets a role has, their options and defaults) and
the ready line's prefix are the contract's data, in :mod:`zmqspec.contract`;
this kit turns them into options and sockets.

This module imports nothing heavy: node start-up time is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from zmqspec import cli
from zmqspec.contract import (
    BIND,
    COMMON_OPTIONS,
    DEFAULT_BIND,
    ENDPOINT,
    FLAG,
    INT,
    NEEDED,
    READY_PREFIX,
    ROLES,
    TCP_PORT_MAX,
    Option,
    Socket,
)

CLOSE_LINGER_MS = 1000
PARENT = os.getppid()  # the parent as early as the node can see it, for die_with_parent's check


class NodeError(Exception):
    """A problem the node reports in one line and exits 1 for."""

    status = 1


class UsageError(NodeError):
    """Arguments the node cannot work with, found past the parser: one line, exit 2."""

    status = 2


def parser(role: str, description: str) -> argparse.ArgumentParser:
    """A node's parser: one line and exit 2 on a usage error, and the options the role table gives
    every node (:data:`zmqspec.contract.COMMON_OPTIONS`); the driver's, which has no other."""
    p = cli.parser(f"zmqspec {role}", description)
    for option in COMMON_OPTIONS:
        add_option(p, option)
    return p


def role_parser(role: str, description: str) -> argparse.ArgumentParser:
    """A node's parser, derived from the role table: ``--bind`` / ``--connect`` for every socket of
    the role, then every option of the role, each with its type, range, default and required-ness,
    then the common ones. A node has no option the table does not list."""
    p = cli.parser(f"zmqspec {role}", description)
    for option in ROLES[role].all_options:
        add_option(p, option)
    return p


def parse(role: str, description: str, argv: list[str]) -> argparse.Namespace:
    """Parse a node's command line as the role table says, doing every check of the contract's first
    step (:data:`zmqspec.contract.ARGUMENT_CHECKS`) before any socket exists: the parser's (unknown
    options, types, ranges, required options), then options that must be in order, then the sockets
    that need an endpoint. A problem: one line on stderr, exit 2."""
    spec = ROLES[role]
    p = role_parser(role, description)
    args = p.parse_args(argv)
    for low, high in spec.ordered:
        if getattr(args, spec.option(low).dest) > getattr(args, spec.option(high).dest):
            p.error(f"{low} {getattr(args, spec.option(low).dest)} is larger than "
                    f"{high} {getattr(args, spec.option(high).dest)}")
    for socket in spec.needed:
        binds, connects = endpoints_of(args, socket)
        if not binds and not connects:
            p.error(f"the {socket.type} socket {socket.name!r} needs an endpoint ({socket.connect_option} "
                    f"or {socket.bind_option})")
    return args


def ranged_int(option: Option):
    """An argparse type for an integer option of the table: a decimal integer from ``min`` to ``max``."""

    def convert(text: str) -> int:
        digits = text[1:] if text[:1] in ("+", "-") else text
        if not (digits.isascii() and digits.isdigit()):
            raise argparse.ArgumentTypeError(f"must be a decimal integer, got {text!r}")
        value = int(text)
        if not option.in_range(value):
            raise argparse.ArgumentTypeError(f"must be from {option.min} to {option.max}, got {value}")
        return value

    convert.__name__ = "integer"  # what argparse's own messages call the type
    return convert


def add_option(p: argparse.ArgumentParser, option: Option) -> None:
    """Add one option of the role table to a parser."""
    if option.kind == FLAG:
        p.add_argument(option.name, dest=option.dest, action="store_true", help=option.help)
        return
    if option.kind == ENDPOINT:
        p.add_argument(option.name, dest=option.dest, action="append", default=[],
                       metavar=option.metavar, help=option.help)
        return
    p.add_argument(option.name, dest=option.dest, type=ranged_int(option) if option.kind == INT else str,
                   default=option.default, required=option.required, metavar=option.metavar or None,
                   action="append" if option.repeatable else "store",
                   help=f"{option.help} [{option.min}..{option.max}]" if option.kind == INT else option.help)


def endpoints_of(args: argparse.Namespace, socket: Socket) -> tuple[list[str], list[str]]:
    """The endpoints the command line gave one socket: (binds, connects)."""
    bind, connect = socket.options
    return getattr(args, bind.dest), getattr(args, connect.dest)


def attach_socket(sock, args: argparse.Namespace, role: str, name: str) -> list[str]:
    """Bind and connect the socket ``name`` of ``role`` as the command line and the role table say;
    return the endpoints it bound.

    A socket given no endpoint binds :data:`DEFAULT_BIND` when the table says it binds by default,
    stops the node (exit 2) when it needs an endpoint, and is left alone when it is optional."""
    socket = ROLES[role].socket(name)
    binds, connects = endpoints_of(args, socket)
    if not binds and not connects and socket.default not in (BIND, NEEDED):
        return []
    return attach(sock, binds, connects, DEFAULT_BIND if socket.binds_by_default else None)


def say(text: str = "", end: str = "\n") -> None:
    sys.stdout.write(text + end)
    sys.stdout.flush()


def warn(role: str, text: str) -> None:
    sys.stderr.write(f"zmqspec {role}: {text}\n")
    sys.stderr.flush()


def ready(**bound: list[str]) -> None:
    say(READY_PREFIX + json.dumps(bound, sort_keys=True))


def errno_name(exc: BaseException) -> str:
    import zmq

    number = getattr(exc, "errno", None)
    try:
        return zmq.Errno(number).name
    except ValueError:
        import errno

        return errno.errorcode.get(number or 0, f"E{number}")


def check_endpoint(endpoint: str) -> None:
    """Refuse a tcp port libzmq would take modulo 65536 (it binds 99999 as 34463)."""
    transport, _, address = endpoint.partition("://")
    port = address.rpartition(":")[2]
    if transport == "tcp" and port.isdigit() and int(port) > TCP_PORT_MAX:
        raise NodeError(f"bad endpoint {endpoint}: port {port} is beyond {TCP_PORT_MAX} (EINVAL)")


def attach(sock, binds: list[str], connects: list[str], default_bind: str | None = None) -> list[str]:
    """Bind and connect one socket; return the endpoints it actually bound."""
    import zmq

    if not binds and not connects:
        if default_bind is None:
            raise UsageError("needs at least one endpoint to connect to (--connect)")
        binds = [default_bind]
    bound = []
    for endpoint in [*binds, *connects]:
        check_endpoint(endpoint)
    for endpoint in binds:
        try:
            sock.bind(endpoint)
        except zmq.ZMQError as exc:
            raise NodeError(f"cannot bind {endpoint}: {zmq.strerror(exc.errno)} ({errno_name(exc)})") from None
        bound.append(sock.getsockopt_string(zmq.LAST_ENDPOINT))
    for endpoint in connects:
        try:
            sock.connect(endpoint)
        except zmq.ZMQError as exc:
            raise NodeError(f"cannot connect {endpoint}: {zmq.strerror(exc.errno)} ({errno_name(exc)})") from None
    return bound


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the parent process exits (NC-7).

    The kernel signals only a parent death that comes after the request, so a parent that died
    before it (between the node's start and this call) is checked for afterwards: the parent is
    gone when ``getppid()`` is no longer :data:`PARENT` (the node was handed to a reaper).
    The node then ends at once, status 0, as on end of input."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != PARENT:
            os._exit(0)


def quit_on_stdin_eof() -> None:
    """For roles that never read stdin: its end-of-file means 'quit now'."""

    def watch() -> None:
        stream = sys.stdin.buffer if sys.stdin else None
        while stream is not None and stream.read1(65536):
            pass
        sys.stdout.flush()
        os._exit(0)

    threading.Thread(target=watch, name="stdin-lifeline", daemon=True).start()


def context(args: argparse.Namespace):
    """The node's ZeroMQ context: sockets linger 1 s on close unless a role says otherwise, and take
    only ZMTP 3 peers unless ``--accept-zmtp2`` was given."""
    import zmq

    ctx = zmq.Context.instance()
    ctx.linger = CLOSE_LINGER_MS
    if not args.accept_zmtp2:
        # A ZAP domain makes libzmq refuse every greeting older than ZMTP 3.0: ZMTP/1.0, which it
        # otherwise assumes for any bytes not starting with 0xFF, and ZMTP/2.0 with it (one switch
        # for both). No ZAP handler runs, so ZMTP 3 peers are accepted (docs/contract.md, "ZMTP 3 only").
        ctx.zap_domain = b"zmqspec"
    return ctx


def run(role: str, body) -> int:
    """Run a role's body with the contract's exit rules.

    The process ends with ``os._exit`` once the context has delivered what
    its sockets still hold (each socket's linger): the stdin lifeline thread
    may be blocked in a read, and must not hold up the interpreter's exit.
    """
    die_with_parent()
    try:
        code = body() or 0
    except NodeError as exc:
        sys.stdout.flush()
        sys.stderr.write(f"zmqspec {role}: error: {exc}\n")
        code = exc.status
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 1
    if "zmq" in sys.modules:
        sys.modules["zmq"].Context.instance().destroy(linger=None)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
