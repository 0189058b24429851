"""Benchmarks for zmqspec: one command, one table, each figure against a baseline measured in the same run.

    python benchmarks/run.py                 # everything (several minutes; the suite twice, the mutants)
    python benchmarks/run.py --quick         # under 60 s: fewer repetitions, smaller batches, no suite runs
    python benchmarks/run.py --only spawn,speedup --plots /tmp/figures

Figures (goals from the performance issue; machine: 2 cores):
    spawn       node start -> ready line, median per role    vs  `python -c "import zmq; bind"`   <= 1.3x
    speedup     PP-6: a FIXED total of work (N tasks of the same cost) for k = 1..8 workers,
                Enter -> sink done                           vs  total cost / k                   within 10 %
    throughput  zero-cost tasks vent -> 4 workers -> sink    vs  raw pyzmq PUSH -> PULL           >= 25 %
    fuzz        filter-fuzz examples per second against a live node (benchmarks/fuzz_throughput.py)  >= 300/s
    suite       `pytest -n auto` wall time                   vs  `pytest -n 0`                    <= 60 s, >= 1.8x faster
                (each with its CPU time, user + system of the run and its nodes: on a shared machine the
                wall time follows the load, the CPU time much less)
    mutants     for the record, the mutation tests: `pytest -n auto --mutants tests/test_mutants.py` (no goal)
                suite and mutants: not with --quick, unless named in --only

Every figure whose goal is missed is flagged MISSED in its line and in the
table, and the script then exits 1 (0 when every goal is met, 2 on bad
arguments). Machines are shared and noisy: every figure is a median of
several runs, each is set against a baseline measured in the same run, and
a figure measured while the load average exceeded the number of cores is
marked "under load" (in the table and on the plots).

Plots (matplotlib; ``pip install matplotlib``), written to --plots
(default benchmarks/figures/): pp6-speedup.png, the elapsed time against
the number of workers with the ideal total / k; spawn.png, each role's
start-up against the floor (the baseline) and the goal.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
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
    return ROLES[role].start_args(lambda sock: NOWHERE, every_socket=True)


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


def load() -> float:
    """The 1-minute load average (0.0 where the system does not tell)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Load:
    """The highest load average seen while a figure was measured."""

    def __init__(self):
        self.peak = load()

    def note(self) -> None:
        self.peak = max(self.peak, load())

    @property
    def under_load(self) -> bool:
        return self.peak > CORES

    def describe(self) -> str:
        return f"under load ({self.peak:.1f} on {CORES} cores)" if self.under_load else "quiet"


class Table:
    def __init__(self):
        self.rows: list[tuple[str, ...]] = []
        self.missed: list[str] = []

    def add(self, figure: str, value: str, baseline: str, ratio: str, goal: str, met: bool | None,
            conditions: Load | None = None) -> None:
        """One figure; ``met`` is whether its goal is met (None: no goal)."""
        verdict = "-" if met is None else ("met" if met else "MISSED")
        if met is False:
            self.missed.append(figure)
        told = conditions.describe() if conditions else "-"
        self.rows.append((figure, value, baseline, ratio, goal, verdict, told))
        flag = "  <-- MISSED" if met is False else ""
        print(f"  {figure}: {value} (baseline {baseline}; ratio {ratio}; goal {goal}: {verdict}; {told}){flag}",
              flush=True)

    def markdown(self) -> str:
        head = ("figure", "measured", "baseline", "ratio", "goal", "goal met", "machine")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(f"**{c}**" if c == "MISSED" else c for c in row) + " |" for row in self.rows]
        return "\n".join(lines)


def ready_seconds(nodes: Nodes, role: str, args: list[str]) -> float:
    node = nodes.start(role, *args)
    seconds = node.ready_after
    node.stop()
    return seconds


SPAWN_GOAL = 1.30
SPEEDUP_GOAL = (0.90, 1.10)


def bench_spawn(table: Table, repeats: int, plots: Plots) -> None:
    print(f"spawn: {repeats} starts per role, interleaved with the baseline", flush=True)
    ref = Nodes(reference())
    base = Nodes(Implementation(name="baseline", commands={"rep-server": (PY, "-c", BASELINE_NODE)}))
    samples: dict[str, list[float]] = {role: [] for role in ROLES}
    baseline: list[float] = []
    conditions = Load()
    try:
        for _ in range(repeats):
            for role in ROLES:
                baseline.append(ready_seconds(base, "rep-server", []))
                samples[role].append(ready_seconds(ref, role, spawn_args(role)))
            conditions.note()
    finally:
        ref.stop_all()
        base.stop_all()
    base_ms = statistics.median(baseline) * 1000
    medians = {}
    for role, values in samples.items():
        ms = medians[role] = statistics.median(values) * 1000
        table.add(f"spawn {role}", f"{ms:.0f} ms", f"{base_ms:.0f} ms", f"{ms / base_ms:.2f}x",
                  f"<= {SPAWN_GOAL:.2f}x", ms / base_ms <= SPAWN_GOAL, conditions)
    plots.spawn(medians, base_ms, conditions)


def run_pipeline(nodes: Nodes, tasks: int, workers: int, *vent_args: str) -> tuple[float, int, float]:
    """One batch; returns (the sink's ELAPSED TIME, TOTAL EXPECTED COST, seconds from Enter to the sink's end)."""
    sink = nodes.start("sink")
    vent = nodes.start("ventilator", "--tasks", str(tasks), "--sink-connect", sink.endpoint("results"), *vent_args)
    crew = [nodes.start("worker", "--connect", vent.endpoint("tasks"), "--sink-connect", sink.endpoint("results"),
                        "--kill-connect", sink.endpoint("kill"), "--wait-connected", ready=False)
            for _ in range(workers)]
    for worker in crew:  # started together, waited for in turn: the batch starts once all are connected
        worker.wait_ready()
    sink.wait_for(r"^GATHER \d+ TASKS\.$")
    began = time.perf_counter()
    vent.send_line("")
    elapsed = float(sink.wait_for(r"^ELAPSED TIME: (\d+\.\d+)$", timeout=600).group(1))
    wall = time.perf_counter() - began
    cost = int(vent.wait_for(r"^TOTAL EXPECTED COST: (\d+)$", timeout=60).group(1))
    nodes.stop_all()
    nodes.started.clear()
    return elapsed, cost, wall


def bench_speedup(table: Table, tasks: int, cost_ms: int, repeats: int, plots: Plots) -> None:
    """PP-6 with a fixed total of work: the same N tasks of ``cost_ms`` each for every k = 1..8, so the
    ideal elapsed time is N * cost / k."""
    total = tasks * cost_ms / 1000
    print(f"speedup: {tasks} tasks of {cost_ms} ms each (total {total:.1f} s of work) for k = 1..8 workers, "
          f"{repeats} runs per k", flush=True)
    nodes = Nodes(reference())
    measured: dict[int, float] = {}
    conditions = Load()
    try:
        for k in range(1, 9):
            elapsed_all = []
            for _ in range(repeats):
                # The sink's own ELAPSED TIME starts when it learns N, which the ventilator sends
                # before its prompt (as the seed does): time the batch from Enter instead.
                _, cost, elapsed = run_pipeline(nodes, tasks, k, "--cost-min", str(cost_ms),
                                                "--cost-max", str(cost_ms))
                if cost != tasks * cost_ms:
                    raise SystemExit(f"benchmark: the ventilator's TOTAL EXPECTED COST is {cost} ms, "
                                     f"not {tasks} x {cost_ms}")
                elapsed_all.append(elapsed)
                conditions.note()
            elapsed = measured[k] = statistics.median(elapsed_all)
            ideal = total / k
            ratio = elapsed / ideal
            low, high = SPEEDUP_GOAL
            table.add(f"PP-6 elapsed, k={k}", f"{elapsed:.2f} s", f"{ideal:.2f} s ideal (total / k)",
                      f"{ratio:.3f}", f"{low:.2f} .. {high:.2f}", low <= ratio <= high, conditions)
    finally:
        nodes.stop_all()
    plots.speedup(measured, total, tasks, cost_ms, conditions)


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
    conditions = Load()
    try:
        for _ in range(repeats):
            raw_rates.append(raw_rate(tasks))
            _, _, wall = run_pipeline(nodes, tasks, 4, "--zero-cost")
            pipeline_rates.append(tasks / wall)
            conditions.note()
    finally:
        nodes.stop_all()
    rate, raw = statistics.median(pipeline_rates), statistics.median(raw_rates)
    table.add("pipeline throughput", f"{rate:,.0f} tasks/s", f"{raw:,.0f} msg/s raw", f"{rate / raw:.1%}", ">= 25 %",
              rate / raw >= 0.25, conditions)


def wall_of(command: list[str]) -> tuple[float, float]:
    """Run ``command`` from the checkout; (wall seconds, CPU seconds: user + system of it and every
    process it waited for, its nodes included). Exits naming the command when it fails."""
    began, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        tail = "\n".join(run.stdout.splitlines()[-15:])
        raise SystemExit(f"benchmark: {' '.join(command)} failed (exit {run.returncode}):\n{tail}")
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


SUITE = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def bench_suite(table: Table, repeats: int) -> None:
    print(f"suite: whole suite with -n auto and -n 0, {repeats} runs each", flush=True)
    parallel, serial = [], []
    for _ in range(repeats):
        parallel.append(wall_of([*SUITE, "-n", "auto"]))
        serial.append(wall_of([*SUITE, "-n", "0"]))
    conditions = Load()
    fast, slow = (statistics.median(wall for wall, _ in runs) for runs in (parallel, serial))
    cpu_fast, cpu_slow = (statistics.median(cpu for _, cpu in runs) for runs in (parallel, serial))
    conditions.note()
    table.add("suite wall time, -n auto", f"{fast:.1f} s (CPU {cpu_fast:.0f} s)",
              f"{slow:.1f} s with -n 0 (CPU {cpu_slow:.0f} s)", f"{slow / fast:.2f}x faster",
              "<= 60 s and >= 1.8x", fast <= 60 and slow / fast >= 1.8, conditions)


def bench_mutants(table: Table, repeats: int) -> None:
    print(f"mutants: the mutation tests with -n auto, {repeats} runs", flush=True)
    conditions = Load()
    mutation = statistics.median(wall_of([*SUITE, "-n", "auto", "--mutants", "tests/test_mutants.py"])[0]
                                 for _ in range(repeats))
    conditions.note()
    table.add("mutation tests (--mutants), -n auto", f"{mutation:.1f} s", "-", "-", "- (a job of its own)", None,
              conditions)


def bench_fuzz(table: Table, quick: bool) -> None:
    script = ROOT / "benchmarks" / "fuzz_throughput.py"
    if not script.exists():
        table.add("filter fuzz", "not measured", "-", "-", ">= 300 examples/s", False)
        return
    sizes = ["--examples", "100", "--repeats", "1"] if quick else []
    print(f"fuzz: benchmarks/fuzz_throughput.py {' '.join(sizes)}".rstrip(), flush=True)
    conditions = Load()
    run = subprocess.run([PY, str(script), *sizes], cwd=ROOT, capture_output=True, text=True, timeout=600)
    conditions.note()
    found = re.findall(r"([\d.]+)\s*examples/s", run.stdout)
    rate = float(found[-1]) if found else None
    value = f"{rate:.0f} examples/s" if rate is not None else f"unreadable output (exit {run.returncode})"
    table.add("filter fuzz against a live node", value, "-", "-", ">= 300 examples/s",
              rate is not None and rate >= 300, conditions)


class Plots:
    """The benchmark's figures as PNG files (matplotlib, imported only when a plot is drawn)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.written: list[Path] = []
        self.problem: str | None = None

    def _pyplot(self):
        if self.folder is None or self.problem:
            return None
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            self.problem = "matplotlib is not installed (pip install matplotlib): no plots drawn"
            print(f"plots: {self.problem}", flush=True)
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        return plt

    def _save(self, plt, figure, name: str) -> None:
        path = self.folder / name
        figure.tight_layout()
        figure.savefig(path, dpi=110)
        plt.close(figure)
        self.written.append(path)
        print(f"plots: wrote {path}", flush=True)

    @staticmethod
    def _subtitle(conditions: Load) -> str:
        when = f"{platform.node()}, {CORES} cores, {time.strftime('%Y-%m-%d')}"
        return f"{when}; measured {conditions.describe()}"

    def speedup(self, measured: dict[int, float], total: float, tasks: int, cost_ms: int, conditions: Load) -> None:
        plt = self._pyplot()
        if plt is None:
            return
        figure, axes = plt.subplots(figsize=(6.4, 4.2))
        ks = sorted(measured)
        fine = [k / 10 for k in range(10, 10 * max(ks) + 1)]
        axes.plot(fine, [total / k for k in fine], "--", color="grey", label="ideal: total / k")
        axes.plot(ks, [measured[k] for k in ks], "o-", color="tab:blue", label="measured (median)")
        axes.set_xlabel("workers k")
        axes.set_ylabel("elapsed, Enter -> sink done (s)")
        axes.set_xticks(ks)
        axes.set_ylim(bottom=0)
        axes.set_title(f"PP-6: {tasks} tasks x {cost_ms} ms = {total:.1f} s of work\n{self._subtitle(conditions)}",
                       fontsize=9)
        axes.legend()
        axes.grid(alpha=0.3)
        self._save(plt, figure, "pp6-speedup.png")

    def spawn(self, medians: dict[str, float], floor_ms: float, conditions: Load) -> None:
        plt = self._pyplot()
        if plt is None:
            return
        figure, axes = plt.subplots(figsize=(6.4, 4.2))
        roles = list(medians)
        colours = ["tab:blue" if medians[r] <= floor_ms * SPAWN_GOAL else "tab:red" for r in roles]
        axes.bar(roles, [medians[r] for r in roles], color=colours,
                 label="role: start -> ready line (median; red: over the goal)")
        axes.axhline(floor_ms, color="black", label=f"floor: python -c 'import zmq; bind' ({floor_ms:.0f} ms)")
        axes.axhline(floor_ms * SPAWN_GOAL, color="grey", linestyle="--", label=f"goal: {SPAWN_GOAL:.2f} x floor")
        axes.set_ylabel("ms")
        axes.set_ylim(0, max([*medians.values(), floor_ms * SPAWN_GOAL]) * 1.5)
        axes.tick_params(axis="x", labelrotation=45)
        axes.set_title(f"Start-up per role against the floor\n{self._subtitle(conditions)}", fontsize=9)
        axes.legend(fontsize=8, loc="upper left")
        self._save(plt, figure, "spawn.png")


FIGURES = ("spawn", "speedup", "throughput", "fuzz", "suite", "mutants")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="under 60 s: fewer repetitions, smaller batches, and no suite runs")
    p.add_argument("--only", default=None, help=f"comma-separated figures to measure (default: all; {','.join(FIGURES)})")
    p.add_argument("--plots", type=Path, default=ROOT / "benchmarks" / "figures",
                   help="folder for the PNG plots (default benchmarks/figures)")
    p.add_argument("--no-plots", action="store_true", help="draw no plots")
    args = p.parse_args(argv)
    only = set(args.only.split(",")) if args.only else set(FIGURES) - ({"suite", "mutants"} if args.quick else set())
    unknown = only - set(FIGURES)
    if unknown:
        p.error(f"unknown figures {sorted(unknown)}")
    table, plots = Table(), Plots(None if args.no_plots else args.plots)
    began = time.perf_counter()
    print(f"machine: {platform.node()}, {CORES} cores, {platform.platform()}, Python {platform.python_version()}; "
          f"load average {load():.1f}")
    if "spawn" in only:
        bench_spawn(table, repeats=2 if args.quick else 21, plots=plots)
    if "speedup" in only:
        bench_speedup(table, tasks=120 if args.quick else 840, cost_ms=20, repeats=1 if args.quick else 3,
                      plots=plots)
    if "throughput" in only:
        bench_throughput(table, tasks=20_000 if args.quick else 100_000, repeats=1 if args.quick else 3)
    if "fuzz" in only:
        bench_fuzz(table, quick=args.quick)
    if "suite" in only:
        bench_suite(table, repeats=1 if args.quick else 3)
    if "mutants" in only:
        bench_mutants(table, repeats=1 if args.quick else 3)
    print()
    print(table.markdown())
    print()
    print(f"{time.perf_counter() - began:.1f} s; load average now {load():.1f} on {CORES} cores")
    if table.missed:
        print(f"MISSED {len(table.missed)} goal(s): {', '.join(table.missed)}")
        return 1
    print("every goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
