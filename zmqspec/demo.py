"""``python -m zmqspec demo {reqrep,pubsub,pipeline}``: the seed's scenarios, live.

Starts the nodes of one of the seed article's scenarios on free loopback
ports, drives them the way the article does, and prints each node's output
as it comes, every line prefixed with the node's label (lines from the
demo itself are labelled ``demo``). Each scenario starts with a small
diagram of the pattern's sockets and message flow (:data:`DIAGRAMS`, also
in docs/patterns.md). Every node is stopped at the end.

  reqrep    1 req-client and 3 rep-servers; the client types a few lines,
            then 'bye': the servers answer in turn (RR-1, RR-2, RR-4)
  pubsub    weather-pub and weather-sub averaging 50 updates for 10001 (PS-6)
  pipeline  sink, ventilator and 7 workers with the kill signal, 70 tasks of
            1..99 ms: the batch takes about the total cost / 7 (PP-1, PP-2,
            PP-3, PP-6, PP-9)
"""

from __future__ import annotations

import re
import sys
import threading
import time

from zmqspec import cli
from zmqspec.harness import READY_PREFIX, ManifestError, Node, NodeFailure, Nodes, load_manifest, reference, scaled

LABEL_WIDTH = 11
QUIET = 60.0  # a follower re-arms its wait after this long without a line
REPLY = re.compile(r"^RECEIVED: (.*) FROM (.*)$", re.MULTILINE)


class Show:
    """Where the demo's lines go: one line at a time, each with its label."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.lock = threading.Lock()
        self.followers: dict[str, Follower] = {}

    def line(self, label: str, text: str) -> None:
        with self.lock:
            self.out.write(f"{label:>{LABEL_WIDTH}} | {text}\n")
            self.out.flush()

    def say(self, text: str) -> None:
        self.line("demo", text)

    def follow(self, node: Node) -> None:
        self.followers[node.label] = Follower(node, self)
        self.settle(node)

    def settle(self, *nodes: Node, timeout: float = 10.0) -> None:
        """Wait until the lines these nodes (default: all) have printed so far are shown."""
        chosen = nodes or [follower.node for follower in self.followers.values()]
        for node in chosen:
            self.followers[node.label].catch_up(timeout)

    def finish(self, node: Node, timeout: float = 10.0) -> None:
        """After ``node`` has ended: wait until all of its output is shown."""
        self.followers[node.label].thread.join(scaled(timeout))

    def close(self) -> None:
        for follower in self.followers.values():
            follower.thread.join(scaled(10.0))


class Follower:
    """Shows one node's stdout, line by line, as the node prints it; the rest when it ends."""

    def __init__(self, node: Node, show: Show):
        self.node, self.show = node, show
        self.shown = 0  # characters of the node's stdout already shown
        self.progress = threading.Condition()
        self.thread = threading.Thread(target=self.run, name=f"follow {node.label}", daemon=True)
        self.thread.start()

    def emit(self, text: str) -> None:
        for line in text.splitlines():
            if not line.startswith(READY_PREFIX):
                self.show.line(self.node.label, line)

    def advance(self, to: int) -> None:
        with self.progress:
            self.shown = to
            self.progress.notify_all()

    def run(self) -> None:
        def more(out: str):
            return out if out.rfind("\n") + 1 > self.shown else None

        try:
            while True:
                try:
                    text = self.node.wait_until(more, QUIET, "another line")
                except NodeFailure:
                    if self.node.running:
                        continue  # quiet for a while, not ended
                    self.node.wait_exit()  # every byte it wrote has been read
                    break
                end = text.rfind("\n") + 1
                self.emit(text[self.shown:end])
                self.advance(end)
            text = self.node.stdout
            self.emit(text[self.shown:])
            self.advance(len(text))
        finally:
            with self.progress:
                self.progress.notify_all()

    def catch_up(self, timeout: float) -> None:
        target = self.node.stdout.rfind("\n") + 1
        deadline = time.monotonic() + scaled(timeout)
        with self.progress:
            while self.shown < target and self.thread.is_alive():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return  # only the order of the lines suffers
                self.progress.wait(remaining)


def start(nodes: Nodes, show: Show, role: str, *args: str, label: str) -> Node:
    node = nodes.start(role, *args, label=label)
    show.follow(node)
    bound = ", ".join(f"{socket} at {' '.join(where)}" for socket, where in node.endpoints.items() if where)
    show.say(f"started {label}" + (f" ({bound})" if bound else ""))
    return node


# -- the scenarios -------------------------------------------------------------

# Each pattern's sockets and message flow, printed before its scenario runs; docs/patterns.md shows the
# same (tests/test_kinds_and_diagrams.py keeps the two in step).
DIAGRAMS = {
    "reqrep": r"""
REQ-REP: the echo servers and the alternating client (RR-1, RR-2, RR-4)

                                connect     bind
                             +----------> [REP] rep-server A
  stdin --> req-client [REQ] +----------> [REP] rep-server B
                             +----------> [REP] rep-server C

  request n goes to the next server in turn (A, B, C, A, ...); the client
  waits for that server's reply "{name},{m}" before it sends request n+1.
""",
    "pubsub": r"""
PUB-SUB: the weather station (PS-1 .. PS-6, PS-10)

            bind                      connect
  weather-pub [PUB] ---- update ----> [SUB] weather-sub  subscribed to "10001"
                    \--- update ----> [SUB] another sub  subscribed to ""

  "zipcode temp hum seq", one way only: each subscriber gets every update
  that starts with one of its subscriptions; nothing comes back; updates
  sent before a subscriber has joined are lost to it.
""",
    "pipeline": r"""
PUSH-PULL: ventilator, workers, sink, and the kill signal (PP-1 .. PP-9)

               bind         connect
  ventilator [PUSH] --task--> [PULL] worker 1 [PUSH] --result--> [PULL] sink
             [PUSH] --task--> [PULL] worker 2 [PUSH] --result--> (bind)  [PUB]
      |      (round-robin)       [SUB] <------------ KILL ----------------+
      |                           (each worker)
      +--[PUSH] --- N, the task count, first -------------------> [PULL] sink

  tasks are dealt in turn to the connected workers; the sink fair-queues the
  results, counts exactly N, then publishes KILL and every worker exits.
""",
}


def draw(show: Show, scenario: str) -> None:
    for line in DIAGRAMS[scenario].strip("\n").splitlines():
        show.say(line)


def reqrep(nodes: Nodes, show: Show, args) -> None:
    show.say(f"REQ-REP: one req-client connected to {args.servers} rep-servers sends each line it reads "
             "to the servers in turn")
    names = [chr(ord("A") + i) for i in range(args.servers)]
    servers = [start(nodes, show, "rep-server", "--name", name, label=f"server {name}") for name in names]
    connects = [arg for server in servers for arg in ("--connect", server.endpoint("rep"))]
    client = start(nodes, show, "req-client", *connects, label="client")
    for count, line in enumerate([*args.say, "bye"], start=1):
        show.say(f"typing {line!r} into the client")
        client.send_line(line)
        client.wait_until(lambda out: len(REPLY.findall(out)) >= count, args.timeout, f"the reply to {line!r}")
        show.settle()
    status = client.wait_exit(args.timeout)
    show.finish(client)
    served = [name for _, name in REPLY.findall(client.output)]
    show.say(f"client exited with status {status} after the reply to 'bye'; servers answered in the order "
             f"{' '.join(served)}")


def pubsub(nodes: Nodes, show: Show, args) -> None:
    show.say(f"PUB-SUB: weather-pub publishes as fast as it can; weather-sub subscribes to {args.filter!r} and "
             "averages the temperature of 50 updates")
    seed_range = (args.zip_min, args.zip_max) == (1, 99999)
    show.say(f"note: the publisher draws zipcodes from {args.zip_min}..{args.zip_max}"
             + (" as in the seed" if seed_range else
                " only (the seed: 1..99999), so the 50 updates arrive in seconds; "
                "--zip-min 1 --zip-max 99999 gives the seed's range"))
    publisher = start(nodes, show, "weather-pub", "--zip-min", str(args.zip_min), "--zip-max", str(args.zip_max),
                      label="weather-pub")
    subscriber = start(nodes, show, "weather-sub", "--connect", publisher.endpoint("pub"), "--filter", args.filter,
                       label="weather-sub")
    status = subscriber.wait_exit(args.timeout)
    show.finish(subscriber)
    temperatures = [int(fields[1]) for fields in
                    (line.split() for line in re.findall(r"^RECEIVED: (.*)$", subscriber.output, re.MULTILINE))]
    mean = sum(temperatures) / len(temperatures) if temperatures else float("nan")
    show.say(f"weather-sub exited with status {status}; the mean of the {len(temperatures)} temperatures it "
             f"printed is {mean:+.2f}")


def pipeline(nodes: Nodes, show: Show, args) -> None:
    show.say(f"PUSH-PULL: the ventilator deals {args.tasks} workloads of {args.cost_min}..{args.cost_max} ms to "
             f"{args.workers} workers; the sink gathers the results, then publishes the kill signal")
    sink = start(nodes, show, "sink", label="sink")
    ventilator = start(nodes, show, "ventilator", "--tasks", str(args.tasks), "--cost-min", str(args.cost_min),
                       "--cost-max", str(args.cost_max), "--sink-connect", sink.endpoint("results"),
                       label="ventilator")
    crew = [
        start(nodes, show, "worker", "--connect", ventilator.endpoint("tasks"), "--sink-connect",
              sink.endpoint("results"), "--kill-connect", sink.endpoint("kill"), "--wait-connected",
              label=f"worker {i}")
        for i in range(1, args.workers + 1)
    ]
    show.say("every worker is connected: pressing ENTER at the ventilator")
    pressed = time.monotonic()
    ventilator.send_line("")
    cost = int(ventilator.wait_for(r"^TOTAL EXPECTED COST: (\d+)$", args.timeout)[1])
    status = sink.wait_exit(args.timeout)
    batch = time.monotonic() - pressed
    show.finish(sink)
    elapsed = float(sink.wait_for(r"^ELAPSED TIME: (\d+\.\d+)$", args.timeout)[1])
    show.say(f"sink exited with status {status}. ELAPSED TIME {elapsed:.2f} s vs TOTAL EXPECTED COST / "
             f"{args.workers} = {cost} ms / {args.workers} = {cost / 1000 / args.workers:.2f} s")
    show.say(f"(the sink's clock starts when it hears N, before the workers start; from ENTER to the "
             f"sink's exit took {batch:.2f} s)")
    for worker in crew:
        code = worker.wait_exit(args.timeout)
        show.finish(worker)
        show.say(f"{worker.label} exited with status {code} on KILL after {worker.output.count('.')} tasks")
    show.say("pressing ENTER at the ventilator to let it quit")
    ventilator.send_line("")
    code = ventilator.wait_exit(args.timeout)
    show.finish(ventilator)
    show.say(f"ventilator exited with status {code}")


SCENARIOS = {"reqrep": reqrep, "pubsub": pubsub, "pipeline": pipeline}


def parse_args(argv: list[str]):
    p = cli.parser("zmqspec demo", __doc__)
    count = cli.positive_int
    p.add_argument("scenario", choices=SCENARIOS, help="which of the seed's scenarios to run")
    p.add_argument("--impl", metavar="MANIFEST", help="run the nodes of this implementation (default: the reference)")
    p.add_argument("--timeout", metavar="SECONDS", type=float, default=60.0,
                   help="longest wait for any one step (default 60)")
    group = p.add_argument_group("reqrep")
    group.add_argument("--servers", metavar="N", type=count, default=3, help="how many rep-servers (default 3)")
    group.add_argument("--say", metavar="LINE", action="append",
                       help="a line to type into the client before 'bye' (repeatable; default 4 lines)")
    group = p.add_argument_group("pubsub")
    group.add_argument("--filter", metavar="PREFIX", default="10001",
                       help="the subscriber's zipcode prefix (default 10001)")
    group.add_argument("--zip-min", metavar="ZIP", type=int, default=10000,
                       help="smallest zipcode published (default 10000; the seed: 1)")
    group.add_argument("--zip-max", metavar="ZIP", type=int, default=10009,
                       help="largest zipcode published (default 10009; the seed: 99999)")
    group = p.add_argument_group("pipeline")
    group.add_argument("--tasks", metavar="N", type=count, default=70, help="how many tasks (default 70)")
    group.add_argument("--workers", metavar="N", type=count, default=7,
                       help="how many workers (default 7, as in the seed)")
    group.add_argument("--cost-min", metavar="MS", type=cli.non_negative_int, default=1,
                       help="smallest workload in ms (default 1)")
    group.add_argument("--cost-max", metavar="MS", type=cli.non_negative_int, default=99,
                       help="largest workload in ms (default 99)")
    args = p.parse_args(argv)
    args.say = args.say or ["hello", "world", "how are you?", "zeromq"]
    if args.servers > 26:
        p.error("--servers: at most 26 (the servers are named A to Z)")
    if not 1 <= args.zip_min <= args.zip_max <= 99999:
        p.error("need 1 <= --zip-min <= --zip-max <= 99999")
    if not any(f"{zipcode:05d}".startswith(args.filter) for zipcode in range(args.zip_min, args.zip_max + 1)):
        p.error(f"no zipcode in {args.zip_min}..{args.zip_max} starts with {args.filter!r}: "
                "the subscriber would wait forever")
    if args.cost_min > args.cost_max:
        p.error("--cost-min is larger than --cost-max")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        implementation = load_manifest(args.impl) if args.impl else reference()
    except ManifestError as exc:
        sys.stderr.write(f"zmqspec demo: error: {exc}\n")
        return 2
    nodes, show = Nodes(implementation), Show()
    try:
        draw(show, args.scenario)
        SCENARIOS[args.scenario](nodes, show, args)
    except NodeFailure as exc:
        show.say(f"FAILED: {str(exc).splitlines()[0]}")
        sys.stderr.write(f"zmqspec demo: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        nodes.stop_all()
        show.close()
    show.say(f"done: all {len(nodes.started)} nodes have ended")
    return 0
