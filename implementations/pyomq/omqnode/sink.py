"""sink: gathers exactly N results on a PULL socket, then publishes KILL on a PUB socket (PP-1, PP-9)."""

import time

import pyomq as zmq

from omqnode import node

KILL = b"KILL"


def main(argv: list[str]) -> int:
    p = node.options("sink", __doc__)
    node.endpoint_options(p, "results", main=True)
    node.endpoint_options(p, "kill")
    return node.run("sink", gather, p.parse_args(argv))


def where(endpoint: str) -> str:
    """What 'STARTING SERVER AT' shows: a tcp port number, or the whole endpoint."""
    return endpoint.rsplit(":", 1)[1] if endpoint.startswith("tcp://") else endpoint


def gather(n: node.Node, args) -> None:
    results, kill = n.socket(zmq.PULL), n.socket(zmq.PUB)
    bound_results = n.attach(results, args.results_bind, args.results_connect)
    bound_kill = n.attach(kill, args.kill_bind, args.kill_connect)
    node.say(f"STARTING SERVER AT {where((bound_results or args.results_connect)[0])}")
    n.ready(results=bound_results, kill=bound_kill)
    while len(first := results.recv()) != 8:
        n.warn(f"ignoring a first message that is not N as 8 bytes: {first[:40]!r}")
    tasks = int.from_bytes(first, "big")
    node.say(f"GATHER {tasks} TASKS.")
    started = time.monotonic()
    for i in range(tasks):
        results.recv()
        node.say(":" if i % 10 == 0 else ".", end="")
    node.say(f"\nELAPSED TIME: {time.monotonic() - started:.2f}")
    kill.send(KILL)
