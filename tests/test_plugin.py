"""The plugin stays out of pytest's way: whatever pytest is run with, it gives pytest's own behaviour.

Each case runs pytest in a subprocess on a tiny inner suite (tests/inner_suites/):
a test module that cannot be imported is pytest's collection error (exit
status 2), and a run without pytest-xdist or without pytest-timeout runs,
never an INTERNALERROR, a refused configuration or a traceback from the plugin.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest


from zmqspec.conformance.catalogue import scan_file

from inner import PLAIN_PYTEST, run_inner

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
INNER = Path(__file__).resolve().parent / "inner_suites"


def run_pytest(*args: str) -> subprocess.CompletedProcess:
    """pytest from the checkout with the outer run's settings removed; never outlives its deadline."""
    return run_inner([*PLAIN_PYTEST, *args], merge_stderr=True)


def shown(done: subprocess.CompletedProcess) -> str:
    return f"$ {' '.join(done.args)}\nexit status {done.returncode}\n{done.stdout[-4000:]}"


def assert_no_crash(done: subprocess.CompletedProcess) -> None:
    assert "INTERNALERROR" not in done.stdout, f"the plugin crashed pytest\n{shown(done)}"
    assert "Unknown config option" not in done.stdout, f"the configuration was refused\n{shown(done)}"


def test_a_spec_module_that_fails_to_import_is_pytests_collection_error_with_status_2():
    """A test module that cannot be imported: pytest reports the collection error, naming the
    module and the import, and exits 2 (interrupted), as it does without the plugin."""
    done = run_pytest("-q", str(INNER / "fails_to_import.py"))
    assert_no_crash(done)
    assert done.returncode == 2, f"expected exit status 2 (a collection error)\n{shown(done)}"
    assert "ERROR collecting" in done.stdout and "zmqspec_no_such_module" in done.stdout, shown(done)
    assert "AttributeError" not in done.stdout, f"the plugin broke on the collection report\n{shown(done)}"


def test_a_run_without_xdist_runs_normally():
    """``-p no:xdist``: no INTERNALERROR about xdist's hooks; the tests run and pass."""
    done = run_pytest("-q", "-p", "no:xdist", str(INNER / "plain.py"))
    assert_no_crash(done)
    assert done.returncode == 0 and "1 passed" in done.stdout, shown(done)


def test_a_run_without_pytest_timeout_runs_normally():
    """``-p no:timeout``: the checkout's ``timeout`` setting is not refused; the tests run and pass."""
    done = run_pytest("-q", "-p", "no:timeout", str(INNER / "plain.py"))
    assert_no_crash(done)
    assert done.returncode == 0 and "1 passed" in done.stdout, shown(done)


def test_the_run_seed_is_printed_shared_by_the_workers_kept_in_the_report_and_replayed(tmp_path):
    """Every xdist worker seeds its tests' nodes from the run's seed: the header prints it, report.json
    keeps it (with every test the workers ran), and a failure's re-run command gives it back with
    --zmqspec-seed."""
    done = run_pytest("-n", "2", "--zmqspec-seed", "4294967295", "--conformance-report", str(tmp_path),
                      str(INNER / "seeded.py"))
    assert done.returncode == 0, shown(done)
    assert "4 passed" in done.stdout, shown(done)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["seed"] == 4294967295
    assert sorted(test["verdict"] for test in report["tests"]) == ["pass"] * 4, report["tests"]
    drawn = run_pytest(str(INNER / "failing_scenario.py"))
    header = [line for line in drawn.stdout.splitlines() if line.startswith("zmqspec: seed ")]
    assert len(header) == 1, shown(drawn)
    seed = header[0].split()[2]
    assert f"--zmqspec-seed {seed}" in drawn.stdout, shown(drawn)


@pytest.mark.parametrize("seed", ["-1", "4294967296", "x"])
def test_a_seed_outside_32_bits_is_refused_with_status_4(seed):
    done = run_pytest("--zmqspec-seed", seed, str(INNER / "plain.py"))
    assert done.returncode == 4 and "--zmqspec-seed" in done.stdout, shown(done)


def test_n_auto_is_two_workers_per_core_unless_xdists_own_variable_says_otherwise(monkeypatch):
    from zmqspec.pytest_plugin import XdistHooks

    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    assert XdistHooks.pytest_xdist_auto_num_workers(None) == 2 * len(os.sched_getaffinity(0))
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "1")
    assert XdistHooks.pytest_xdist_auto_num_workers(None) is None  # xdist's own hook then reads it


def test_a_run_told_not_to_write_bytecode_keeps_it_under_a_prefix_in_the_temp_directory():
    """PYTHONDONTWRITEBYTECODE becomes PYTHONPYCACHEPREFIX for what the run starts: no __pycache__
    beside the sources, and no process compiling every module it imports; a prefix already chosen,
    or bytecode already allowed, is left as it is."""
    from zmqspec.pytest_plugin import keep_bytecode_outside_the_tree

    told = {"PYTHONDONTWRITEBYTECODE": "1"}
    folder = keep_bytecode_outside_the_tree(told)
    assert folder is not None and Path(folder).parent == Path(tempfile.gettempdir()), folder
    assert told == {"PYTHONPYCACHEPREFIX": folder}, told
    chosen = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": "/elsewhere"}
    assert keep_bytecode_outside_the_tree(chosen) is None
    assert chosen == {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": "/elsewhere"}
    allowed: dict[str, str] = {}
    assert keep_bytecode_outside_the_tree(allowed) is None and allowed == {}


def test_spec_leaves_out_the_modules_that_do_not_test_the_id_without_importing_them(tmp_path):
    """``--spec RR-1`` on a folder: the module tagged RR-1 is collected; a module none of whose tests
    checks RR-1 is not even imported (its failing import is no collection error), and an xfails entry
    that names it is not reported as stale."""
    (tmp_path / "test_wanted.py").write_text(
        "import pytest\n\n@pytest.mark.spec('RR-1')\ndef test_wanted():\n    pass\n")
    (tmp_path / "test_other.py").write_text(
        "import zmqspec_no_such_module\nimport pytest\n\n@pytest.mark.spec('PS-1')\ndef test_other():\n    pass\n")
    xfails = tmp_path / "known.xfails"
    xfails.write_text("test_other.py::test_other   # not run with --spec RR-1\nPS-1\n")
    done = run_pytest("--co", "-q", "--spec", "RR-1", "--xfails", str(xfails), "--rootdir", str(tmp_path), str(tmp_path))
    assert_no_crash(done)
    assert done.returncode == 0, shown(done)
    assert "test_wanted.py::test_wanted" in done.stdout and "test_other" not in done.stdout.replace(str(xfails), ""), shown(done)
    assert "ERROR collecting" not in done.stdout and "UnmatchedXfail" not in done.stdout, shown(done)


def test_every_module_the_catalogue_scan_leaves_out_for_an_id_holds_no_test_pytest_tags_with_it(spec_collection):
    """``--spec`` leaves out a module when the catalogue's scan (:mod:`ast`, no import) finds none of
    the wanted ids in it; so for every test of the specification, each id pytest's markers give it
    must be among the ids the scan reads in its module."""
    scanned = {}
    for module in {test.split("::")[0] for test in spec_collection}:
        path = ROOT / "zmqspec" / "spec" / module
        scanned[module] = {spec_id for test in scan_file(path, module) for spec_id in test.spec_ids}
    missed = {test: sorted(set(ids) - scanned[test.split("::")[0]]) for test, ids in spec_collection.items()}
    missed = {test: ids for test, ids in missed.items() if ids}
    assert not missed, f"ids pytest gives these tests that the scan of their module does not find: {missed}"


class _Item:
    """Just what spread_slow_tests reads of a pytest item: its ``slow`` marker."""

    def __init__(self, name: str, marker: pytest.Mark | None = None):
        self.name, self.marker = name, marker

    def get_closest_marker(self, name: str):
        return self.marker if name == "slow" else None

    def __repr__(self) -> str:
        return self.name


def test_slow_tests_are_spread_over_the_first_half_of_a_run_the_longest_first():
    from zmqspec.pytest_plugin import spread_slow_tests

    plain = [_Item(f"t{n}") for n in range(36)]
    slow = [_Item("bare", pytest.mark.slow.mark), _Item("s32", pytest.mark.slow(seconds=32).mark),
            _Item("s11", pytest.mark.slow(11).mark)]
    items = plain[:5] + [slow[0]] + plain[5:20] + slow[1:] + plain[20:]
    ordered = spread_slow_tests(items)
    assert sorted(map(repr, ordered)) == sorted(map(repr, items)), "a test was lost or doubled"
    positions = [ordered.index(item) for item in (slow[1], slow[2], slow[0])]
    assert positions == [0, 6, 12], f"39 tests: 19 in the first half, a slow one every 6; the slow tests (32 s, 11 s, 3 s) landed at {positions} of {ordered}"
    assert [item for item in ordered if item in plain] == plain, "the other tests changed order"
    assert spread_slow_tests(plain) == plain
