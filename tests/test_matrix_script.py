"""``scripts/conformance-matrix``: the command that judges the shipped stacks and writes the matrix page.

CI runs it on every submission; these run it on one id, so a change that breaks the command (its
arguments to ``zmqspec check``, its exit status) fails here, in the default run, not in CI's last job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec.harness import scaled

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "conformance-matrix"
OUTER_ONLY = ("ZMQSPEC_IMPL", "ZMQSPEC_XFAILS", "ZMQSPEC_PEER_IMPL", "ZMQSPEC_PEER_ROLES", "PYTEST_ADDOPTS")


def matrix(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if key not in OUTER_ONLY and not key.startswith(("PYTEST_XDIST", "PYTEST_CURRENT"))}
    # `-n auto` as CI passes it, resolved to one worker: each stack's check of one id then starts one
    # pytest worker, not two per core (each one a whole collection of the specification).
    clean["PYTEST_XDIST_AUTO_NUM_WORKERS"] = "1"
    return subprocess.run([sys.executable, str(SCRIPT), "--reports", str(tmp_path / "reports"),
                           "--out", str(tmp_path / "matrix.md"), *args],
                          cwd=ROOT, env=clean, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=scaled(240))


@pytest.mark.slow
def test_the_matrix_command_judges_each_stack_and_writes_a_column_per_stack(tmp_path):
    done = matrix(tmp_path, "--only", "reference,asyncio", "--spec", "NC-6", "-n", "auto")
    assert done.returncode == 0, done.stdout + done.stderr
    page = (tmp_path / "matrix.md").read_text()
    row = next(line for line in page.splitlines() if line.startswith("| NC-6 |"))
    assert row.count("pass") == 2, row
    rows = json.loads((tmp_path / "reports" / "matrix.json").read_text())["rows"]
    judged = [(row["id"], sorted(row["verdicts"].values())) for row in rows if set(row["verdicts"].values()) != {"untested"}]
    assert judged == [("NC-6", ["pass", "pass"])], judged


def test_a_stack_whose_check_cannot_run_is_left_out_by_name_and_fails_the_command(tmp_path):
    done = matrix(tmp_path, "--only", "reference", "--spec", "NC-6", "-n", "many")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "reference left out: zmqspec check exited 2" in done.stderr, done.stderr
    assert "argument -n: must be 'auto'" in done.stderr, done.stderr
