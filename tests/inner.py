"""What a run started inside a test inherits, and how it is run: the suite's self-tests start pytest,
``zmqspec check``, the scripts and bad nodes as child processes, and none of them may see the outer
run's choices or outlive its deadline."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from zmqspec.harness import scaled

ROOT = Path(__file__).resolve().parent.parent
PYTEST = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider")  # an inner pytest: no cache written
# An inner pytest without Hypothesis's plugin, for runs that need none of its options: the plugin
# imports Hypothesis at the end of every run, a tenth of a second of CPU each time.
PLAIN_PYTEST = (*PYTEST, "-p", "no:hypothesispytest")
RUN_DEADLINE = 120.0  # seconds, scaled by ZMQSPEC_TIMEOUT_SCALE

# The outer run's implementation, xfails, peer and pytest options; xdist's and pytest's own markers.
OUTER_ONLY = ("ZMQSPEC_IMPL", "ZMQSPEC_XFAILS", "ZMQSPEC_PEER_IMPL", "ZMQSPEC_PEER_ROLES", "PYTEST_ADDOPTS")
OUTER_PREFIXES = ("PYTEST_XDIST", "PYTEST_CURRENT")


def inner_env(*also: str, **extra: str) -> dict[str, str]:
    """This process's environment without what belongs to the outer run (and without the names in
    ``also``), with ``extra`` set."""
    dropped = OUTER_ONLY + also
    clean = {key: value for key, value in os.environ.items()
             if key not in dropped and not key.startswith(OUTER_PREFIXES)}
    return {**clean, **extra}


def run_inner(argv: list[str] | tuple[str, ...], *, env: dict[str, str] | None = None, cwd: Path = ROOT,
              merge_stderr: bool = False, deadline: float = RUN_DEADLINE) -> subprocess.CompletedProcess:
    """Run ``argv`` in its own session from ``cwd`` with ``env`` (default: :func:`inner_env`), no
    standard input, text output captured (stderr into stdout with ``merge_stderr``). After
    ``deadline`` seconds (scaled) its whole process group is killed and the test fails, naming the
    command and showing the end of its output."""
    argv = list(argv)
    proc = subprocess.Popen(argv, cwd=cwd, env=inner_env() if env is None else env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=scaled(deadline))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"{' '.join(argv)} was still running after {scaled(deadline):.0f} s\n{stdout[-3000:]}")
    return subprocess.CompletedProcess(argv, proc.returncode, stdout, "" if merge_stderr else stderr)


INNER_SUITES = ROOT / "tests" / "inner_suites"


def collect_spec(folder: Path) -> dict[str, list[str]]:
    """Every test of the specification as a collect-only pytest run of zmqspec/spec finds it: its test
    id, named from the spec package as xfails entries name it (``test_reqrep.py::test_x``) -> the
    catalogue ids its ``spec`` markers give it (written by inner_suites/spec_ids_dump.py into
    ``folder``). It imports the whole specification: about a second of CPU."""
    dump = folder / "spec-ids.json"
    done = run_inner([*PLAIN_PYTEST, "--collect-only", "-q", "-p", "spec_ids_dump", "zmqspec/spec"],
                     env=inner_env(PYTHONPATH=str(INNER_SUITES), SPEC_IDS_DUMP=str(dump)), merge_stderr=True)
    assert done.returncode == 0, done.stdout[-3000:]
    tagged = json.loads(dump.read_text())
    assert len(tagged) > 400, f"only {len(tagged)} tests collected\n{done.stdout[-2000:]}"
    return {nodeid.removeprefix("zmqspec/spec/"): ids for nodeid, ids in tagged.items()}


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder: the one xdist's workers' folders (``popen-gwN``) share."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def once_per_run(root: Path, name: str, make: Callable[[Path], Any]) -> Any:
    """``make(folder)``'s value (JSON), made once for everyone who asks with the same ``root`` and
    ``name``: the first makes it while it holds an exclusive lock on a file in ``root``, and writes it
    there; the others wait for the lock and read it. With ``root`` the :func:`run_folder`, that is
    once in a run however many xdist workers ask: for the fixtures whose inner run costs a second or
    more and that tests on several workers read."""
    made = root / f"once-{name}.json"
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if made.exists():
            return json.loads(made.read_text())
        folder = root / f"once-{name}"
        folder.mkdir(exist_ok=True)
        value = make(folder)
        made.write_text(json.dumps(value))
        return value
