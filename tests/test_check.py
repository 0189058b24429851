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
import time
import uuid
from pathlib import Path

import psutil
import pytest

from zmqspec.conformance import check as check_module
from zmqspec.contract import ROLES
from zmqspec.harness import scaled

from inner import run_inner

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
RUN_DEADLINE = 180.0
CHECK_TOKEN = "ZMQSPEC_CHECK_RUN"  # put in check's environment; its run and every node inherit it


def check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_inner([sys.executable, "-m", "zmqspec", "check", *args], cwd=tmp_path, deadline=RUN_DEADLINE)


@pytest.mark.parametrize("args, says", [
    ((), "the following arguments are required: --impl"),
    (("--impl", "no-such.toml"), "does not exist"),
    (("--impl", "reference", "--spec", "XX-1"), "--spec XX-1: no such id"),
    (("--impl", "reference", "--spec", "RR-1", "XX-2", "--spec", "XX-3"), "--spec XX-2, XX-3: no such id"),
    (("--impl", "reference", "--xfails", "no-such.txt"), "--xfails no-such.txt: no such file"),
    (("--impl", "reference", "-k", "ready"), "unrecognized arguments: -k (pytest's own options go after --, as in: "
                                             "zmqspec check --impl MANIFEST -- -k ..."),
    (("--impl", "reference", "-n", "many"), "argument -n: must be 'auto', 'logical' or a number of 0 or more, got 'many'"),
    (("--impl", "reference", "-n", "-1"), "argument -n: must be 'auto', 'logical' or a number of 0 or more, got '-1'"),
])
def test_check_answers_bad_input_with_one_line_and_status_2(tmp_path, args, says):
    done = check(tmp_path, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.splitlines()) == 1 and says in done.stderr, done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("workers", ["auto", "logical", "0", "2"])
def test_check_hands_its_workers_to_pytest_xdist_as_given(tmp_path, workers):
    command = check_module.pytest_command(check_module.parse_args(["--impl", "reference", "-n", workers]), tmp_path)
    assert command[command.index("-n") + 1] == workers, command


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


def test_check_exits_1_when_nothing_of_the_implementation_was_judged(tmp_path):
    """A manifest that provides none of the roles the chosen ids need gets no verdict at all: check says
    so and exits 1, so a CI job does not go green having judged nothing."""
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('name = "only-a-server"\n[roles]\nrep-server = "{python} -m zmqspec rep-server"\n')
    done = check(tmp_path, "--impl", str(manifest), "--spec", "DP-3")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no id got a verdict" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "conformance report written to" not in done.stdout, "check announced a report folder it removes"


def nodes_of(token: str, besides: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.pid != besides and process.environ().get(CHECK_TOKEN) == token:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def test_check_told_to_stop_stops_the_run_and_every_node_it_started(tmp_path):
    """SIGTERM to ``zmqspec check`` alone (what ``timeout`` and a cancelled CI job send) ends its pytest
    run and every node of it, and check exits 128 + 15 with one line (NC-7: nothing outlives its parent)."""
    token = uuid.uuid4().hex
    # the whole PUSH-PULL pattern: minutes of work, so a check that merely waits for its run to end fails
    proc = subprocess.Popen([sys.executable, "-m", "zmqspec", "check", "--impl", "reference", "--", "-m", "pipeline"],
                            cwd=tmp_path, env={**os.environ, CHECK_TOKEN: token}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + scaled(60)
    try:
        while not any(set(p.cmdline()) & set(ROLES) for p in nodes_of(token, proc.pid)):
            assert proc.poll() is None, f"check ended ({proc.returncode}) before any node started: {proc.stderr.read()}"
            assert time.monotonic() < deadline, "no node of the check's run started within 60 s"
            time.sleep(0.05)  # noqa: sleep-ok (polling the process table: no event announces a new process)
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(scaled(20))
        except subprocess.TimeoutExpired:
            pytest.fail("check was still running 20 s after SIGTERM: it waits for its run instead of stopping it")
        left = nodes_of(token, proc.pid)
        gone_by = time.monotonic() + scaled(10)
        while left and time.monotonic() < gone_by:
            time.sleep(0.05)  # noqa: sleep-ok (polling the process table for the last exits)
            left = nodes_of(token, proc.pid)
        assert not left, f"still running after check ended: {[' '.join(p.cmdline()) for p in left]}"
        assert status == 128 + signal.SIGTERM, f"check exited {status} after SIGTERM, not 143"
        err = proc.stderr.read()
        assert "stopped by signal 15" in err, err
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for process in nodes_of(token, proc.pid):
            process.kill()
