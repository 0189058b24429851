"""``zmqspec check``: the specification alone, from any folder, a verdict per id, and its exit status.

Each check runs ``python -m zmqspec check`` in a scratch folder (never the
checkout), so what is checked is what a user of an installed package gets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec.harness import scaled

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
RUN_DEADLINE = 180.0
OUTER_ONLY = ("ZMQSPEC_IMPL", "ZMQSPEC_XFAILS", "ZMQSPEC_PEER_IMPL", "ZMQSPEC_PEER_ROLES", "PYTEST_ADDOPTS")


def check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if key not in OUTER_ONLY and not key.startswith(("PYTEST_XDIST", "PYTEST_CURRENT"))}
    proc = subprocess.Popen([sys.executable, "-m", "zmqspec", "check", *args], cwd=tmp_path, env=clean,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=scaled(RUN_DEADLINE))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"zmqspec check {' '.join(args)} was still running after {scaled(RUN_DEADLINE):.0f} s\n{stdout}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("args, says", [
    ((), "the following arguments are required: --impl"),
    (("--impl", "no-such.toml"), "does not exist"),
    (("--impl", "reference", "--spec", "XX-1"), "--spec XX-1: no such id"),
    (("--impl", "reference", "--spec", "RR-1", "XX-2", "--spec", "XX-3"), "--spec XX-2, XX-3: no such id"),
    (("--impl", "reference", "--xfails", "no-such.txt"), "--xfails no-such.txt: no such file"),
])
def test_check_answers_bad_input_with_one_line_and_status_2(tmp_path, args, says):
    done = check(tmp_path, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.splitlines()) == 1 and says in done.stderr, done.stderr
    assert done.stdout == ""


def test_check_refuses_a_report_folder_that_is_a_file(tmp_path):
    (tmp_path / "out").write_text("")
    done = check(tmp_path, "--impl", "reference", "--report", "out")
    assert done.returncode == 2 and done.stderr == "zmqspec check: error: --report out: that is a file, not a folder\n"


def test_version_names_the_package_version():
    from zmqspec import __version__

    done = subprocess.run([sys.executable, "-m", "zmqspec", "--version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, f"zmqspec {__version__}\n")


@pytest.mark.slow
def test_check_runs_only_the_specification_and_prints_each_id_with_its_sentence(tmp_path):
    done = check(tmp_path, "--impl", "reference", "--spec", "NC-6", "--report", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "zmqspec check: reference" in done.stdout and "1 ids: 1 pass" in done.stdout
    assert "\nNode contract (docs/contract.md)\n  pass" in done.stdout, done.stdout
    line = next(line for line in done.stdout.splitlines() if " NC-6 " in line)
    assert "`--help` describes each role" in line
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["tests"] and all(not test["nodeid"].startswith("tests/") for test in report["tests"])
    assert {spec for test in report["tests"] for spec in test["spec"]} == {"NC-6"}


@pytest.mark.slow
def test_check_exits_1_when_an_id_fails_and_shows_it(tmp_path):
    manifest = ROOT / "mutants" / "rep-one-space" / "manifest.toml"
    done = check(tmp_path, "--impl", str(manifest), "--spec", "RR-1", "--", "-k", "prints_starting_ready")
    assert done.returncode == 1, done.stdout + done.stderr
    assert any(line.split()[:2] == ["FAIL", "RR-1"] for line in done.stdout.splitlines()), done.stdout
