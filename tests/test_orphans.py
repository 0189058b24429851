"""No orphans: however a run ends, the nodes it started end too (docs/contract.md, section 3)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from zmqspec.harness import scaled

pytestmark = [pytest.mark.meta, pytest.mark.slow]

HOLDER = Path(__file__).parent / "inner_suites" / "hold_nodes.py"
NODES_PER_TEST, TESTS = 3, 2


def read_pids(inbox: socket.socket, run: subprocess.Popen, expected_reports: int, timeout: float) -> list[int]:
    """Each held test sends one datagram listing its nodes' pids; collect them with a deadline."""
    inbox.settimeout(scaled(timeout))
    pids: list[int] = []
    for _ in range(expected_reports):
        try:
            pids += [int(pid) for pid in inbox.recv(4096).split()]
        except TimeoutError:
            break
    assert len(pids) == expected_reports * NODES_PER_TEST, (
        f"the held run reported node pids {pids} (expected {expected_reports * NODES_PER_TEST}); "
        f"its output:\n{run.stdout.read().decode() if run.poll() is not None else '(still running)'}"
    )
    return pids


def survivors(pids: list[int], timeout: float) -> list[str]:
    alive = [p for p in map(_process, pids) if p is not None]
    _, still = psutil.wait_procs(alive, timeout=scaled(timeout))
    return [f"{p.pid}: {' '.join(p.cmdline())}" for p in still if p.is_running()]


def _process(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def held_run(tmp: str) -> tuple[subprocess.Popen, list[int]]:
    address = os.path.join(tmp, "pids")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as inbox:
        inbox.bind(address)
        run = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", str(TESTS), str(HOLDER)],
            env={**os.environ, "ZMQSPEC_ORPHAN_INBOX": address}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True, cwd=Path(__file__).parent.parent,
            # A shell that starts us in the background ignores SIGINT, and exec keeps that: the
            # held run must start with SIGINT at its default, as a run at a terminal does.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        return run, read_pids(inbox, run, TESTS, timeout=60)


@pytest.mark.spec("NC-7")
def test_interrupting_a_run_leaves_no_node_running():
    """SIGINT to a running `pytest -n 2` (as Ctrl-C does) ends every node it started within 5 s."""
    with tempfile.TemporaryDirectory(prefix="zs-orphan-") as tmp:
        run, pids = held_run(tmp)
        os.killpg(run.pid, signal.SIGINT)
        try:
            left = survivors(pids, timeout=5)
        finally:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert not left, "nodes still running 5 s after SIGINT:\n" + "\n".join(left)


@pytest.mark.spec("NC-7")
def test_killing_a_run_outright_leaves_no_node_running():
    """SIGKILL to pytest and its xdist workers: the nodes notice and exit by themselves within 5 s."""
    with tempfile.TemporaryDirectory(prefix="zs-orphan-") as tmp:
        run, pids = held_run(tmp)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        left = survivors(pids, timeout=5)
    assert not left, "nodes still running 5 s after their test run was killed:\n" + "\n".join(left)
