"""``scripts/conformance-matrix``: the command that judges the shipped stacks and writes the matrix page.

CI runs it on every submission; these run it on one id, so a change that breaks the command (its
arguments to ``zmqspec check``, its exit status) fails here, in the default run, not in CI's last job.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec.harness import scaled

from inner import inner_env

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "conformance-matrix"


def matrix(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    clean = inner_env()
    return subprocess.run([sys.executable, str(SCRIPT), "--reports", str(tmp_path / "reports"),
                           "--out", str(tmp_path / "matrix.md"), *args],
                          cwd=ROOT, env=clean, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=scaled(240))


@pytest.mark.slow
def test_the_matrix_command_judges_each_stack_and_writes_a_column_per_stack(tmp_path):
    done = matrix(tmp_path, "--only", "reference,asyncio", "--spec", "NC-6", "-n", "0")
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


def test_a_reused_stack_is_rendered_from_its_report_without_being_judged_again(tmp_path):
    first = matrix(tmp_path, "--only", "reference", "--spec", "NC-6", "-n", "0")
    assert first.returncode == 0, first.stdout + first.stderr
    (tmp_path / "matrix.md").unlink()
    again = matrix(tmp_path, "--only", "reference", "--reuse", "reference")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "reference: reusing" in again.stdout and "zmqspec check" not in again.stdout, again.stdout
    assert "--reuse reference" in (tmp_path / "matrix.md").read_text()


def test_reusing_a_stack_without_a_report_is_refused_before_anything_runs(tmp_path):
    done = matrix(tmp_path, "--only", "reference", "--reuse", "reference")
    assert done.returncode == 2 and "--reuse: no report.json for reference" in done.stderr, done.stderr
    assert done.stdout == ""
