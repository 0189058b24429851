"""``scripts/interop``: a failure of a mixed run is credited to a documented deviation only by the
implementation that played a role in that test."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec.conformance.xfails import load

pytestmark = pytest.mark.meta

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "interop"


@pytest.fixture(scope="module")
def interop():
    loader = importlib.machinery.SourceFileLoader("zmqspec_interop_script", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    sys.modules[loader.name] = module  # its dataclasses look their module up there
    loader.exec_module(module)
    yield module
    del sys.modules[loader.name]


@pytest.fixture
def sides(interop, tmp_path):
    (tmp_path / "a.txt").write_text("RR-2   # a's REP serves out of turn\n")
    (tmp_path / "b.txt").write_text("test_reqrep.py::test_x   # b's REQ\n")
    return interop.Side("a", "a", load(tmp_path / "a.txt")), interop.Side("b", "b", load(tmp_path / "b.txt"))


@pytest.mark.parametrize("roles, owner", [
    (["rep-server", "req-client"], "a"),   # a played the rep-server: its RR-2 entry explains the failure
    (["req-client"], None),                # only b's role started: a's entry does not explain it
    ([], None),                            # no node started: neither side's deviation is involved
])
def test_a_catalogue_entry_explains_a_failure_only_where_its_implementation_played(interop, sides, roles, owner):
    test = {"nodeid": "test_reqrep.py::test_y", "spec": ["RR-2"], "roles": roles}
    assert interop.documented(test, *sides, peer_roles={"req-client", "gateway"}) == owner


@pytest.mark.parametrize("roles, owner", [(["req-client"], "b"), (["rep-server"], None)])
def test_a_test_id_entry_of_the_peer_explains_a_failure_only_where_the_peer_played(interop, sides, roles, owner):
    test = {"nodeid": "test_reqrep.py::test_x", "spec": ["RR-9"], "roles": roles}
    assert interop.documented(test, *sides, peer_roles={"req-client", "gateway"}) == owner


def test_every_spec_module_is_either_in_the_interop_run_or_said_not_to_mix_stacks(interop):
    """A new module of the suite is a decision: it joins SPEC_MODULES, or NOT_INTEROP says why not."""
    shipped = {path.stem for path in (SCRIPT.parent.parent / "zmqspec" / "spec").glob("test_*.py")}
    run = {Path(module).stem for module in interop.SPEC_MODULES}
    assert not run & set(interop.NOT_INTEROP), "a module both run and left out"
    assert shipped == run | set(interop.NOT_INTEROP), f"undecided: {sorted(shipped - run - set(interop.NOT_INTEROP))}"


def test_every_pattern_test_of_the_interop_modules_is_selected_by_some_group(interop):
    """A test without a pattern marker is in no group's -m expression, so no interop run takes it
    (the node contract's own tests, marked ``contract``, are meant to stay out: one node each)."""
    expression = " or ".join(f"({marks})" for marks in set(interop.GROUPS.values()))
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "-m", f"not ({expression}) and not contract", *interop.SPEC_MODULES],
                          cwd=SCRIPT.parent.parent, capture_output=True, text=True, timeout=120)
    left_out = [line for line in done.stdout.splitlines() if "::" in line]
    assert done.returncode == 5 and not left_out, f"in no group: {left_out[:10]}\n{done.stdout[-500:]}"
