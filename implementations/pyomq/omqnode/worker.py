"""worker: PULLs workloads, sleeps each, PUSHes a result; the sink's KILL on a SUB ends it (PP-3, PP-9)."""

import time

import pyomq as zmq

from omqnode import node

KILL = b"KILL"


def main(argv: list[str]) -> int:
    p = node.options("worker", __doc__)
    node.endpoint_options(p, "tasks", main=True)
    node.endpoint_options(p, "sink")
    node.endpoint_options(p, "kill")
    p.add_argument("--wait-connected", action="store_true",
                   help="print the ready line only once every connect has completed its handshake")
    return node.run("worker", work, p.parse_args(argv))


def workload_ms(task: bytes) -> int | None:
    text = task.decode("ascii", "replace")
    return int(text) if text.isdecimal() and text.isascii() else None


def await_handshakes(monitor, expected: int) -> None:
    done = 0
    while done < expected:
        done += monitor.recv().get("event") == "handshake_succeeded"


def work(n: node.Node, args) -> int:
    tasks, results = n.socket(zmq.PULL), n.socket(zmq.PUSH)
    kill = None
    if args.kill_bind or args.kill_connect:
        kill = n.socket(zmq.SUB)
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
            signal = kill.recv()
            if signal == KILL:
                return 0
            n.warn(f"ignoring a message on the kill channel that is not KILL: {signal[:40]!r}")
        if tasks in ready:
            task = tasks.recv()
            cost = workload_ms(task)
            if cost is None:
                n.warn(f"skipping a task that is not a workload in ms: {task[:40]!r}")
                continue
            node.say(".", end="")
            time.sleep(cost / 1000)
            results.send(b"")
