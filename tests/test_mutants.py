"""Mutants: proof that the suite bites (docs/mutants.md).

Each folder under mutants/ holds an implementation that is the reference
but for ONE realistic bug in one role. For each mutant the suite runs, in a
subprocess and only for the catalogue ids that should catch the bug, against
the mutant's manifest; this meta-test then reads pytest's own JUnit XML. A
mutant counts as caught when every expected id has a test that FAILED in its
call phase through the behaviour's own check: an assertion or a wait that
ran out, not a node that crashed with a traceback, not an error in setup.
Each expected id gets a run of its own, stopped at its first failure.
A broken driver is caught when the harness says "broken driver", at once.
Then the control: the very test that caught the mutant runs again against
mutants/reference/, where every role is the reference node, and must pass,
so the catch is the bug's doing and not the manifest's.

The catalogue ids each mutant expects are data (``CATCHES``). An expected
id that no test checks yet makes its mutant xfail, "waiting for the test".
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import psutil
import pytest

from zmqspec.harness import scaled

pytestmark = [pytest.mark.meta, pytest.mark.slow, pytest.mark.mutants]

REPO = Path(__file__).resolve().parent.parent
MUTANTS = REPO / "mutants"
SPEC = REPO / "zmqspec" / "spec"
CONTROL = MUTANTS / "reference"
RUN_TIMEOUT = 180.0  # one run of the suite against one mutant, however it fails
LEFTOVER_GRACE = 5.0


@dataclass(frozen=True)
class Catch:
    ids: tuple[str, ...]  # every one of these ids must have a test that fails on the mutant
    broken_driver: bool = False  # the verdict must be "broken driver" (the driver broke its protocol)
    message: str = ""  # a regex every catching failure must match, when the way it fails matters


CATCHES = {
    "req-first-server": Catch(("RR-2",)),
    "rep-one-space": Catch(("RR-1",)),
    "gateway-stale-reply": Catch(("RR-7",)),
    "gateway-first-frame-only": Catch(("RR-12",)),
    "pub-waits-for-subscriber": Catch(("PS-2",)),
    "sub-ignores-filter": Catch(("PS-6",)),
    "sub-matches-whole-field": Catch(("PS-6",)),
    "driver-sub-gets-everything": Catch(("PS-3",)),
    "driver-unsubscribe-removes-all": Catch(("PS-7",)),
    "sink-stops-early": Catch(("PP-1",)),
    "sink-waits-for-one-more": Catch(("PP-1",)),
    "ventilator-batches-tasks": Catch(("PP-4",)),
    "worker-drops-every-10th": Catch(("PP-8",)),
    "worker-ignores-kill": Catch(("PP-9",)),
    "rep-ready-unresolved-port": Catch(("NC-1",)),
    "rep-binds-any-address": Catch(("NC-2",)),
    "rep-ignores-stdin-eof": Catch(("NC-3",)),
    "rep-ignores-sigterm": Catch(("NC-4",)),
    "rep-usage-on-bad-args": Catch(("NC-5",)),
    "driver-wrong-seq": Catch(("NC-8", "PS-3"), broken_driver=True),
    "driver-python-repr": Catch(("NC-8", "PS-3"), broken_driver=True),
    "driver-hangs-on-quit": Catch(("NC-8",), message=r"still running"),
    # issue #14
    "ventilator-lingers-on-eof": Catch(("NC-3",)),
    "pub-queues-without-bound": Catch(("PS-18",)),
    "driver-ignores-immediate": Catch(("TR-7",)),
    "driver-ignores-conflate": Catch(("TR-8",)),
    "driver-ignores-req-relaxed": Catch(("RR-17",)),
    "driver-ignores-req-correlate": Catch(("RR-18",)),
    "driver-ignores-sndhwm": Catch(("PP-16",)),
    "driver-ignores-xpub-verboser": Catch(("PS-22",)),
    "driver-ignores-xpub-nodrop": Catch(("PS-28",)),
    "driver-ignores-xpub-welcome-msg": Catch(("PS-27",)),
}

# How a test fails when its own check fails: an assertion, pytest.fail / "DID NOT RAISE", a
# harness wait that ran out (NodeFailure is an AssertionError), a driver recv that got nothing.
OWN_CHECK = re.compile(r"^(AssertionError|(\w+\.)*NodeFailure|Failed|(\w+\.)*DriverError: EAGAIN)\b")
# Hypothesis reports several distinct failures as a group: it counts when an assertion is among them.
GROUP = re.compile(r"^(ExceptionGroup|(\w+\.)*FlakyFailure)\b")
GROUPED_OWN_CHECK = re.compile(r"^[ |]*(E\s+)?(AssertionError|(\w+\.)*NodeFailure)\b", re.MULTILINE)
# The tests of a catalogue section run first, so a run stopped at its first failure stops there.
SECTION_MODULES = {"RR": "test_reqrep.py", "PS": "test_pubsub.py", "PP": "test_pipeline.py",
                   "TR": "test_transports.py", "NC": "test_contract.py"}
BROKEN_DRIVER = re.compile(r"broken driver")
CRASH = "Traceback (most recent call last)"  # a node's stderr shown in the failure: the node crashed


@dataclass(frozen=True)
class Case:
    nodeid: str
    ids: frozenset[str]
    outcome: str  # passed, failed, error, skipped
    message: str = ""
    text: str = ""

    def describe(self) -> str:
        return f"{self.nodeid} [{', '.join(sorted(self.ids))}]: {self.outcome} {self.message[:300]!r}"


@cache
def files_checking() -> dict[str, list[Path]]:
    """Catalogue id -> the test files of the specification that carry it (read from the sources),
    the file of the id's catalogue section first."""
    mark = re.compile(r"""mark\.spec\(\s*["']([A-Z]+-\d+)["']""")
    found: dict[str, list[Path]] = {}
    for path in sorted(SPEC.glob("test_*.py")):
        for id_ in sorted(set(mark.findall(path.read_text(encoding="utf-8")))):
            found.setdefault(id_, []).append(path)
    for id_, paths in found.items():
        paths.sort(key=lambda path: path.name != SECTION_MODULES.get(id_.split("-")[0]))
    return found


def run_suite(manifest: Path, junit: Path, *selection: str) -> tuple[int, str]:
    """Run the ``selection`` of tests against ``manifest``; return pytest's exit status and its output."""
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "junit_spec", "-q",
            "--impl", str(manifest), f"--junitxml={junit}", *selection]
    env = {key: value for key, value in os.environ.items()
           if key != "PYTEST_ADDOPTS" and not key.startswith("PYTEST_XDIST")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(MUTANTS), os.environ.get("PYTHONPATH")]))
    env["XDG_CACHE_HOME"] = str(junit.parent / "cache")  # a mutant's failing examples stay out of hypothesis's database
    run = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    try:
        output, _ = run.communicate(timeout=scaled(RUN_TIMEOUT))
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        output, _ = run.communicate()
        pytest.fail(f"the run against {manifest} did not end within {scaled(RUN_TIMEOUT):.0f} s:\n{output[-4000:]}")
    return run.returncode, output


def read_cases(junit: Path) -> list[Case]:
    cases = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        properties = [(p.get("name"), p.get("value")) for p in case.iter("property")]
        ids = frozenset(value for name, value in properties if name == "spec")
        nodeid = next((value for name, value in properties if name == "nodeid"), case.get("name"))
        for outcome in ("failure", "error", "skipped"):
            found = case.find(outcome)
            if found is not None:
                cases.append(Case(nodeid, ids, {"failure": "failed"}.get(outcome, outcome),
                                  found.get("message", ""), found.text or ""))
                break
        else:
            cases.append(Case(nodeid, ids, "passed"))
    return cases


def catches(case: Case, catch: Catch) -> bool:
    """Did this test fail on the mutant the way the expected catch says?"""
    if case.outcome != "failed" or CRASH in case.text or not re.search(catch.message, case.message + case.text):
        return False
    if catch.broken_driver:
        return bool(BROKEN_DRIVER.search(case.message))
    if BROKEN_DRIVER.search(case.message):
        return False
    return bool(OWN_CHECK.match(case.message) or GROUP.match(case.message) and GROUPED_OWN_CHECK.search(case.text))


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
    alive = leftovers(folder)
    described = []
    for process in alive:  # this run's own nodes, found by their folder
        with contextlib.suppress(psutil.NoSuchProcess):
            described.append(f"{process.pid} ({process.status()}): {' '.join(process.cmdline())}")
            process.kill()
    assert not described, f"nodes of the run against {folder.name} outlived it:\n" + "\n".join(described)


@pytest.mark.timeout(3 * RUN_TIMEOUT)  # pytest-timeout's limit is scaled by the plugin
@pytest.mark.parametrize("mutant", list(CATCHES))
def test_the_suite_catches_the_mutant(mutant, tmp_path):
    """Run against a mutant, each expected catalogue id has a test that fails through the
    behaviour's own check, within the run's deadline, leaving no node running; that same
    test passes against the reference."""
    catch = CATCHES[mutant]
    present = [id_ for id_ in catch.ids if id_ in files_checking()]
    missing = [id_ for id_ in catch.ids if id_ not in files_checking()]
    for id_ in present:  # one run per id, stopped at its first failure: one catch is enough
        junit = tmp_path / f"{id_}.xml"
        status, output = run_suite(MUTANTS / mutant / "manifest.toml", junit, "--exitfirst", "--spec", id_,
                                   *map(str, files_checking()[id_]))
        checked = [case for case in read_cases(junit) if id_ in case.ids] if junit.exists() else []
        assert checked, f"no test of {id_} ran against mutant {mutant} (exit status {status}):\n{output[-4000:]}"
        caught = [case for case in checked if catches(case, catch)]
        assert status == 1 and caught, (
            f"mutant {mutant} was not caught by {id_}{' as a broken driver' if catch.broken_driver else ''} "
            f"(exit status {status}); its tests:\n" + "\n".join(case.describe() for case in checked)
        )
        assert_no_leftovers(MUTANTS / mutant)

        control = tmp_path / f"{id_}-control.xml"
        status, output = run_suite(CONTROL / "manifest.toml", control, caught[0].nodeid)
        assert status == 0, f"{caught[0].nodeid}, which caught {mutant}, fails on the reference too:\n{output[-4000:]}"
    if missing:
        pytest.xfail(f"waiting for the test of {', '.join(missing)}")


def test_every_mutant_folder_is_in_the_table_and_names_a_node():
    """Each mutants/<name>/ has a manifest and a node.py, and CATCHES says what catches it."""
    folders = {path.parent.name for path in MUTANTS.glob("*/manifest.toml")} - {CONTROL.name}
    assert folders == set(CATCHES), (
        f"folders without a row in CATCHES: {folders - set(CATCHES)}; rows without a folder: {set(CATCHES) - folders}"
    )
    for name in folders:
        manifest = (MUTANTS / name / "manifest.toml").read_text(encoding="utf-8")
        assert (MUTANTS / name / "node.py").is_file() and "{here}/node.py" in manifest, (
            f"mutant {name} runs no node.py of its own"
        )
