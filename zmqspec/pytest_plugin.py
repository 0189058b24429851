"""pytest plugin: fixtures that start nodes, options that choose the implementation.

Fixtures
    ``nodes``      start nodes by role; all stopped when the test ends
    ``driver``     a driver node (a scriptable socket of the implementation)
    ``endpoints``  fresh bindable endpoints for tcp, ipc, inproc
    ``peers``      in-process pyzmq sockets for observing (XPUB, ROUTER, monitors)
    ``implementation``  the implementation under test

Options
    ``--impl MANIFEST``   the implementation under test (env ``ZMQSPEC_IMPL``)
    ``--spec ID``         run only the tests of these catalogue ids

When a test fails, each node it started is shown in the report: its
command line, exit status, stdout and stderr.
"""

from __future__ import annotations

import os

import pytest

from zmqspec._impl import Implementation, ManifestError, RoleNotProvided, load_manifest, reference
from zmqspec._nodes import Endpoints, Nodes
from zmqspec._peers import Peers

NODES_KEY = pytest.StashKey[Nodes]()
IMPL_KEY = pytest.StashKey[Implementation]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("zmqspec", "zmqspec: the implementation under test")
    group.addoption(
        "--impl", metavar="MANIFEST", default=os.environ.get("ZMQSPEC_IMPL"),
        help="TOML manifest of the implementation under test (default: the reference nodes; env ZMQSPEC_IMPL)",
    )
    group.addoption(
        "--spec", metavar="ID", action="append", default=[],
        help="run only the tests that check this catalogue id, e.g. --spec PP-4 (repeatable)",
    )


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("impl")
    try:
        implementation = load_manifest(path) if path else reference()
    except ManifestError as exc:
        pytest.exit(f"zmqspec: error: {exc}", returncode=2)
    config.stash[IMPL_KEY] = implementation


def pytest_report_header(config: pytest.Config) -> list[str]:
    import zmq

    impl = config.stash[IMPL_KEY]
    lines = [f"zmqspec: implementation under test: {impl.describe()}",
             f"zmqspec: harness peers: pyzmq {zmq.pyzmq_version()}, libzmq {zmq.zmq_version()}"]
    lines += [f"zmqspec: {key}={value}" for key, value in sorted(os.environ.items()) if key.startswith("ZMQSPEC_")]
    return lines


def spec_ids(item: pytest.Item) -> list[str]:
    return [mark.args[0] for mark in item.iter_markers("spec") if mark.args]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.extra_keyword_matches.update(spec_ids(item))
    wanted = set(config.getoption("spec"))
    if wanted:
        keep = [item for item in items if wanted & set(spec_ids(item))]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(RoleNotProvided):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"not provided: {call.excinfo.value}")
        report.user_properties.append(("verdict", "not provided"))
    elif report.failed:
        nodes = item.stash.get(NODES_KEY, None)
        if nodes is not None and nodes.started:
            report.sections.append((f"zmqspec nodes ({report.when})", nodes.describe()))
    return report


@pytest.fixture(scope="session")
def implementation(pytestconfig: pytest.Config) -> Implementation:
    return pytestconfig.stash[IMPL_KEY]


@pytest.fixture
def nodes(request: pytest.FixtureRequest, implementation: Implementation):
    started = Nodes(implementation)
    request.node.stash[NODES_KEY] = started
    yield started
    started.stop_all()


@pytest.fixture
def driver(nodes: Nodes):
    return nodes.driver()


@pytest.fixture
def endpoints():
    made = Endpoints()
    yield made
    made.cleanup()


@pytest.fixture
def peers():
    made = Peers()
    yield made
    made.close()
