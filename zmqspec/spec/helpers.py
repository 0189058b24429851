"""The specification's shared test vocabulary: what more than one test module says the same way.

Each helper is written once here, for every pattern module that needs it:
the wire formats the contract fixes (the sink's count message, the kill
signal, a weather update's seq), a node's own lines without the ready line,
a driver call that must fail with a given errno, and the driver sockets
that stand in for a worker's ventilator, sink and kill channel.
"""

from __future__ import annotations

import pytest

from zmqspec.harness import READY_PREFIX, DriverError

WAIT = 10.0  # seconds: the deadline of anything that is expected to happen (the harness scales it)
KILL = b"KILL"  # the kill message, as the worker and sink roles' contract names it


def count_message(n: int) -> bytes:
    """The sink's first message: the task count N as 8 bytes big-endian (contract, sink)."""
    return n.to_bytes(8, "big")


def seq_of(update: bytes) -> int:
    """The seq field, the fourth, of a weather update ``zipcode temp hum seq``."""
    return int(update.split()[3])


def role_lines(node) -> list[str]:
    """The lines a node printed on stdout, without the harness's ready line."""
    return [line for line in node.lines() if not line.startswith(READY_PREFIX)]


def expect_errno(errno: str, call, *args, **kwargs) -> DriverError:
    """Call a driver method that must fail with ``errno`` (EFSM, EAGAIN...); return the error."""
    with pytest.raises(DriverError) as failure:
        call(*args, **kwargs)
    assert failure.value.errno == errno, f"expected {errno}, the driver said {failure.value}"
    return failure.value


def stand_ins(driver, kill: bool = False):
    """Driver sockets in a worker's ventilator, sink and (optionally) kill channel seats: a PUSH, a
    PULL and an XPUB, each bound. Returns (sockets by seat, endpoints by seat)."""
    seats = {"tasks": driver.socket("PUSH"), "results": driver.socket("PULL")}
    if kill:
        seats["kill"] = driver.socket("XPUB")
    return seats, {name: sock.bind() for name, sock in seats.items()}


def start_worker(nodes, tasks: str, results: str, kill: str | None = None, *more: str,
                 wait_connected: bool = True, ready: bool = True):
    """A worker connected to ``tasks``, ``results`` and, when given, ``kill``, with ``more``
    options; with ``--wait-connected`` unless told otherwise."""
    args = ["--connect", tasks, "--sink-connect", results]
    if kill:
        args += ["--kill-connect", kill]
    args += more
    if wait_connected:
        args.append("--wait-connected")
    return nodes.start("worker", *args, ready=ready)
