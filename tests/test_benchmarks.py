"""benchmarks/run.py's machinery, without measuring anything: a missed goal is flagged and fails the
run; a figure measured under load says so; bad arguments are refused."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("zmqspec_benchmarks_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_missed_goal_is_flagged_in_the_line_and_the_table(bench, capsys):
    table = bench.Table()
    table.add("fast thing", "1 s", "-", "-", "<= 2 s", True)
    table.add("slow thing", "3 s", "-", "-", "<= 2 s", False)
    table.add("record only", "5 s", "-", "-", "-", None)
    out = capsys.readouterr().out
    assert "slow thing: 3 s" in out and out.count("<-- MISSED") == 1
    assert table.missed == ["slow thing"]
    assert "| slow thing | 3 s | - | - | <= 2 s | **MISSED** | - |" in table.markdown()
    assert "| fast thing | 1 s | - | - | <= 2 s | met | - |" in table.markdown()


def test_a_figure_measured_under_load_says_so(bench):
    conditions = bench.Load()
    conditions.peak = bench.CORES + 0.5
    assert conditions.under_load and conditions.describe().startswith("under load (")
    conditions.peak = 0.0
    assert conditions.describe() == "quiet"


def test_unknown_figures_are_refused_with_status_2():
    done = subprocess.run([sys.executable, str(SCRIPT), "--only", "warp"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "unknown figures ['warp']" in done.stderr, done.stderr
