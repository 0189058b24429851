"""The specification's shared test vocabulary: what more than one test module says the same way.

Each helper is written once here, for every pattern module that needs it:
the wire formats the contract fixes (the sink's count message, the kill
signal, a weather update's seq), a node's own lines without the ready line,
a driver call that must fail with a given errno, a libzmq-only option set or judged non-strict, and the driver sockets
that stand in for a worker's ventilator, sink and kill channel.
"""

from __future__ import annotations

import re

import psutil
import pytest

from zmqspec.conformance.shoulds import should
from zmqspec.harness import READY_PREFIX, Deadline, DeadlinePassed, DriverError, NodeFailure, require_transport

WAIT = 10.0  # seconds: the deadline of anything that is expected to happen (the harness scales it)
KILL = b"KILL"  # the kill message, as the worker and sink roles' contract names it


def count_message(n: int) -> bytes:
    """The sink's first message: the task count N as 8 bytes big-endian (contract, sink)."""
    return n.to_bytes(8, "big")


def seq_of(update: bytes) -> int:
    """The seq field, the fourth, of a weather update ``zipcode temp hum seq``."""
    return int(update.split()[3])


def sink_marks(n: int) -> str:
    """The sink's progress marks for n results: ':' for every tenth (the 1st, 11th...), '.' else."""
    return "".join(":" if i % 10 == 0 else "." for i in range(n))


def assert_sink_marked(sink, n: int) -> None:
    """The sink's output has exactly n marks, in the contract's pattern, right before ELAPSED TIME;
    the count and the pattern are told apart in the message."""
    output = sink.output
    match = re.search(r"TASKS\.\n(.*)\nELAPSED TIME: ", output, re.DOTALL)
    assert match, f"{sink.name} printed no marks line between 'GATHER N TASKS.' and 'ELAPSED TIME': {output!r}"
    marks = match.group(1)
    assert len(marks) == n, f"{sink.name} printed {len(marks)} marks {marks!r} for {n} results"
    assert marks == sink_marks(n), f"{sink.name} marked {n} results as {marks!r}, not {sink_marks(n)!r}"


def marks_so_far(output: str) -> str:
    """The sink's marks printed so far: what follows its 'GATHER N TASKS.' line, up to the next
    newline (the marks line is whole only once 'ELAPSED TIME' follows it)."""
    after = output.split("TASKS.\n", 1)[1] if "TASKS.\n" in output else ""
    return after.split("\n", 1)[0]


def spare_result(driver, sink):
    """A driver PUSH connected to the sink's results socket, for ``batch_end``'s one result more."""
    spare = driver.socket("PUSH")
    spare.connect(sink.endpoint("results"))
    return spare


def batch_end(sink, tasks: int, spare, timeout: float = WAIT) -> int:
    """The sink's exit status once its batch of ``tasks`` results is in, within ``timeout`` seconds.

    The moment the sink has marked ``tasks`` results, ``spare`` (``spare_result``) sends it one
    result more. A sink that ends after the N-th result never takes it; a sink that waits for more
    counts it, and the wait fails the moment its line of N + 1 marks is whole (``WrongLine``), where
    a sink waiting for a result that never comes could only be seen still running at the deadline.
    A sink that ends before N marks returns its status here (the test's own checks say what it
    marked); one still running at the deadline fails with the marks it printed ("still running":
    what was seen)."""
    deadline = Deadline(timeout)
    stalled = False
    try:
        sink.wait_until(lambda out: len(marks_so_far(out)) >= tasks, timeout, f"{tasks} marks, one per result")
    except DeadlinePassed:
        stalled = True
    except NodeFailure:
        pass  # it ended before N marks: wait_exit gives its status, the test's checks its marks
    else:
        spare.send(b"")
    if stalled:
        marks = marks_so_far(sink.stdout)
        raise NodeFailure(f"{sink.name} was still running {deadline.seconds:.1f} s into a batch of {tasks}, "
                          f"having marked {len(marks)} results\n{sink.describe()}")
    return sink.wait_exit(deadline.remaining() / Deadline.scale(), never=[more_marks_than(tasks)])


def more_marks_than(tasks: int):
    """A line check for the sink's marks line: more than ``tasks`` marks must never appear."""

    def check(line: str) -> str | None:
        if len(line) > tasks and set(line) <= {":", "."}:
            return f"{len(line)} marks for a batch of {tasks}: it counted a result after the N-th"
        return None

    return check


def recv_result(seat, what: str) -> list[bytes]:
    """A result from a PULL stand-in, within WAIT; a DriverError carries ``what``."""
    try:
        return seat.recv(WAIT)
    except DriverError as exc:
        raise AssertionError(f"{what}: no result arrived ({exc})") from None


def next_within(sock, timeout: float) -> list[bytes] | None:
    """The next message on a driver socket within ``timeout`` seconds, or None: a receive with a
    deadline, so "did something arrive within t" needs no ``poll`` from the driver."""
    try:
        return sock.recv(timeout=timeout)
    except DriverError as exc:
        if exc.errno == "EAGAIN":
            return None
        raise


def publish_until_through(pub, sub, message, what: str) -> list[bytes]:
    """Publish ``message(n)`` (str or bytes) on ``pub`` for n = 0, 1, ... until ``sub`` receives
    one within 0.2 s, and return it: the proof that the subscription has reached the publisher (a
    SUB's or XSUB's subscription travels upstream after its connect: RFC 29's late joiner). Fails
    saying ``what`` did not happen after WAIT seconds (scaled), at once on an errno other than EAGAIN."""
    deadline = Deadline(WAIT)
    n = 0
    while True:
        pub.send(message(n))
        got = next_within(sub, 0.2)
        if got is not None:
            return got
        n += 1
        assert not deadline.passed(), f"{what}: none of {n} messages published in {deadline.seconds:.0f} s arrived"


def _polls(driver) -> bool:
    return driver.knows("poll")


def arrivals(driver, socks, timeout: float) -> dict:
    """What arrived on any of ``socks`` (driver sockets of ``driver``) within ``timeout`` seconds:
    {socket: first message}, empty when nothing did. Uses the driver's ``poll`` when it has one;
    a driver that lacks it (not listed, or ENOTSUP) is asked with receives with short deadlines,
    in turn, until the deadline: only the ids about poll may fail for lack of poll."""
    if _polls(driver):
        try:
            ready = driver.poll({sock: ("in",) for sock in socks}, timeout=timeout)
        except DriverError as exc:
            if exc.errno != "ENOTSUP":
                raise
        else:
            return {sock: sock.recv(WAIT) for sock in ready}
    deadline = Deadline(timeout)
    while True:
        slice_ = min(0.05, deadline.remaining() / max(1, len(socks)) / Deadline.scale())
        got = {sock: frames for sock in socks if (frames := next_within(sock, slice_)) is not None}
        if got or deadline.passed():
            return got


def call_into(driver, sock) -> None:
    """Call into a driver socket without taking anything from it (libzmq does a socket's pending
    work, such as sending held-back subscriptions, only when its application calls into it): a
    ``poll`` with a short deadline, or, for a driver without one, a receive with a short deadline,
    which finds nothing (the caller has nothing sent to it)."""
    if _polls(driver):
        try:
            driver.poll({sock: ("in",)}, timeout=0.2)
            return
        except DriverError as exc:
            if exc.errno != "ENOTSUP":
                raise
    next_within(sock, 0.2)


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


def libzmq_option(sock, option: str, value) -> bool:
    """Set ``option`` to ``value`` on the driver socket ``sock``; True when it was set. A driver that
    refuses it (EINVAL) makes the test non-strict and gets False: the option is libzmq's, not every
    stack has it. Any other error is raised."""
    try:
        sock.set(option, value)
    except DriverError as exc:
        if exc.errno != "EINVAL":
            raise
        should(False, f"the driver refused the option {option} (EINVAL): libzmq has it")
        return False
    return True


def need_inproc(driver) -> None:
    """Skip the test when ``driver`` does not list inproc in its hello: docs/contract.md leaves every
    transport but tcp optional (harness.require_transport), so a test that uses inproc only to keep its
    sockets in one process does not judge a stack without it."""
    require_transport("inproc", driver.hello().get("transports"), "the driver")


def inet_connections(pid: int, kind: str = "inet") -> list:
    """psutil's connections of ``kind`` ("inet", "tcp", ...) of a node's process and all its
    descendants (a node may run its sockets in a child: a JVM launcher, a shell)."""
    root = psutil.Process(pid)
    found = []
    for process in [root, *root.children(recursive=True)]:
        connections = getattr(process, "net_connections", None) or process.connections
        found += connections(kind=kind)
    return found
