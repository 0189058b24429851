"""``scripts/interop``: a failure of a mixed run is credited to a documented deviation only by the
implementation that played a role in that test."""

from __future__ import annotations

import importlib.machinery
import importlib.util
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
