"""sink: gathers exactly N results on a PULL socket, then publishes KILL on a PUB socket (PP-1, PP-9).

Malformed input (MI-1, MI-2, MI-5) is skipped with one line on stderr: a first
message that is not one frame of 8 bytes (the sink waits on for N), a result of
several frames (not counted). Results over 64 KiB never reach it: pyomq drops
the peer that sends one (ZMQ_MAXMSGSIZE).
"""

import time

import pyomq as zmq

from omqnode import node

KILL = b"KILL"
COUNT_BYTES = 8
MAX_RESULT_BYTES = 64 * 1024


def main(argv: list[str]) -> int:
    p = node.options("sink", __doc__)
    node.endpoint_options(p, "results", main=True)
    node.endpoint_options(p, "kill")
    return node.run("sink", gather, p.parse_args(argv))


def where(endpoint: str) -> str:
    """What 'STARTING SERVER AT' shows: a tcp port number, or the whole endpoint."""
    return endpoint.rsplit(":", 1)[1] if endpoint.startswith("tcp://") else endpoint


def task_count(n: node.Node, results) -> int:
    while (first := n.one_frame(results, "N")) is None or len(first) != COUNT_BYTES:
        if first is not None:
            n.warn(f"ignoring a first message that is not N as {COUNT_BYTES} bytes: {node.excerpt(first)}")
    return int.from_bytes(first, "big")


def gather(n: node.Node, args) -> None:
    results, kill = n.socket(zmq.PULL, max_message=MAX_RESULT_BYTES), n.socket(zmq.PUB)
    bound_results = n.attach(results, args.results_bind, args.results_connect)
    bound_kill = n.attach(kill, args.kill_bind, args.kill_connect)
    node.say(f"STARTING SERVER AT {where((bound_results or args.results_connect)[0])}")
    n.ready(results=bound_results, kill=bound_kill)
    tasks = task_count(n, results)
    node.say(f"GATHER {tasks} TASKS.")
    started = time.monotonic()
    gathered = 0
    while gathered < tasks:
        if n.one_frame(results, "a result") is not None:
            node.say(":" if gathered % 10 == 0 else ".", end="")
            gathered += 1
    node.say(f"\nELAPSED TIME: {time.monotonic() - started:.2f}")
    kill.send(KILL)
