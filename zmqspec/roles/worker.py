"""worker: the seed's worker, with the kill signal (catalogue PP-3, PP-9).

Connects PULL to the ventilator and PUSH to the sink. For each task it
prints ``.``, sleeps the workload in milliseconds, and pushes an empty
result to the sink. With ``--kill-connect`` it also subscribes to the sink's
kill channel and waits on both sockets at once (a poller): the message
``KILL`` ends it with status 0, between tasks or while idle. With
``--wait-connected`` its ready line comes only once every connection is
made, so tasks dealt and a kill published after that reach it. A connection
is made when libzmq reports its ZMTP handshake; libzmq reports none for a
ZMTP/2.0 peer, so with ``--accept-zmtp2`` a socket's connections count as
made half a second after the last of them is TCP-connected, unless their
handshakes are all reported sooner.

Malformed input is skipped with one line on stderr, and the worker goes on:
a task that is not one frame of decimal digits worth 0..60000 ms (no
result is pushed for it), a kill-channel message other than the one frame
``KILL``. Its receiving sockets refuse messages over 64 KiB (ZMQ_MAXMSGSIZE:
the library drops the sender's connection; the worker never sees them).
"""

from __future__ import annotations

import time

from zmqspec.contract import MAX_WORKLOAD_MS  # a task asking for more is malformed
from zmqspec.roles import _kit

ROLE = "worker"
KILL = b"KILL"
MAX_MESSAGE_BYTES = 64 * 1024  # ZMQ_MAXMSGSIZE of the task and kill sockets
SHOWN_BYTES = 40
BATCH = 1000  # zero-cost tasks whose marks are written at once
ZMTP2_GRACE_S = 0.5  # with --accept-zmtp2: how long a connected peer has to report a ZMTP 3 handshake


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: work(args))


def await_handshakes(monitor, expected: int, zmtp2: bool) -> None:
    """Block until `expected` ZMTP handshakes have been reported on `monitor`; with `zmtp2`, until
    `expected` connects were reported and then either their handshakes or ZMTP2_GRACE_S passed."""
    import zmq
    from zmq.utils.monitor import recv_monitor_message

    connected = handshakes = 0
    grace_ends = None
    while handshakes < expected:
        if zmtp2 and connected >= expected:
            grace_ends = grace_ends or time.monotonic() + ZMTP2_GRACE_S
            if not monitor.poll(max(0.0, grace_ends - time.monotonic()) * 1000):
                return
        event = recv_monitor_message(monitor)["event"]
        connected += event == zmq.EVENT_CONNECTED
        handshakes += event == zmq.EVENT_HANDSHAKE_SUCCEEDED


def shown(data: bytes) -> str:
    """Bytes as a stderr line shows them: the first few, and the size when cut."""
    if len(data) <= SHOWN_BYTES:
        return repr(data)
    return f"{data[:SHOWN_BYTES]!r}... ({len(data)} bytes)"


def workload_ms(task: bytes) -> int | None:
    """The workload a task asks for: decimal digits (ASCII) worth 0..MAX_WORKLOAD_MS; None if malformed."""
    if task == b"0":  # the zero-cost task, by far the most frequent under load
        return 0
    if not task.isdigit():
        return None
    significant = task.lstrip(b"0")
    if len(significant) > len(str(MAX_WORKLOAD_MS)):
        return None
    value = int(significant or b"0")
    return value if value <= MAX_WORKLOAD_MS else None


def work(args) -> int:
    import zmq

    ctx = _kit.context(args)
    tasks = ctx.socket(zmq.PULL)
    results = ctx.socket(zmq.PUSH)
    kill = ctx.socket(zmq.SUB)
    kill.subscribe(b"")
    tasks.maxmsgsize = kill.maxmsgsize = MAX_MESSAGE_BYTES
    sockets = [
        (tasks, args.bind, args.connect),
        (results, args.sink_bind, args.sink_connect),
        (kill, args.kill_bind, args.kill_connect),
    ]
    events = zmq.EVENT_CONNECTED | zmq.EVENT_HANDSHAKE_SUCCEEDED
    monitors = [sock.get_monitor_socket(events) if args.wait_connected else None for sock, _, _ in sockets]
    bound_tasks, bound_results, bound_kill = (
        _kit.attach(sock, binds, connects) if binds or connects else [] for sock, binds, connects in sockets
    )
    for (sock, _, connects), monitor in zip(sockets, monitors):
        if monitor is not None:
            await_handshakes(monitor, len(connects), args.accept_zmtp2)
            sock.disable_monitor()
            monitor.close(linger=0)
    _kit.ready(tasks=bound_tasks, sink=bound_results, kill=bound_kill)
    _kit.quit_on_stdin_eof()
    poller = zmq.Poller()
    poller.register(tasks, zmq.POLLIN)
    poller.register(kill, zmq.POLLIN)
    while True:
        poller.poll()
        if work_queued_tasks(tasks, results, kill):
            return 0


def killed(kill) -> bool:
    """Read the kill channel without waiting; True once ``KILL`` has arrived."""
    import zmq

    while kill.get(zmq.EVENTS) & zmq.POLLIN:
        signal = kill.recv_multipart()
        if signal == [KILL]:
            return True
        if len(signal) > 1:
            _kit.warn(ROLE, f"ignoring a control message of {len(signal)} frames (the kill signal is one frame)")
        else:
            _kit.warn(ROLE, f"ignoring unknown control message {shown(signal[0])}")
    return False


def work_queued_tasks(tasks, results, kill) -> bool:
    """Do every task already queued, checking the kill channel before each task that sleeps and
    before each batch of zero-cost ones; True when killed.

    Zero-cost tasks are finished in batches: their marks are written together,
    then their results sent, once the queue is empty (or before a task that
    sleeps, or every BATCH tasks). A task's mark is always out before its
    result, as it is in the seed; batching only saves a write per task."""
    import zmq

    done = 0  # zero-cost tasks done whose marks and results are not out yet

    def finish() -> None:
        nonlocal done
        if done:
            _kit.say("." * done, end="")
            for _ in range(done):
                results.send(b"")
            done = 0

    try:
        while done or not killed(kill):
            try:
                task = tasks.recv(zmq.NOBLOCK)
            except zmq.Again:
                return False
            if tasks.get(zmq.RCVMORE):  # get(), not the attribute: this runs once per task
                frames = 1 + len(tasks.recv_multipart())
                _kit.warn(ROLE, f"skipping a task of {frames} frames (a task is one frame)")
                continue
            cost = workload_ms(task)
            if cost is None:
                _kit.warn(ROLE, f"skipping a task that is not a workload of 0..{MAX_WORKLOAD_MS} ms "
                                 f"in decimal digits: {shown(task)}")
                continue
            if cost:
                finish()
                if killed(kill):
                    return True
                _kit.say(".", end="")
                time.sleep(cost * 0.001)
                results.send(b"")
            else:
                done += 1
                if done == BATCH:
                    finish()
        return True
    finally:
        finish()
