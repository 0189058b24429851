"""Benchmarks for zmqspec: one command, one table, each figure against a baseline measured in the same run.

    python benchmarks/run.py                 # everything (several minutes)
    python benchmarks/run.py --quick         # fewer repetitions, for a first look
    python benchmarks/run.py --only spawn,throughput

Figures (goals from the performance issue; machine: 2 cores):
    spawn       node start -> ready line, median per role    vs  `python -c "import zmq; bind"`   <= 1.3x
    suite       `pytest -n auto` wall time                   vs  `pytest -n 0`                    <= 60 s, >= 1.8x faster
                (and, for the record, the mutation tests: `pytest -n auto --mutants tests/test_mutants.py`)
    fuzz        filter-fuzz examples per second against a live node (benchmarks/fuzz_throughput.py)  >= 300/s
    speedup     PP-6: Enter -> sink done, with k workers     vs  total expected cost / k          within 10 %
    throughput  100 000 zero-cost tasks vent -> 4 workers -> sink  vs  raw pyzmq PUSH -> PULL     >= 25 %

Machines are shared and noisy: every figure is a median of several runs,
and each is reported as a ratio to a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zmqspec.contract import ROLES  # noqa: E402
from zmqspec.harness import Implementation, Nodes, reference  # noqa: E402

PY = sys.executable
NOWHERE = "tcp://127.0.0.1:9"  # connect never fails; nothing needs to answer for start-up to finish


def spawn_args(role: str) -> list[str]:
    """What a role needs to start (the role table): its required options, and a connect to nowhere
    for each socket that does not bind by default."""
    spec = ROLES[role]
    return [*spec.required_args,
            *(part for sock in spec.sockets if not sock.binds_by_default for part in (sock.connect_option, NOWHERE))]


BASELINE_NODE = (
    "import json, zmq\n"
    "s = zmq.Context().socket(zmq.REP)\n"
    "s.bind('tcp://127.0.0.1:*')\n"
    "print('ZMQSPEC READY ' + json.dumps({'rep': [s.last_endpoint.decode()]}), flush=True)\n"
    "import sys; sys.stdin.read()\n"
)
RAW_PUSH = (
    "import sys, zmq\n"
    "n = int(sys.argv[1]); s = zmq.Context().socket(zmq.PUSH); s.linger = -1\n"
    "s.bind('tcp://127.0.0.1:*')\n"
    "print('ZMQSPEC READY {\"push\": [\"%s\"]}' % s.last_endpoint.decode(), flush=True)\n"
    "sys.stdin.readline()\n"
    "for _ in range(n): s.send(b'0')\n"
    "s.close(); s.context.term()\n"
)
RAW_PULL = (
    "import sys, zmq\n"
    "n = int(sys.argv[1]); s = zmq.Context().socket(zmq.PULL); s.connect(sys.argv[2])\n"
    "print('ZMQSPEC READY {}', flush=True)\n"
    "for _ in range(n): s.recv()\n"
    "print('DONE', flush=True)\n"
)


class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, figure: str, value: str, baseline: str, ratio: str, goal: str) -> None:
        self.rows.append((figure, value, baseline, ratio, goal))
        print(f"  {figure}: {value} (baseline {baseline}; ratio {ratio}; goal {goal})", flush=True)

    def markdown(self) -> str:
        head = ("figure", "measured", "baseline", "ratio", "goal")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def ready_seconds(nodes: Nodes, role: str, args: list[str]) -> float:
    node = nodes.start(role, *args)
    seconds = node.ready_after
    node.stop()
    return seconds


def bench_spawn(table: Table, repeats: int) -> None:
    print(f"spawn: {repeats} starts per role, interleaved with the baseline", flush=True)
    ref = Nodes(reference())
    base = Nodes(Implementation(name="baseline", commands={"rep-server": (PY, "-c", BASELINE_NODE)}))
    samples: dict[str, list[float]] = {role: [] for role in ROLES}
    baseline: list[float] = []
    try:
        for _ in range(repeats):
            for role in ROLES:
                baseline.append(ready_seconds(base, "rep-server", []))
                samples[role].append(ready_seconds(ref, role, spawn_args(role)))
    finally:
        ref.stop_all()
        base.stop_all()
    base_ms = statistics.median(baseline) * 1000
    for role, values in samples.items():
        ms = statistics.median(values) * 1000
        table.add(f"spawn {role}", f"{ms:.0f} ms", f"{base_ms:.0f} ms", f"{ms / base_ms:.2f}x", "<= 1.30x")


def run_pipeline(nodes: Nodes, tasks: int, workers: int, *vent_args: str) -> tuple[float, int, float]:
    """One batch; returns (the sink's ELAPSED TIME, TOTAL EXPECTED COST, seconds from Enter to the sink's end)."""
    sink = nodes.start("sink")
    vent = nodes.start("ventilator", "--tasks", str(tasks), "--sink-connect", sink.endpoint("results"), *vent_args)
    for _ in range(workers):
        nodes.start("worker", "--connect", vent.endpoint("tasks"), "--sink-connect", sink.endpoint("results"),
                    "--kill-connect", sink.endpoint("kill"), "--wait-connected")
    sink.wait_for(r"^GATHER \d+ TASKS\.$")
    began = time.perf_counter()
    vent.send_line("")
    elapsed = float(sink.wait_for(r"^ELAPSED TIME: (\d+\.\d+)$", timeout=600).group(1))
    wall = time.perf_counter() - began
    cost = int(vent.wait_for(r"^TOTAL EXPECTED COST: (\d+)$", timeout=60).group(1))
    nodes.stop_all()
    nodes.started.clear()
    return elapsed, cost, wall


def bench_speedup(table: Table, per_worker: int, repeats: int) -> None:
    print(f"speedup: {per_worker} tasks per worker, 1..99 ms each, {repeats} runs per k", flush=True)
    nodes = Nodes(reference())
    try:
        for k in (1, 2, 4, 7):
            ratios, elapsed_all, ideal_all = [], [], []
            for _ in range(repeats):
                # The sink's own ELAPSED TIME starts when it learns N, which the ventilator sends
                # before its prompt (as the seed does): time the batch from Enter instead.
                _, cost, elapsed = run_pipeline(nodes, per_worker * k, k)
                ideal = cost / 1000 / k
                ratios.append(elapsed / ideal)
                elapsed_all.append(elapsed)
                ideal_all.append(ideal)
            ratio = statistics.median(ratios)
            table.add(f"PP-6 elapsed, k={k}", f"{statistics.median(elapsed_all):.2f} s",
                      f"{statistics.median(ideal_all):.2f} s ideal", f"{ratio:.3f}", "0.90 .. 1.10")
    finally:
        nodes.stop_all()


def raw_rate(tasks: int) -> float:
    nodes = Nodes(Implementation(name="raw", commands={
        "ventilator": (PY, "-c", RAW_PUSH, str(tasks)), "sink": (PY, "-c", RAW_PULL, str(tasks)),
    }))
    try:
        push = nodes.start("ventilator")
        pull = nodes.start("sink", push.endpoint("push"))
        began = time.perf_counter()
        push.send_line("")
        pull.wait_for("^DONE$", timeout=600)
        return tasks / (time.perf_counter() - began)
    finally:
        nodes.stop_all()


def bench_throughput(table: Table, tasks: int, repeats: int) -> None:
    print(f"throughput: {tasks} zero-cost tasks, 4 workers, {repeats} runs", flush=True)
    nodes = Nodes(reference())
    pipeline_rates, raw_rates = [], []
    try:
        for _ in range(repeats):
            raw_rates.append(raw_rate(tasks))
            _, _, wall = run_pipeline(nodes, tasks, 4, "--zero-cost")
            pipeline_rates.append(tasks / wall)
    finally:
        nodes.stop_all()
    rate, raw = statistics.median(pipeline_rates), statistics.median(raw_rates)
    table.add("pipeline throughput", f"{rate:,.0f} tasks/s", f"{raw:,.0f} msg/s raw", f"{rate / raw:.1%}", ">= 25 %")


def wall_of(command: list[str]) -> float:
    began = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if run.returncode != 0:
        tail = "\n".join(run.stdout.splitlines()[-15:])
        raise SystemExit(f"benchmark: {' '.join(command)} failed (exit {run.returncode}):\n{tail}")
    return seconds


def bench_suite(table: Table, repeats: int) -> None:
    print(f"suite: whole suite with -n auto and -n 0, {repeats} runs each", flush=True)
    base = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    parallel, serial = [], []
    for _ in range(repeats):
        parallel.append(wall_of([*base, "-n", "auto"]))
        serial.append(wall_of([*base, "-n", "0"]))
    fast, slow = statistics.median(parallel), statistics.median(serial)
    table.add("suite wall time, -n auto", f"{fast:.1f} s", f"{slow:.1f} s with -n 0", f"{slow / fast:.2f}x faster",
              "<= 60 s and >= 1.8x")
    mutation = statistics.median(wall_of([*base, "-n", "auto", "--mutants", "tests/test_mutants.py"])
                                 for _ in range(repeats))
    table.add("mutation tests (--mutants), -n auto", f"{mutation:.1f} s", "-", "-", "- (a job of its own)")


def bench_fuzz(table: Table) -> None:
    script = ROOT / "benchmarks" / "fuzz_throughput.py"
    if not script.exists():
        table.add("filter fuzz", "not measured", "-", "-", ">= 300 examples/s")
        return
    print("fuzz: benchmarks/fuzz_throughput.py", flush=True)
    run = subprocess.run([PY, str(script)], cwd=ROOT, capture_output=True, text=True)
    found = re.findall(r"([\d.]+)\s*examples/s", run.stdout)
    value = f"{float(found[-1]):.0f} examples/s" if found else f"unreadable output (exit {run.returncode})"
    table.add("filter fuzz against a live node", value, "-", "-", ">= 300 examples/s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer repetitions and smaller batches")
    p.add_argument("--only", default="spawn,speedup,throughput,fuzz,suite",
                   help="comma-separated figures to measure (default: all)")
    args = p.parse_args(argv)
    only = set(args.only.split(","))
    unknown = only - {"spawn", "speedup", "throughput", "fuzz", "suite"}
    if unknown:
        p.error(f"unknown figures {sorted(unknown)}")
    table = Table()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}")
    if "spawn" in only:
        bench_spawn(table, repeats=5 if args.quick else 21)
    if "speedup" in only:
        bench_speedup(table, per_worker=30 if args.quick else 120, repeats=1 if args.quick else 3)
    if "throughput" in only:
        bench_throughput(table, tasks=20_000 if args.quick else 100_000, repeats=1 if args.quick else 3)
    if "fuzz" in only:
        bench_fuzz(table)
    if "suite" in only:
        bench_suite(table, repeats=1 if args.quick else 3)
    print()
    print(table.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
