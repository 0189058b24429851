"""Mutants: proof that the suite bites, each bug by exactly its own ids (docs/mutants.md).

Each folder under mutants/ holds an implementation that is the reference
but for ONE realistic bug in one role. Its manifest says so: ``base =
"reference"`` with only the broken role in ``[roles]``, and ``catches``
lists the catalogue ids the bug breaks. For each mutant the specification
(zmqspec/spec) runs against the mutant's manifest in a subprocess with
``--conformance-report``, and this meta-test reads the report.json it
writes. The run takes only the tests that start a node of the mutated role:
the control's run (below) records, per test, the roles it started, and a
test that starts none of the mutated role runs exactly as in the control. The mutant is caught when

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

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import psutil
import pytest

from zmqspec.harness import DEADLINE_MARK, load_manifest, scaled

pytestmark = [pytest.mark.meta, pytest.mark.slow, pytest.mark.mutants]

REPO = Path(__file__).resolve().parent.parent
MUTANTS = REPO / "mutants"
SPEC = REPO / "zmqspec" / "spec"
CONTROL = MUTANTS / "reference"
RUN_TIMEOUT = 300.0  # one run of the whole specification against one mutant, however it fails
LEFTOVER_GRACE = 5.0
WORKERS = os.environ.get("ZMQSPEC_MUTANT_WORKERS", "2")  # xdist workers of each run (-n)
HYPOTHESIS_SEED = 0  # the fuzz tests draw the same examples in every run against every mutant

FAILING = ("fail", "broken driver")
# How a failure says it is a deadline rather than an assertion on something seen.
DEADLINE = re.compile("|".join([re.escape(DEADLINE_MARK), r"\bDeadlinePassed\b", r"DriverError: EAGAIN",
                                r"^Failed: Timeout", r"Timeout \(>"]), re.MULTILINE)
CRASH = "Traceback (most recent call last)"  # a node's Python traceback in the message: it crashed


def mutant_names() -> list[str]:
    return sorted(path.parent.name for path in MUTANTS.glob("*/manifest.toml") if path.parent != CONTROL)


def run_spec(manifest: Path, out: Path, tests: list[str] | None = None) -> tuple[dict, str, float]:
    """Run the specification against ``manifest`` (only ``tests``, ids relative to the spec package, when
    given); (report.json, pytest's output, seconds)."""
    chosen = [str(SPEC / test) for test in tests] if tests is not None else [str(SPEC)]
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", WORKERS,
            f"--hypothesis-seed={HYPOTHESIS_SEED}", f"--impl={manifest}", f"--conformance-report={out}", *chosen]
    env = {key: value for key, value in os.environ.items()
           if key != "PYTEST_ADDOPTS" and not key.startswith("PYTEST_XDIST")}
    env["XDG_CACHE_HOME"] = str(out / "cache")  # a mutant's failing examples stay out of hypothesis's database
    began = time.monotonic()
    run = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    try:
        output, _ = run.communicate(timeout=scaled(RUN_TIMEOUT))
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        output, _ = run.communicate()
        pytest.fail(f"the run against {manifest} did not end within {scaled(RUN_TIMEOUT):.0f} s:\n{output[-4000:]}")
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
    roles of the nodes it started."""
    report, _, _ = run_spec(CONTROL / "manifest.toml", tmp_path_factory.mktemp("control"))
    return report


def touching(control: dict, roles: set[str]) -> list[str]:
    """The tests of the control's run that started a node of one of ``roles``: the only tests a mutant
    overriding those roles can change (every other node of its run is the reference, as in the control)."""
    return [test["nodeid"] for test in control["tests"] if roles & set(test.get("roles", ()))]


@pytest.mark.timeout(2 * RUN_TIMEOUT + 60)  # the control's run may come first; the plugin scales the limit
@pytest.mark.parametrize("mutant", mutant_names())
def test_the_suite_catches_the_mutant_by_exactly_its_ids(mutant, tmp_path, control):
    """Run against a mutant, exactly the ids of its ``catches`` fail, each through an assertion on
    something seen (not a deadline), and no node of the run outlives it. The run takes the tests
    that start a node of the mutated role (known from the control's run): no other test can change."""
    impl = load_manifest(MUTANTS / mutant / "manifest.toml")
    assert impl.catches, f"mutant {mutant}'s manifest lists no catches"
    unknown = sorted(set(impl.catches) - catalogue_ids())
    assert not unknown, f"mutant {mutant} catches ids the catalogue does not have: {unknown}"
    tests = touching(control, _overridden(mutant))
    assert tests, f"no test of the control's run starts a {sorted(_overridden(mutant))} node"
    report, output, took = run_spec(MUTANTS / mutant / "manifest.toml", tmp_path, tests)
    print(f"{mutant}: {len(tests)} tests of the specification ran in {took:.1f} s; summary {report['summary']}")
    problems = judge(report, impl.catches, driver_mutant="driver" in _overridden(mutant))
    assert not problems, f"mutant {mutant} (catches {list(impl.catches)}):\n" + "\n".join(problems)
    assert_no_leftovers(MUTANTS / mutant)


@pytest.mark.timeout(RUN_TIMEOUT + 60)  # pytest-timeout's limit is scaled by the plugin
def test_the_control_passes_every_id(control):
    """The mutants' control (every role the reference) fails no id: a catch is the bug's doing; and its
    report says which roles each test started, which is how a mutant's run is chosen."""
    report = control
    assert any(test.get("roles") for test in report["tests"]), "the control's report records no roles"
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
