"""What a run started inside a test inherits, and how it is run: the suite's self-tests start pytest,
``zmqspec check``, the scripts and bad nodes as child processes, and none of them may see the outer
run's choices or outlive its deadline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec.harness import scaled

ROOT = Path(__file__).resolve().parent.parent
PYTEST = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider")  # an inner pytest: no cache written
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
