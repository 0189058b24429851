"""A failure explains itself: the id and its sentence as headline, no harness frames, each node's
output once, and the commands that re-run the test and start its nodes by hand.

The failure judged is the shipped mutant whose rep-server prints ``SENDING:``
with one space (mutants/rep-one-space), on one RR-1 test.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from zmqspec.conformance.catalogue import CATALOGUE, read_catalogue

from inner import PLAIN_PYTEST, once_per_run, run_folder, run_inner

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
MUTANT = ROOT / "mutants" / "rep-one-space" / "manifest.toml"
TEST = "zmqspec/spec/test_reqrep.py::test_rep_server_prints_starting_ready_then_each_request_and_its_reply"


def run(argv: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run_inner(argv, cwd=cwd)


@pytest.fixture(scope="module")
def failure(tmp_path_factory) -> str:
    """The terminal output of one failing run, made once in a run for every worker that asks."""
    def make(folder: Path) -> str:
        done = run([*PLAIN_PYTEST, "-q", "--impl", str(MUTANT), TEST])
        assert done.returncode == 1, done.stdout + done.stderr
        return done.stdout

    return once_per_run(run_folder(tmp_path_factory), "failure-presentation", make)


@pytest.mark.slow
def test_the_headline_is_the_id_and_its_sentence(failure):
    sentence = {b.id: b.sentence for b in read_catalogue(CATALOGUE)}["RR-1"]
    heads = [line for line in failure.splitlines() if re.match(r"^_+ .* _+$", line)]
    assert heads == [f"_ RR-1: {sentence} _"], heads


@pytest.mark.slow
def test_no_harness_frame_is_shown_and_the_traceback_ends_in_the_spec(failure):
    assert not re.search(r"zmqspec/(harness|conformance)/\w+\.py:\d+", failure), failure
    assert "zmqspec/spec/test_reqrep.py:" in failure


@pytest.mark.slow
def test_each_node_s_output_is_shown_once(failure):
    # The nodes section must not repeat what the failure's message already shows. (In about 1 run of 5
    # the whole report carries the message's text a second time, not from the nodes section: cause not
    # found yet, noted on issue #16; so the count is taken in the nodes section and in the message apart.)
    nodes_section = failure.split("zmqspec nodes (call)", 1)[1].split("driver transcript", 1)[0]
    assert "RECEIVED: world" not in nodes_section, failure
    assert "RECEIVED: world" in failure.split("zmqspec nodes (call)", 1)[0], failure
    assert failure.count('ZMQSPEC READY {}') == 1, failure  # the driver's ready line
    assert failure.count('"ok": {"frames": ["412c776f726c64"]}') == 1, failure  # its last reply, in the transcript
    assert "--- node rep-server 'rep-server-1': shown in the failure above" in failure


@pytest.mark.slow
def test_the_re_run_command_selects_just_this_test_against_the_same_implementation(failure, tmp_path):
    lines = failure.splitlines()
    rerun = lines[lines.index("re-run just this test against the same implementation:") + 1].strip()
    assert f"--impl {MUTANT}" in rerun, rerun
    command = rerun.split(" && ", 1)[1] if rerun.startswith("cd ") else rerun
    argv = [word for word in shlex.split(command) if not re.match(r"^[A-Z_]+=", word)]  # env settings dropped
    done = run([*argv, "--collect-only", "-q"], cwd=Path(shlex.split(rerun)[1]) if rerun.startswith("cd ") else ROOT)
    assert done.returncode == 0 and re.search(r"^1 test collected", done.stdout, re.M), done.stdout + done.stderr
    assert TEST in done.stdout


@pytest.mark.slow
def test_each_node_s_command_line_to_start_it_by_hand_is_given(failure):
    by_hand = dict(re.findall(r"^  (\S+ '\S+'): (.*)$", failure, re.M))
    assert set(by_hand) == {"driver 'driver-1'", "rep-server 'rep-server-1'"}, by_hand
    assert by_hand["rep-server 'rep-server-1'"].endswith("mutants/rep-one-space/node.py --name A")
    assert by_hand["rep-server 'rep-server-1'"].startswith(f"cd {MUTANT.parent} && ")
