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
  gateway   1 req-client, a gateway and 3 rep-servers behind it: every reply
            comes back through the gateway, from the servers in turn (RR-7)
  pipeline  sink, ventilator and 7 workers with the kill signal, 70 tasks of
            1..99 ms: the batch takes about the total cost / 7 (PP-1, PP-2,
            PP-3, PP-6, PP-9)

Mixed stacks: ``--cast ROLE=MANIFEST[,MANIFEST...]`` runs that role from
other implementations (several manifests take turns, e.g. one worker from
each), so one scenario can draw its nodes from several ZeroMQ stacks; the
word ``reference`` names the reference nodes. The demo exits 1 when the
scenario does not come out as the catalogue says.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter

from zmqspec import cli
from zmqspec.contract import ROLES
from zmqspec.harness import (
    READY_PREFIX, Implementation, ManifestError, Node, NodeFailure, Nodes, ToolchainMissing, load_manifest,
    reference, scaled,
)

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


class Cast:
    """Who plays each role: the default implementation, or the ones ``--cast`` names for it, in turn."""

    def __init__(self, default: Implementation, chosen: dict[str, list[Implementation]] | None = None):
        self.default = default
        self.chosen = chosen or {}
        self.scenes: dict[str, Nodes] = {}
        self.turns: Counter[str] = Counter()

    def nodes_for(self, role: str) -> Nodes:
        choices = self.chosen.get(role) or [self.default]
        implementation = choices[self.turns[role] % len(choices)]
        self.turns[role] += 1
        if implementation.name not in self.scenes:
            self.scenes[implementation.name] = Nodes(implementation)
        return self.scenes[implementation.name]

    def implementations(self) -> list[Implementation]:
        return [self.default, *(impl for impls in self.chosen.values() for impl in impls)]

    @property
    def started(self) -> list[Node]:
        return [node for scene in self.scenes.values() for node in scene.started]

    def stop_all(self) -> None:
        for scene in self.scenes.values():
            scene.stop_all()


def check(condition: bool, what: str) -> None:
    """A scenario's outcome that the catalogue fixes; the demo fails (exit 1) when it does not hold."""
    if not condition:
        raise NodeFailure(what)


def start(cast: Cast, show: Show, role: str, *args: str, label: str) -> Node:
    scene = cast.nodes_for(role)
    if cast.chosen:  # several stacks: each line says which one printed it
        label = f"{label} [{scene.implementation.name}]"
    node = scene.start(role, *args, label=label)
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
    "gateway": r"""
REQ-REP through a gateway (RR-7, RR-2)

                       bind                   connect     bind
  req-client [REQ] ---> [REP] gateway [REQ] +---------> [REP] rep-server A
               connect   frontend   backend +---------> [REP] rep-server B
                                            +---------> [REP] rep-server C

  the gateway takes a request on its REP, forwards it on its REQ (to the
  next server in turn), and relays the reply back: the client cannot tell.
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


def reqrep(nodes: Cast, show: Show, args) -> None:
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
    turns = [names[i % len(names)] for i in range(len(served))]
    check(status == 0, f"the client should exit 0 after 'bye', it exited {status}")
    check(sorted(served[:len(names)]) == names and all(a == b for a, b in zip(served, served[len(names):])),
          f"the servers should answer in turn (RR-2), e.g. {' '.join(turns)}; they answered {' '.join(served)}")


def gateway(nodes: Cast, show: Show, args) -> None:
    show.say(f"REQ-REP through a gateway: one req-client, a gateway (REP out, REQ in) and {args.servers} "
             "rep-servers behind it")
    names = [chr(ord("A") + i) for i in range(args.servers)]
    servers = [start(nodes, show, "rep-server", "--name", name, label=f"server {name}") for name in names]
    backends = [arg for server in servers for arg in ("--backend-connect", server.endpoint("rep"))]
    relay = start(nodes, show, "gateway", *backends, label="gateway")
    client = start(nodes, show, "req-client", "--connect", relay.endpoint("frontend"), label="client")
    said = [*args.say, "bye"]
    for count, line in enumerate(said, start=1):
        show.say(f"typing {line!r} into the client")
        client.send_line(line)
        client.wait_until(lambda out: len(REPLY.findall(out)) >= count, args.timeout, f"the reply to {line!r}")
        show.settle()
    status = client.wait_exit(args.timeout)
    show.finish(client)
    replies = REPLY.findall(client.output)
    served = [name for _, name in replies]
    show.say(f"client exited with status {status}; through the gateway the servers answered in the order "
             f"{' '.join(served)}")
    check(status == 0, f"the client should exit 0 after 'bye', it exited {status}")
    check([text for text, _ in replies] == said,
          f"every reply should echo its request through the gateway (RR-7): sent {said}, "
          f"got back {[text for text, _ in replies]}")
    check(sorted(set(served)) == names,
          f"the gateway's REQ should deal the requests to every server (RR-2): servers {names}, answered {served}")


def pubsub(nodes: Cast, show: Show, args) -> None:
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


def pipeline(nodes: Cast, show: Show, args) -> None:
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
    check(status == 0, f"the sink should exit 0 after {args.tasks} results, it exited {status}")
    for worker in crew:
        code = worker.wait_exit(args.timeout)
        show.finish(worker)
        show.say(f"{worker.label} exited with status {code} on KILL after {worker.output.count('.')} tasks")
        check(code == 0, f"{worker.label} should exit 0 on the sink's KILL (PP-9), it exited {code}")
    done = [worker.output.count(".") for worker in crew]
    check(sum(done) == args.tasks, f"the workers should do the {args.tasks} tasks once each, they did {done}")
    check(args.tasks < len(crew) or all(done),
          f"the ventilator's PUSH should deal tasks to every worker (PP-4), the workers did {done}")
    show.say("pressing ENTER at the ventilator to let it quit")
    ventilator.send_line("")
    code = ventilator.wait_exit(args.timeout)
    show.finish(ventilator)
    show.say(f"ventilator exited with status {code}")


SCENARIOS = {"reqrep": reqrep, "gateway": gateway, "pubsub": pubsub, "pipeline": pipeline}


def parse_args(argv: list[str]):
    p = cli.parser("zmqspec demo", __doc__)
    count = cli.positive_int
    p.add_argument("scenario", choices=SCENARIOS, help="which of the seed's scenarios to run")
    p.add_argument("--impl", metavar="MANIFEST", help="run the nodes of this implementation (default: the reference)")
    p.add_argument("--cast", metavar="ROLE=MANIFEST[,MANIFEST...]", action="append", default=[],
                   help="run ROLE from these implementations instead, in turn ('reference' names the reference "
                        "nodes; repeatable): one scenario, several ZeroMQ stacks")
    p.add_argument("--timeout", metavar="SECONDS", type=float, default=60.0,
                   help="longest wait for any one step (default 60)")
    group = p.add_argument_group("reqrep and gateway")
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
    for value in args.cast:
        role, _, manifests = value.partition("=")
        if role not in ROLES or not manifests.strip(","):
            p.error(f"--cast {value!r}: expected ROLE=MANIFEST[,MANIFEST...] with ROLE one of {', '.join(ROLES)}")
    return args


def load(where: str) -> Implementation:
    return reference() if where == "reference" else load_manifest(where)


def casting(args) -> Cast:
    """The Cast the arguments ask for; ManifestError for a manifest that cannot be used."""
    chosen: dict[str, list[Implementation]] = {}
    for value in args.cast:
        role, _, manifests = value.partition("=")
        chosen.setdefault(role, []).extend(load(where) for where in manifests.split(",") if where)
    return Cast(load(args.impl) if args.impl else reference(), chosen)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        nodes = casting(args)
    except ManifestError as exc:
        sys.stderr.write(f"zmqspec demo: error: {exc}\n")
        return 2
    try:
        for implementation in nodes.implementations():
            implementation.require_toolchain()
    except ToolchainMissing as exc:
        sys.stderr.write(f"zmqspec demo: error: {exc}\n")
        return 2
    show = Show()
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
