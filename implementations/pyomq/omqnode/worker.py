"""worker: PULLs workloads, sleeps each, PUSHes a result; the sink's KILL on a SUB ends it (PP-3, PP-9).

Malformed input (MI-3, MI-4, MI-5) is skipped with one line on stderr: a task
that is not one frame of ASCII decimal digits worth 0..60000 ms (no mark, no
sleep, no result), and on the kill channel anything but the one frame KILL.
Tasks and kill messages over 64 KiB never reach it: pyomq drops the peer that
sends one (ZMQ_MAXMSGSIZE).
"""

import time

import pyomq as zmq

from omqnode import node

KILL = b"KILL"
MAX_WORKLOAD_MS = 60_000  # more is a malformed task, not a reason to sleep for hours
MAX_MESSAGE_BYTES = 64 * 1024  # the most a task or a kill message may hold


def main(argv: list[str]) -> int:
    p = node.options("worker", __doc__)
    node.endpoint_options(p, "tasks", main=True)
    node.endpoint_options(p, "sink")
    node.endpoint_options(p, "kill")
    p.add_argument("--wait-connected", action="store_true",
                   help="print the ready line only once every connect has completed its handshake")
    args = p.parse_args(argv)
    node.need_endpoints(p, args, ("tasks", "--connect"), ("sink", "--sink-connect"))
    return node.run("worker", work, args)


def workload_ms(task: bytes) -> int | None:
    """The milliseconds a task asks for, or None when it is not ASCII digits worth 0..MAX_WORKLOAD_MS."""
    if not task.isdigit():  # bytes.isdigit: ASCII digits only, and at least one
        return None
    digits = task.lstrip(b"0") or b"0"
    if len(digits) > len(str(MAX_WORKLOAD_MS)):  # before int(): a 64 KiB number is no workload either
        return None
    value = int(digits)
    return value if value <= MAX_WORKLOAD_MS else None


def await_handshakes(monitor, expected: int) -> None:
    done = 0
    while done < expected:
        done += monitor.recv().get("event") == "handshake_succeeded"


def work(n: node.Node, args) -> int:
    tasks, results = n.socket(zmq.PULL, max_message=MAX_MESSAGE_BYTES), n.socket(zmq.PUSH)
    kill = None
    if args.kill_bind or args.kill_connect:
        kill = n.socket(zmq.SUB, max_message=MAX_MESSAGE_BYTES)
        kill.subscribe(b"")
    wiring = [(tasks, args.tasks_bind, args.tasks_connect), (results, args.sink_bind, args.sink_connect),
              (kill, args.kill_bind, args.kill_connect)]
    monitors = []
    if args.wait_connected:  # pyomq's monitor: a blocking queue of event dicts, opened before connecting
        monitors = [(sock.monitor(), len(connects)) for sock, _, connects in wiring if sock is not None and connects]
    bound = [n.attach(sock, binds, connects) if sock is not None else [] for sock, binds, connects in wiring]
    for monitor, expected in monitors:
        await_handshakes(monitor, expected)
    n.ready(tasks=bound[0], sink=bound[1], kill=bound[2])

    poller = zmq.Poller()
    for sock in (tasks, kill):
        if sock is not None:
            poller.register(sock, zmq.POLLIN)
    while True:
        ready = dict(poller.poll())
        if kill in ready:
            signal = n.one_frame(kill, "the kill signal")
            if signal == KILL:
                return 0
            if signal is not None:
                n.warn(f"ignoring a message on the kill channel that is not KILL: {node.excerpt(signal)}")
        if tasks in ready:
            task = n.one_frame(tasks, "a task")
            if task is None:
                continue
            cost = workload_ms(task)
            if cost is None:
                n.warn(f"skipping a task that is not a workload of 0..{MAX_WORKLOAD_MS} ms in decimal digits: "
                       f"{node.excerpt(task)}")
                continue
            node.say(".", end="")
            time.sleep(cost / 1000)
            results.send(b"")
