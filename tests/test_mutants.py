"""Mutants: proof that the suite bites, each bug by exactly its own ids (docs/mutants.md).

Each folder under mutants/ holds an implementation that is the reference
but for ONE realistic bug in one role. Its manifest says so: ``base =
"reference"`` with only the broken role in ``[roles]``, and ``catches``
lists the catalogue ids the bug breaks. For each mutant the specification
(zmqspec/spec) runs against the mutant's manifest in a subprocess with
``--conformance-report``, and this meta-test reads the report.json it
writes. The run takes a selection of the tests that start a node of the mutated
role (``select``; docs/mutants.md says exactly which): the control's run
(below) records, per test, the roles it started and the driver commands it
sent, and a test that starts no node of the mutated role runs exactly as in
the control. Two mutants' runs go at once (``ZMQSPEC_MUTANT_JOBS``), each
without xdist workers (``ZMQSPEC_MUTANT_WORKERS``). The mutant is caught when

- every id in ``catches`` fails (verdict "fail", or "broken driver" for a
  driver that breaks its protocol),
- no other id fails: one deviation, one id (a mutant of the driver role may
  leave other ids "broken driver", never "fail": nothing could be asked),
- the mutant is caught by an assertion on something seen, not only by
  deadlines: some failing test of a ``catches`` id is not a deadline (a
  harness wait that ran out says
  ``deadline passed:``, zmqspec.harness.process.DEADLINE_MARK; a driver
  receive that got nothing says ``EAGAIN``; pytest-timeout says ``Timeout``),
- no node of the mutant's is still running after the run.

Every run draws the same fuzz examples (``--hypothesis-seed``, printed in
the run's header), so a mutant is caught, or not, the same way every time.

The control, ``mutants/reference/``, is the same manifest with no role
overridden: every id must pass there, so a catch is the bug's doing.
"""

from __future__ import annotations

import ast
import contextlib
import json
import threading
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

import psutil
import pytest

from inner import PYTEST, inner_env, run_inner
from mutant_run import CRASH, DEADLINE  # how a failure says it is a deadline, or a node's crash
from zmqspec.harness import DEADLINE_MARK, load_manifest, scaled

pytestmark = [pytest.mark.meta, pytest.mark.slow, pytest.mark.mutants]

REPO = Path(__file__).resolve().parent.parent
MUTANTS = REPO / "mutants"
SPEC = REPO / "zmqspec" / "spec"
CONTROL = MUTANTS / "reference"
RUN_TIMEOUT = 300.0  # one run of the whole specification against one mutant, however it fails
LEFTOVER_GRACE = 5.0
WORKERS = os.environ.get("ZMQSPEC_MUTANT_WORKERS", "0")  # xdist workers of each mutant's run (-n; 0: none)
CONTROL_WORKERS = os.environ.get("ZMQSPEC_CONTROL_WORKERS", "2")  # xdist workers of the control's run
JOBS = int(os.environ.get("ZMQSPEC_MUTANT_JOBS", "2"))  # mutants' runs at once
HYPOTHESIS_SEED = 0  # the fuzz tests draw the same examples in every run against every mutant...
NODE_SEED = 0  # the nodes' random streams (weather-pub, sync-pub, ventilator) are the same in every run too
HYPOTHESIS_PROFILE = "mutants"  # ...whatever the environment says (CI would pick "ci": other examples, 4 times as
# many); "fast" without shrinking: a verdict is wanted, not the smallest failing example
LONG_WAIT = 10.0  # s: a test this long in the control runs only against mutants whose catches it carries
SELECTION = os.environ.get("ZMQSPEC_MUTANT_SELECTION", "quick")  # "all": every test that starts the mutated role
RESULTS = os.environ.get("ZMQSPEC_MUTANT_RESULTS")  # a JSON-lines file: one line per mutant judged (scripts/mutation-score)

FAILING = ("fail", "broken driver")


def mutant_names() -> list[str]:
    return sorted(path.parent.name for path in MUTANTS.glob("*/manifest.toml") if path.parent != CONTROL)


def run_spec(manifest: Path, out: Path, tests: list[str] | None = None, workers: str = WORKERS,
             trace: Path | None = None, catches: tuple[str, ...] = ()) -> tuple[dict, str, float]:
    """Run the specification against ``manifest`` (only ``tests``, ids relative to the spec package, when
    given) with ``workers`` xdist workers, the control's driver recording into ``trace`` when given;
    with ``catches``, a test whose every id already failed is skipped (tests/mutant_run.py).
    Returns (report.json, pytest's output, seconds)."""
    chosen = [str(SPEC / test) for test in tests] if tests is not None else [str(SPEC)]
    out.mkdir(parents=True, exist_ok=True)
    if len(chosen) > 50:  # a long selection goes by file: argv stays short
        (out / "tests.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")
        chosen = [f"@{out / 'tests.txt'}"]
    argv = [*PYTEST, "-q", *(["-n", workers] if workers != "0" else []),
            f"--hypothesis-seed={HYPOTHESIS_SEED}", f"--zmqspec-seed={NODE_SEED}", f"--impl={manifest}",
            f"--conformance-report={out}", *(["-p", "tests.mutant_run"] if catches else []), *chosen]
    env = inner_env("ZMQSPEC_MUTANT_TRACE")
    env["XDG_CACHE_HOME"] = str(out / "cache")  # a mutant's failing examples stay out of hypothesis's database
    env["ZMQSPEC_HYPOTHESIS_PROFILE"] = HYPOTHESIS_PROFILE
    env["ZMQSPEC_MUTANT_CATCHES"] = ",".join(catches)
    if trace is not None:
        trace.mkdir(parents=True, exist_ok=True)
        env["ZMQSPEC_MUTANT_TRACE"] = str(trace)
    began = time.monotonic()
    output = run_inner(argv, env=env, cwd=REPO, merge_stderr=True, deadline=RUN_TIMEOUT).stdout
    took = time.monotonic() - began
    report = out / "report.json"
    assert report.is_file(), f"the run against {manifest} wrote no report.json:\n{output[-4000:]}"
    return json.loads(report.read_text(encoding="utf-8")), output, took


def is_deadline(test: dict) -> bool:
    return bool(DEADLINE.search(test["message"]))


def describe(tests: list[dict]) -> str:
    return "\n".join(f"  {t['nodeid']} [{', '.join(t['spec'])}]: {t['verdict']}: "
                     f"{t['message'].splitlines()[0][:240] if t['message'] else ''}" for t in tests)


def judge(report: dict, catches: tuple[str, ...], driver_mutant: bool) -> list[str]:
    """What is wrong with the way the run caught the mutant (empty: caught cleanly)."""
    problems = []
    failing = [t for t in report["tests"] if t["verdict"] in FAILING]
    by_id: dict[str, list[dict]] = {}
    for test in failing:
        for id_ in test["spec"]:
            by_id.setdefault(id_, []).append(test)
    for id_ in catches:
        if id_ not in by_id:
            ran = report["catalogue"].get(id_, {}).get("tests", [])
            problems.append(f"{id_} is in catches but passed (verdict {report['catalogue'].get(id_, {}).get('verdict')}):"
                            f"\n{describe(ran)}")
            continue
    seen = [t for id_ in catches for t in by_id.get(id_, []) if not is_deadline(t) and CRASH not in t["message"]]
    if any(id_ in by_id for id_ in catches) and not seen:
        caught = [t for id_ in catches for t in by_id.get(id_, [])]
        problems.append(f"caught only by deadlines (or crashes), never by an assertion on something seen:\n"
                        f"{describe(caught)}")
    for id_, tests in sorted(by_id.items()):
        if id_ in catches:
            continue
        wrong = [t for t in tests if t["verdict"] == "fail" or not driver_mutant]
        if wrong:
            problems.append(f"{id_}, not in catches, failed too:\n{describe(wrong)}")
    return problems


def leftovers(folder: Path) -> list[psutil.Process]:
    """Processes still running from a run's nodes: their working directory is the manifest's folder."""
    found = []
    for process in psutil.process_iter(["cwd", "cmdline"]):
        cwd, cmdline = process.info["cwd"], process.info["cmdline"] or []
        if cwd == str(folder) or any(str(folder) + os.sep in part for part in cmdline):
            found.append(process)
    _, alive = psutil.wait_procs(found, timeout=scaled(LEFTOVER_GRACE))
    return [process for process in alive if _running(process)]


def _running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE  # a zombie has ended; only its parent's wait() is due
    except psutil.NoSuchProcess:
        return False


def assert_no_leftovers(folder: Path) -> None:
    described = []
    for process in leftovers(folder):  # this run's own nodes, found by their folder
        with contextlib.suppress(psutil.NoSuchProcess):
            described.append(f"{process.pid} ({process.status()}): {' '.join(process.cmdline())}")
            process.kill()
    assert not described, f"nodes of the run against {folder.name} outlived it:\n" + "\n".join(described)


@cache
def catalogue_ids() -> frozenset[str]:
    from zmqspec.conformance.catalogue import CATALOGUE, read_catalogue

    return frozenset(behaviour.id for behaviour in read_catalogue(CATALOGUE))


@pytest.fixture(scope="session")
def control(tmp_path_factory) -> dict:
    """The control's run of the whole specification: its report.json, which also says, per test, the
    roles of the nodes it started and (``commands``, added here) the driver commands it sent."""
    out = tmp_path_factory.mktemp("control")
    report, _, took = run_spec(CONTROL / "manifest.toml", out, workers=CONTROL_WORKERS, trace=out / "trace")
    print(f"control: {len(report['tests'])} tests of the specification ran in {took:.1f} s")
    sent = commands_sent(out / "trace")
    for test in report["tests"]:
        test["commands"] = sorted(sent[test["nodeid"]]) if test["nodeid"] in sent else None
    return report


def commands_sent(trace: Path) -> dict[str, set[str]]:
    """What mutants/reference/trace_driver.py recorded: per test (its id relative to the spec package),
    the driver commands it sent, e.g. ``setsockopt immediate``."""
    sent: dict[str, set[str]] = {}
    for path in trace.glob("*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            test, _, command = line.partition("\t")
            if test and command:
                where, _, name = test.partition("::")
                sent.setdefault(f"{Path(where).name}::{name}", set()).add(command)
    return sent


def seams(mutant: str) -> tuple[str, ...] | None:
    """The driver commands through which a mutant driver's bug acts (``SEAMS`` in its node.py), or
    None: the bug may act on any test that starts its role."""
    tree = ast.parse((MUTANTS / mutant / "node.py").read_text(encoding="utf-8"))
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(getattr(t, "id", "") == "SEAMS" for t in statement.targets):
            return tuple(ast.literal_eval(statement.value))
    return None


def touching(control: dict, roles: set[str]) -> list[dict]:
    """The tests of the control's run that started a node of one of ``roles``: the only tests a mutant
    overriding those roles can change (every other node of its run is the reference, as in the control)."""
    return [test for test in control["tests"] if roles & set(test.get("roles", ()))]


def select(control: dict, mutant: str) -> list[str]:
    """The tests a mutant's run takes, in the control's order (docs/mutants.md, "What a mutant's run takes"):

    1. the tests that start a node of the mutated role; for a mutant driver that names its ``SEAMS``,
       only those that sent one of them (or whose commands went unrecorded);
    2. of those, every test that carries an id of ``catches``, all its parametrizations;
    3. and for every other id they carry, its quickest test in the control, unless that test took
       LONG_WAIT or more there (its runtime is waiting: TR-11's 32 quiet seconds).
    """
    catches = set(load_manifest(MUTANTS / mutant / "manifest.toml").catches)
    candidates = touching(control, _overridden(mutant))
    if SELECTION == "all":
        return [t["nodeid"] for t in candidates]
    wanted = seams(mutant)
    if wanted is not None:
        candidates = [t for t in candidates if t.get("commands") is None or set(wanted) & set(t["commands"])]
    chosen = {t["nodeid"] for t in candidates if catches & set(t["spec"])}
    covered = {id_ for t in candidates if t["nodeid"] in chosen for id_ in t["spec"]}
    for test in sorted(candidates, key=lambda t: t["duration"]):
        if test["duration"] < LONG_WAIT and set(test["spec"]) - covered:
            chosen.add(test["nodeid"])
            covered |= set(test["spec"])
    return [t["nodeid"] for t in candidates if t["nodeid"] in chosen]


class Runs:
    """The mutants' runs, JOBS at once, in the order of the session's meta-tests: each meta-test
    waits for its own mutant's run, which started as soon as a place was free."""

    def __init__(self, control: dict, names: list[str], folder: Path):
        self.control, self.folder = control, folder
        self.pool = ThreadPoolExecutor(max_workers=max(1, JOBS), thread_name_prefix="mutant")
        self.runs: dict[str, Future] = {name: self.pool.submit(self.run, name) for name in names}

    def run(self, mutant: str) -> tuple[list[str], dict, str, float]:
        tests = select(self.control, mutant)
        if not tests:
            return tests, {}, "", 0.0
        catches = load_manifest(MUTANTS / mutant / "manifest.toml").catches
        return (tests, *run_spec(MUTANTS / mutant / "manifest.toml", self.folder / mutant, tests, catches=catches))

    def result(self, mutant: str):
        if mutant not in self.runs:  # not foreseen (a meta-test re-run): run it now
            self.runs[mutant] = self.pool.submit(self.run, mutant)
        return self.runs[mutant].result()

    def close(self) -> None:
        for future in self.runs.values():
            future.cancel()
        self.pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def mutant_runs(request, control, tmp_path_factory):
    names = [item.callspec.params["mutant"] for item in request.session.items
             if getattr(item, "callspec", None) and "mutant" in item.callspec.params]
    runs = Runs(control, names, tmp_path_factory.mktemp("mutants"))
    yield runs
    runs.close()


_results_lock = threading.Lock()


def record_result(mutant: str, caught: bool, took: float, tests: int, problems: list[str]) -> None:
    """One line of ZMQSPEC_MUTANT_RESULTS, when set: how the mutant was judged (scripts/mutation-score)."""
    if not RESULTS:
        return
    line = json.dumps({"mutant": mutant, "caught_exactly": caught, "seconds": round(took, 1), "tests": tests,
                       "problems": [problem.splitlines()[0] for problem in problems]})
    with _results_lock, open(RESULTS, "a", encoding="utf-8") as out:
        out.write(line + "\n")


@pytest.mark.timeout(3 * RUN_TIMEOUT + 60)  # the control's run may come first, then one run ahead of this one
@pytest.mark.parametrize("mutant", mutant_names())
def test_the_suite_catches_the_mutant_by_exactly_its_ids(mutant, mutant_runs):
    """Run against a mutant, exactly the ids of its ``catches`` fail, each through an assertion on
    something seen (not a deadline), and no node of the run outlives it. The run takes the tests that
    start a node of the mutated role (known from the control's run), selected as ``select`` says."""
    impl = load_manifest(MUTANTS / mutant / "manifest.toml")
    assert impl.catches, f"mutant {mutant}'s manifest lists no catches"
    unknown = sorted(set(impl.catches) - catalogue_ids())
    assert not unknown, f"mutant {mutant} catches ids the catalogue does not have: {unknown}"
    try:
        tests, report, output, took = mutant_runs.result(mutant)
    except BaseException:
        record_result(mutant, False, 0.0, 0, ["the run did not end"])
        raise
    if not tests:
        record_result(mutant, False, 0.0, 0, ["no test selected"])
    assert tests, f"no test of the control's run starts a {sorted(_overridden(mutant))} node (and sends its seams)"
    print(f"{mutant}: {len(tests)} tests of the specification ran in {took:.1f} s; summary {report['summary']}")
    problems = judge(report, impl.catches, driver_mutant="driver" in _overridden(mutant))
    try:
        assert_no_leftovers(MUTANTS / mutant)
    except AssertionError as exc:
        problems.append(str(exc))
    record_result(mutant, not problems, took, len(tests), problems)
    assert not problems, f"mutant {mutant} (catches {list(impl.catches)}):\n" + "\n".join(problems)


@pytest.mark.timeout(RUN_TIMEOUT + 60)  # pytest-timeout's limit is scaled by the plugin
def test_the_control_passes_every_id(control):
    """The mutants' control (every role the reference) fails no id: a catch is the bug's doing; and its
    report says which roles each test started and which driver commands it sent, which is how a
    mutant's run is chosen."""
    report = control
    assert any(test.get("roles") for test in report["tests"]), "the control's report records no roles"
    assert any(test.get("commands") for test in report["tests"]), "the control's driver recorded no commands"
    failing = [t for t in report["tests"] if t["verdict"] in FAILING]
    assert not failing, f"the control fails:\n{describe(failing)}"
    assert_no_leftovers(CONTROL)

def _overridden(mutant: str) -> set[str]:
    import tomllib

    data = tomllib.loads((MUTANTS / mutant / "manifest.toml").read_text(encoding="utf-8"))
    return set(data.get("roles", {}))


def test_every_mutant_is_based_on_the_reference_and_overrides_one_role_with_its_node():
    """Each mutants/<name>/ has a node.py, a manifest based on the reference that overrides one
    role with it, and a non-empty ``catches``."""
    for name in mutant_names():
        data = (MUTANTS / name / "manifest.toml").read_text(encoding="utf-8")
        impl = load_manifest(MUTANTS / name / "manifest.toml")
        assert 'base = "reference"' in data, f"mutant {name} is not based on the reference"
        assert len(_overridden(name)) == 1, f"mutant {name} overrides {_overridden(name)}, not one role"
        assert (MUTANTS / name / "node.py").is_file() and "{here}/node.py" in data, f"mutant {name} runs no node.py"
        assert impl.catches, f"mutant {name} lists no catches"


def test_deadlines_are_told_from_assertions():
    """The judge's reading of report messages: a harness wait that ran out is a deadline."""
    assert is_deadline({"message": f"zmqspec.harness.process.DeadlinePassed: {DEADLINE_MARK} x did not happen"})
    assert is_deadline({"message": "zmqspec.harness.driver_client.DriverError: EAGAIN recv timed out"})
    assert not is_deadline({"message": "zmqspec.harness.process.WrongLine: a wrong 'RECEIVED:' line"})
    assert not is_deadline({"message": "AssertionError: the server printed ['x']"})
