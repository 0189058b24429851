"""pytest plugin: fixtures that start nodes, options that choose and judge the implementation.

Fixtures
    ``nodes``      start nodes by role; all stopped when the test ends
    ``driver``     a driver node (a scriptable socket of the implementation)
    ``endpoints``  fresh bindable endpoints for tcp, ipc, inproc
    ``observers``  in-process pyzmq sockets that watch the wire (XPUB, ROUTER, monitors)
    ``implementation``  the implementation under test

Options (docs/conformance.md explains them)
    ``--impl MANIFEST``        the implementation under test (env ``ZMQSPEC_IMPL``)
    ``--spec ID``              run only the tests of these catalogue ids
    ``--xfails FILE``          the implementer's expected failures (env ``ZMQSPEC_XFAILS``)
    ``--peer-impl MANIFEST``   a second implementation for interop runs (env ``ZMQSPEC_PEER_IMPL``)
    ``--peer-roles R1,R2``     the roles the peer implementation plays (env ``ZMQSPEC_PEER_ROLES``)
    ``--validate-protocol``    check every driver reply against the protocol's JSON Schema
    ``--conformance-report DIR``  write DIR/report.json, DIR/report.md and DIR/report.html

Every test gets a graded verdict (zmqspec/conformance/verdicts.py): pass, non-strict,
xfail, not provided, skipped, broken driver or fail.

A failure explains itself (:func:`present_failure`): its headline is the
catalogue id and its sentence (``RR-1: A server (REP) ...``), not the test
function's name; the harness's own frames (zmqspec/harness, conformance,
this plugin) are left out of the traceback, which ends in the test's own
code; each node the test started is shown once (its command line, exit
status, stdout and stderr: in the failure's message when the harness put it
there, else in the "zmqspec nodes" section; a driver's replies in the
"driver transcript", beside its requests); and a "zmqspec re-run" section
gives the command that re-runs just this test against the same
implementation and the command line that starts each of its nodes by hand.
"""

from __future__ import annotations

import functools
import os
import random
import shlex
import shutil
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from zmqspec.conformance import report as _report
from zmqspec.conformance import shoulds as _should
from zmqspec.conformance.catalogue import CATALOGUE, SPEC_DIR, CatalogueError, is_test_file, read_catalogue, scan_file
from zmqspec.conformance.describe import describe_hello
from zmqspec.conformance.verdicts import (
    BROKEN_DRIVER, NON_STRICT, NOT_PROVIDED, ROLES_PROPERTY, SHOULD_PROPERTY, SPEC_PROPERTY, TEST_PROPERTY,
    VERDICT_PROPERTY,
    WORST_FIRST, phase_verdict, property_of,
)
from zmqspec.conformance.xfails import CATALOGUE_ID, Xfails, XfailsError
from zmqspec.conformance.xfails import load as load_xfails
from zmqspec.contract import SEED_MAX
from zmqspec.harness import deadline
from zmqspec.harness.implementations import (
    Implementation, ManifestError, RoleNotProvided, ToolchainMissing, load_manifest, reference,
)
from zmqspec.harness.observers import Observers
from zmqspec.harness.scenario import Endpoints, Nodes, PeerRolesError, parse_peer_roles, probe_driver
from zmqspec.harness.validate import ProtocolValidator, ValidatorUnavailable

NODES_KEY = pytest.StashKey[Nodes]()
IMPL_KEY = pytest.StashKey[Implementation]()
CALL_PASSED_KEY = pytest.StashKey[bool]()
REFERENCE = "reference"


@dataclass
class Settings:
    """What the command line chose: who is tested, against whom, and how it is judged."""

    implementation: Implementation
    peer: Implementation | None = None
    peer_roles: frozenset[str] = frozenset()
    xfails: Xfails | None = None
    validator: ProtocolValidator | None = None
    report_dir: Path | None = None
    seed: int = 0  # the run's seed: every test's nodes are seeded from it and the test's id
    _hello: tuple[dict | None, str | None] | None = field(default=None, repr=False)
    _peer_hello: tuple[dict | None, str | None] | None = field(default=None, repr=False)
    _found: dict[bool, str] = field(default_factory=dict, repr=False)  # peer? -> a test's finding

    def driver_hello(self) -> tuple[dict | None, str | None]:
        """The driver's ``hello`` (asked once per session) and the problem met asking it, if any."""
        if self._hello is None:
            self._hello = probe_driver(self.implementation, self.validator)
        return self._hello

    def peer_hello(self) -> tuple[dict | None, str | None]:
        if self._peer_hello is None:
            self._peer_hello = probe_driver(self.peer, self.validator)
        return self._peer_hello

    def broken_driver(self, peer: bool = False) -> str | None:
        """Why the driver (the peer's with ``peer``) is known broken: its ``hello`` probe failed as a
        broken driver, or a test found it so when it ended it (``found_broken``). None when it
        answered, or is not provided (each test then says so itself)."""
        if peer and self.peer is None:
            peer = False  # the peer is the implementation itself
        if self._found.get(peer):
            return self._found[peer]
        _, problem = self.peer_hello() if peer else self.driver_hello()
        return problem if problem and problem.startswith("broken driver") else None

    def found_broken(self, peer: bool, problem: str) -> None:
        """A test found the driver broken (it did not end on quit): later tests fail at once."""
        self._found.setdefault(peer and self.peer is not None, problem)

    def transports(self) -> frozenset[str] | None:
        """The transports that every implementation taking part lists in its driver's ``hello``;
        None when one of them has no usable hello (its tests then judge it, nothing is skipped)."""
        hellos = [self.driver_hello()[0]]
        if self.peer is not None:
            hellos.append(self.peer_hello()[0])
        listed = [hello.get("transports") if isinstance(hello, dict) else None for hello in hellos]
        if not all(isinstance(names, list) for names in listed):
            return None
        return frozenset.intersection(*(frozenset(map(str, names)) for names in listed))


SETTINGS_KEY = pytest.StashKey[Settings]()
LEFT_OUT_KEY = pytest.StashKey[set[str]]()  # modules of the spec that --spec kept from collection


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
    group.addoption(
        "--xfails", metavar="FILE", default=os.environ.get("ZMQSPEC_XFAILS"),
        help="expected failures: one catalogue id or test id per line, '# reason' allowed "
             "(default: the manifest's 'xfails'; env ZMQSPEC_XFAILS)",
    )
    group.addoption(
        "--peer-impl", metavar="MANIFEST", default=os.environ.get("ZMQSPEC_PEER_IMPL"),
        help="the other implementation of interop runs: a manifest, or 'reference' (env ZMQSPEC_PEER_IMPL)",
    )
    env_roles = os.environ.get("ZMQSPEC_PEER_ROLES")
    group.addoption(
        "--peer-roles", metavar="ROLES", action="append", default=[env_roles] if env_roles else [],
        help="comma-separated roles whose nodes come from --peer-impl, e.g. rep-server,worker "
             "(default: none; env ZMQSPEC_PEER_ROLES)",
    )
    group.addoption(
        "--validate-protocol", action="store_true", default=False,
        help="check every driver reply against zmqspec/schemas/driver-protocol.json",
    )
    group.addoption(
        "--zmqspec-seed", metavar="S", type=_seed_value, default=None,
        help="the run's seed (0 .. 2**32-1): a node of a role with --seed (weather-pub, sync-pub, ventilator) "
             "started without one gets a seed made from S, its test's id and its label (default: drawn at "
             "random and printed in the header and in each failure's re-run command)",
    )
    group.addoption(
        "--conformance-report", metavar="DIR", default=None,
        help="write the verdicts to DIR/report.json, DIR/report.md and DIR/report.html",
    )


def _seed_value(text: str) -> int:
    value = int(text)
    if not 0 <= value <= SEED_MAX:
        raise ValueError(f"{text}: a seed is 0 .. {SEED_MAX}")
    return value


def _run_seed(config: pytest.Config) -> int:
    """The run's seed: --zmqspec-seed, else the controller's (xdist hands it to each worker), else drawn."""
    chosen = config.getoption("zmqspec_seed")
    if chosen is not None:
        return chosen
    if _is_worker(config) and "zmqspec_seed" in config.workerinput:
        return config.workerinput["zmqspec_seed"]
    return random.SystemRandom().randrange(SEED_MAX + 1)


def scenario_seed(run_seed: int, item: pytest.Item) -> int:
    """The seed of one test's scenario, from the run's seed and the test's id (:func:`test_id`, the same
    from a checkout and from a wheel): a re-run with the same --zmqspec-seed gives it again."""
    return zlib.crc32(f"{run_seed}:{test_id(item)}".encode())


def _implementation(value: str) -> Implementation:
    return reference() if value == REFERENCE else load_manifest(value)


def _settings(config: pytest.Config) -> Settings:
    chosen = config.getoption("impl")
    implementation = _implementation(chosen) if chosen else reference()
    peer_value = config.getoption("peer_impl")
    peer = _implementation(peer_value) if peer_value else None
    peer_roles = parse_peer_roles(config.getoption("peer_roles"))
    if peer_roles and peer is None:
        raise PeerRolesError("--peer-roles needs --peer-impl (a manifest, or 'reference' for the reference nodes)")
    xfails_path = config.getoption("xfails") or implementation.xfails
    report_dir = config.getoption("conformance_report")
    return Settings(
        implementation=implementation, peer=peer, peer_roles=peer_roles,
        xfails=load_xfails(xfails_path) if xfails_path else None,
        validator=ProtocolValidator() if config.getoption("validate_protocol") else None,
        report_dir=Path(report_dir) if report_dir else None,
        seed=_run_seed(config),
    )


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def keep_bytecode_outside_the_tree(environ: dict[str, str] | os._Environ = os.environ) -> str | None:
    """A run starts about a thousand Python processes (xdist's workers, nodes, the self-tests' inner
    runs). Under ``PYTHONDONTWRITEBYTECODE`` each of them compiles every module it imports from source,
    which took a third of the default run's CPU time. The setting's purpose, no ``__pycache__`` beside the
    sources, is kept by moving the bytecode instead: ``PYTHONPYCACHEPREFIX`` (Python's own setting, PEP
    3147's cache under one root) points at a folder of the temp directory, and the processes the run
    starts inherit it. An explicit ``PYTHONPYCACHEPREFIX`` is left alone. Returns the folder chosen, or
    None when nothing was changed."""
    if not environ.get("PYTHONDONTWRITEBYTECODE") or environ.get("PYTHONPYCACHEPREFIX"):
        return None
    folder = os.path.join(tempfile.gettempdir(), f"zmqspec-pycache-{os.getuid()}")
    del environ["PYTHONDONTWRITEBYTECODE"]
    environ["PYTHONPYCACHEPREFIX"] = folder
    return folder


def _unusable_input(config: pytest.Config, settings: Settings) -> str | None:
    """What in the run's options or environment cannot be used, in one line; None when all is well."""
    if deadline.SCALE_PROBLEM:
        return deadline.SCALE_PROBLEM
    if settings.report_dir is not None and settings.report_dir.exists() and not settings.report_dir.is_dir():
        return f"--conformance-report {settings.report_dir}: that is a file, not a folder"
    wanted = config.getoption("spec")
    if wanted:
        try:
            known = {behaviour.id for behaviour in read_catalogue(CATALOGUE)}
        except CatalogueError as exc:
            return str(exc)
        unknown = sorted(set(wanted) - known)
        if unknown:
            return f"--spec {', '.join(unknown)}: no such id in {CATALOGUE} (python -m zmqspec catalogue lists them)"
    for impl in filter(None, (settings.implementation, settings.peer)):
        if impl.missing():
            continue  # a missing toolchain skips the tests, naming the setup command
        for role, command in impl.commands.items():
            program = command[0]
            found = Path(impl.cwd or ".", program).exists() if os.sep in program else shutil.which(program)
            if not found:
                return f"{impl.name}: the command for {role} names a program that does not exist: {program}"
    return None


class XdistHooks:
    """Hooks that exist only where pytest-xdist is installed and enabled: registered then alone, so
    that ``-p no:xdist`` (or no xdist at all) runs normally."""

    @staticmethod
    def pytest_configure_node(node) -> None:
        """Every worker seeds its tests' nodes from the controller's run seed."""
        node.workerinput["zmqspec_seed"] = node.config.stash[SETTINGS_KEY].seed

    @staticmethod
    def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
        """``-n auto``: two workers per core. A test spends most of its time waiting for its nodes,
        which are other processes, so one worker per core leaves the cores half idle. pytest-xdist's
        own ``PYTEST_XDIST_AUTO_NUM_WORKERS``, when set, wins (None hands the choice back to xdist,
        which reads it)."""
        if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
            return None
        return 2 * len(os.sched_getaffinity(0))


class TimeoutHooks:
    """pytest-timeout's per-test limit (the ini ``timeout``, pyproject's 120, or a ``timeout`` marker),
    stretched by ZMQSPEC_TIMEOUT_SCALE like every other deadline (zmqspec.harness.deadline).
    Registered only where pytest-timeout is enabled: its hook exists nowhere else."""

    @staticmethod
    @pytest.hookimpl(tryfirst=True)
    def pytest_timeout_set_timer(item: pytest.Item, settings):
        import pytest_timeout

        stretched = settings._replace(timeout=deadline.per_test_timeout(settings.timeout))
        return pytest_timeout.pytest_timeout_set_timer(item=item, settings=stretched)


MARKERS = (
    "spec(id): the catalogue id (zmqspec/spec/behaviours.md) of the behaviour a test checks",
    "reqrep: the REQ-REP pattern",
    "pubsub: the PUB-SUB pattern",
    "pipeline: the PUSH-PULL pattern",
    "transport: transports and socket compatibility",
    "contract: the node contract (docs/contract.md)",
    "meta: tests of the harness itself, not of ZeroMQ",
    "slow(seconds=3): takes more than a couple of seconds, about `seconds`; under xdist the slow tests are "
    "spread over the first half of the run, the longest first",
)
SLOW_SECONDS = 3.0  # what a bare ``slow`` marker is taken to mean


def slow_seconds(item: pytest.Item) -> float | None:
    """How long a test marked ``slow`` takes, in seconds (its marker's ``seconds``, else
    SLOW_SECONDS); None for a test not marked slow."""
    marker = item.get_closest_marker("slow")
    if marker is None:
        return None
    return float(marker.kwargs.get("seconds", marker.args[0] if marker.args else SLOW_SECONDS))


def spread_slow_tests(items: list[pytest.Item]) -> list[pytest.Item]:
    """``items`` with the slow tests taken out and put back evenly spaced over the first half of
    the list, the longest first, at its very start; the others keep their order.

    pytest-xdist's load scheduling starts each worker on a batch of consecutive tests (a quarter of
    its share). Slow tests side by side would all land in one worker's batch and run there one
    after the other, ending the run on that worker while the others idle; spaced out, each batch
    gets about its share of them, and the longest starts at once."""
    slow = sorted((item for item in items if slow_seconds(item) is not None), key=slow_seconds, reverse=True)
    if not slow:
        return list(items)
    ordered = [item for item in items if slow_seconds(item) is None]
    stride = max(1, len(items) // 2 // len(slow))
    for rank, item in enumerate(slow):
        ordered.insert(min(rank * stride, len(ordered)), item)
    return ordered
TIMEOUT_INI = "timeout"  # pytest-timeout's ini key, which the checkout's pyproject.toml sets


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """Called once every plugin is loaded, before xdist reads ``-n auto`` and before pytest checks the
    ini keys: add the xdist hooks only where xdist is on, and without pytest-timeout (``-p
    no:timeout``) accept its ini key and marker, unused, instead of refusing the configuration."""
    manager = early_config.pluginmanager
    if manager.hasplugin("xdist") and not manager.has_plugin("zmqspec-xdist"):
        manager.register(XdistHooks(), "zmqspec-xdist")
    if manager.hasplugin("timeout") and not manager.has_plugin("zmqspec-timeout"):
        manager.register(TimeoutHooks(), "zmqspec-timeout")
    if not manager.hasplugin("timeout"):
        parser.addini(TIMEOUT_INI, "per-test timeout in seconds (used by pytest-timeout, which is not enabled)")


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:  # the specification's markers, wherever it runs from (no ini file needed)
        config.addinivalue_line("markers", line)
    if not config.pluginmanager.hasplugin("timeout"):
        config.addinivalue_line("markers", "timeout(seconds): a per-test timeout (pytest-timeout is not enabled)")
    try:
        settings = _settings(config)
    except (ManifestError, XfailsError, PeerRolesError, ValidatorUnavailable) as exc:
        pytest.exit(f"zmqspec: error: {exc}", returncode=2)
    problem = _unusable_input(config, settings)
    if problem:
        pytest.exit(f"zmqspec: error: {problem}", returncode=2)
    config.stash[SETTINGS_KEY] = settings
    config.stash[IMPL_KEY] = settings.implementation
    if not _is_worker(config):
        keep_bytecode_outside_the_tree()
        config.pluginmanager.register(VerdictBoard(config, settings), "zmqspec-verdicts")


def pytest_report_header(config: pytest.Config) -> list[str]:
    import zmq

    if _is_worker(config):
        return []  # xdist workers print no header: no driver is started for it there
    settings = config.stash[SETTINGS_KEY]
    impl = settings.implementation
    hello, problem = settings.driver_hello()
    driver = {"hello": hello, "problem": problem}
    lines = [
        f"zmqspec: implementation under test: {impl.name}" + (f" {impl.version}" if impl.version else ""),
        f"zmqspec: manifest: {impl.manifest or '(none: the reference nodes, python -m zmqspec ROLE)'}",
        f"zmqspec: driver hello: {describe_hello(driver)}",
        f"zmqspec: seed {settings.seed} (weather-pub, sync-pub and ventilator nodes are seeded from it; "
        f"--zmqspec-seed {settings.seed} replays this run's streams)",
    ]
    if settings.peer is not None:
        roles = ", ".join(sorted(settings.peer_roles)) or "none (only nodes started with peer=True)"
        lines.append(f"zmqspec: peer implementation: {settings.peer.describe()}; roles from the peer: {roles}")
    if settings.xfails is not None:
        lines.append(f"zmqspec: expected failures: {settings.xfails.path} ({len(settings.xfails.entries)} entries)")
    if settings.validator is not None:
        lines.append("zmqspec: every driver reply is validated against zmqspec/schemas/driver-protocol.json")
    lines.append(f"zmqspec: harness observers: pyzmq {zmq.pyzmq_version()}, libzmq {zmq.zmq_version()}")
    lines += [f"zmqspec: {key}={value}" for key, value in sorted(os.environ.items()) if key.startswith("ZMQSPEC_")]
    return lines


def spec_ids(item: pytest.Item) -> list[str]:
    return [mark.args[0] for mark in item.iter_markers("spec") if mark.args]


def test_id(item: pytest.Item) -> str:
    """The test's id wherever the suite is installed: a test of the specification is named from the
    spec package (``test_reqrep.py::test_x``), whether the run is from a checkout (pytest's node id
    ``zmqspec/spec/test_reqrep.py::test_x``) or from an installed wheel (``--pyargs zmqspec.spec``);
    any other test keeps pytest's node id. Expected failures match it and reports show it."""
    try:
        where = Path(os.path.realpath(item.path)).relative_to(SPEC_DIR)
    except ValueError:
        return item.nodeid
    _, sep, rest = item.nodeid.partition("::")
    return where.as_posix() + sep + rest


@functools.cache
def _ids_tested_in(path: Path) -> frozenset[str] | None:
    """The catalogue ids the tests of a spec module are tagged with, read with :mod:`ast` as
    ``python -m zmqspec catalogue`` reads them (None: the module cannot be read; pytest will say why)."""
    try:
        return frozenset(spec_id for test in scan_file(path, path.name) for spec_id in test.spec_ids)
    except CatalogueError:
        return None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``--spec``, a test module none of whose tests checks a wanted id (as the catalogue's scan
    reads the module) is not collected at all: importing and collecting the whole specification
    costs more than running most single ids' tests. A module named on the command line is always
    collected (pytest does not ask)."""
    wanted = config.getoption("spec")
    if not wanted or not is_test_file(collection_path):
        return None
    ids = _ids_tested_in(collection_path)
    if ids is None or not ids.isdisjoint(wanted):
        return None
    config.stash.setdefault(LEFT_OUT_KEY, set()).add(_module_id(collection_path, config.rootpath))
    return True


def _module_id(path: Path, rootpath: Path) -> str:
    """A test module as an xfails entry names it: from the spec package (``test_reqrep.py``) for the
    specification's modules, else from the rootdir, as pytest's node ids do."""
    real = Path(os.path.realpath(path))
    if real.is_relative_to(SPEC_DIR):
        return real.relative_to(SPEC_DIR).as_posix()
    return (path.relative_to(rootpath) if path.is_relative_to(rootpath) else real).as_posix()


def _could_have_matched(entry, config: pytest.Config) -> bool:
    """Whether an xfails entry that matched nothing names a test this run could have collected: not
    one of a module ``--spec`` left out, nor an id other than the wanted ones."""
    left_out = config.stash.get(LEFT_OUT_KEY, set())
    if not left_out:
        return True
    if CATALOGUE_ID.match(entry.id):
        return entry.id in config.getoption("spec")
    return entry.id.partition("::")[0] not in left_out


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.extra_keyword_matches.update(spec_ids(item))
    xfails = config.stash[SETTINGS_KEY].xfails
    if xfails is not None:
        unmatched = xfails.mark(items, test_id, spec_ids)
        if not _is_worker(config) or config.workerinput.get("workerid") == "gw0":
            xfails.warn_unmatched([entry for entry in unmatched if _could_have_matched(entry, config)])
    wanted = set(config.getoption("spec"))
    if wanted:
        keep = [item for item in items if wanted & set(spec_ids(item))]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
    if _is_worker(config):  # the order a worker collects in is the order xdist hands tests out
        items[:] = spread_slow_tests(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    _should.start_recording()
    try:
        return (yield)
    finally:
        _should.stop_recording()


HARNESS_DIRS = tuple(str(Path(__file__).resolve().parent / name) + os.sep for name in ("harness", "conformance"))
HARNESS_FILES = (str(Path(__file__).resolve()),)


def _is_harness(path) -> bool:
    where = str(path)
    return where.startswith(HARNESS_DIRS) or where in HARNESS_FILES


def _without_harness(traceback):
    kept = traceback.filter(lambda entry: not _is_harness(entry.path))
    return kept if len(kept) else traceback


def hide_harness_frames(item: pytest.Item, excinfo) -> None:
    """Leave the harness's frames out of a failure's traceback (as ``__tracebackhide__`` in each of
    them would), so it ends in the test's own code; a traceback made only of harness frames is kept
    whole. ``--fulltrace`` shows every frame. pytest cuts a test's traceback to the test function
    (``Function._traceback_filter``) from the raw frames, so the harness frames are taken out after
    that cut as well as from the crash line."""
    excinfo.traceback = _without_harness(excinfo.traceback)
    cut = getattr(item, "_traceback_filter", None)
    if cut is None or getattr(cut, "zmqspec", False) or item.config.getoption("fulltrace", False):
        return

    def filtered(info):
        return _without_harness(cut(info))

    filtered.zmqspec = True
    item._traceback_filter = filtered


@functools.cache
def _sentences() -> dict[str, str]:
    return _report.load_sentences()


def headline(item: pytest.Item) -> str | None:
    """``RR-1: <the id's sentence>`` (ids joined by `` | `` when a test checks several); None for a
    test without a catalogue id."""
    ids = spec_ids(item)
    if not ids:
        return None
    sentences = _sentences()
    return " | ".join(f"{spec_id}: {sentences.get(spec_id, '(not in the catalogue)')}" for spec_id in ids)


def _impl_option(name: str, impl: Implementation | None) -> list[str]:
    if impl is None:
        return []
    return [name, str(impl.manifest) if impl.manifest else REFERENCE]


def rerun_command(item: pytest.Item) -> str:
    """The shell command that re-runs just this test against the same implementation(s)."""
    config = item.config
    settings = config.stash[SETTINGS_KEY]
    here = Path(config.invocation_params.dir)
    path = Path(item.path)
    try:
        shown, cd = path.relative_to(here).as_posix(), here
    except ValueError:
        shown, cd = str(path), None
    _, sep, rest = item.nodeid.partition("::")
    argv = [sys.executable, "-m", "pytest", shown + sep + rest, "-p", "no:cacheprovider"]
    argv += _impl_option("--impl", settings.implementation if settings.implementation.manifest else None)
    argv += _impl_option("--peer-impl", settings.peer)
    if settings.peer_roles:
        argv += ["--peer-roles", ",".join(sorted(settings.peer_roles))]
    if config.getoption("xfails") and settings.xfails is not None:
        argv += ["--xfails", str(Path(settings.xfails.path).resolve())]
    if settings.validator is not None:
        argv.append("--validate-protocol")
    argv += ["--zmqspec-seed", str(settings.seed)]
    scale = os.environ.get("ZMQSPEC_TIMEOUT_SCALE")
    text = (f"ZMQSPEC_TIMEOUT_SCALE={shlex.quote(scale)} " if scale else "") + shlex.join(argv)
    return f"cd {shlex.quote(str(cd))} && {text}" if cd else text


def by_hand(nodes: Nodes, node) -> str:
    """The command line that starts ``node`` by hand: its folder and the manifest's environment too."""
    for impl in (nodes.implementation, nodes.peer):
        try:
            base = impl.command(node.role)
        except Exception:  # a role the implementation lacks, a missing toolchain: not this one
            continue
        if node.argv[:len(base)] == base:
            env = " ".join(f"{key}={shlex.quote(value)}" for key, value in (impl.env or {}).items())
            text = (env + " " if env else "") + shlex.join(node.argv)
            return f"cd {shlex.quote(impl.cwd)} && {text}" if impl.cwd else text
    return shlex.join(node.argv)


def _described_without_replies(made) -> str:
    """A driver node as ``Node.describe`` shows it, but for the replies in its stdout: those are in
    the driver transcript, each beside its request, so they are not shown twice; every other line of
    its stdout (the ready line, anything that is no reply) is."""
    node = made.node
    replies = {line[2:] for line in made.transcript if line.startswith("< ")}
    others = [line for line in node.stdout.splitlines() if line not in replies]
    err = node.stderr
    return "\n".join([f"--- node {node.name}: pid {node.pid}, {node.status()}", "    $ " + " ".join(node.argv),
                      "    stdout (its replies are in the driver transcript below):"
                      + ("\n" + "\n".join(others) if others else " nothing else"),
                      "    stderr:" + ("\n" + err[-6000:] if err else " (nothing)")])


def present_failure(item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport) -> None:
    """Make a failed phase's report explain itself: headline, each node once, re-run commands."""
    title = headline(item)
    if title:
        report.location = (report.location[0], report.location[1], title)
    nodes = item.stash.get(NODES_KEY, None)
    if nodes is None or not nodes.started:
        return
    told = str(call.excinfo.value) if call.excinfo is not None else ""
    transcribed = {id(made.node): made for made in nodes.drivers if made.transcript}
    described = []
    for node in nodes.started:
        if f"--- node {node.name}:" in told:
            described.append(f"--- node {node.name}: shown in the failure above")
        elif id(node) in transcribed:
            described.append(_described_without_replies(transcribed[id(node)]))
        else:
            described.append(node.describe())
    report.sections.append((f"zmqspec nodes ({report.when})", "\n".join(described)))
    if transcribed:
        report.sections.append((f"driver transcript ({report.when})", nodes.describe_transcripts()))
    lines = ["re-run just this test against the same implementation:", "  " + rerun_command(item),
             "start its nodes by hand (each prints its ready line, and quits when its stdin closes):"]
    lines += [f"  {node.name}: {by_hand(nodes, node)}" for node in nodes.started]
    report.sections.append((f"zmqspec re-run ({report.when})", "\n".join(lines)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    if call.excinfo is not None:
        hide_harness_frames(item, call.excinfo)
    report = yield
    unmet = _should.take_unmet()
    not_provided = call.excinfo is not None and call.excinfo.errisinstance(RoleNotProvided)
    toolchain_missing = call.excinfo is not None and call.excinfo.errisinstance(ToolchainMissing)
    if not_provided or toolchain_missing:
        why = "not provided" if not_provided else "skipped"
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"{why}: {call.excinfo.value}")
        if hasattr(report, "wasxfail"):
            del report.wasxfail
    verdict = phase_verdict(report, call.excinfo, unmet, not_provided)
    report.user_properties += [(VERDICT_PROPERTY, verdict), (SPEC_PROPERTY, spec_ids(item)),
                               (TEST_PROPERTY, test_id(item))]
    started = item.stash.get(NODES_KEY, None)
    if started is not None and started.started:
        report.user_properties.append((ROLES_PROPERTY, sorted({node.role for node in started.started})))
    if unmet:
        report.user_properties.append((SHOULD_PROPERTY, unmet))
        report.sections.append((f"zmqspec: SHOULD not met ({report.when})", "\n".join(unmet)))
    if call.when == "call":
        item.stash[CALL_PASSED_KEY] = report.passed
    if report.failed:
        present_failure(item, call, report)
    return report


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    verdict = property_of(report, VERDICT_PROPERTY)
    if verdict == NON_STRICT and report.when == "call" and report.passed:
        return "non-strict", "n", ("NON-STRICT", {"yellow": True})
    if verdict == NOT_PROVIDED:
        return "not provided", "-", ("NOT PROVIDED", {"yellow": True})
    if verdict == BROKEN_DRIVER:
        return ("failed" if report.when == "call" else "error"), "B", ("BROKEN DRIVER", {"red": True})
    return None


class VerdictBoard:
    """In the controller (or the only process): gathers verdicts, prints them, writes the report."""

    def __init__(self, config: pytest.Config, settings: Settings):
        self.config, self.settings = config, settings
        self.collector = _report.Collector()
        self.written: tuple[Path, ...] | None = None
        self.problem: str | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.collector.add(report)

    def run_info(self, exitstatus: int) -> dict:
        settings, impl, peer = self.settings, self.settings.implementation, self.settings.peer
        hello, problem = settings.driver_hello()

        def described(which: Implementation) -> dict:
            return {"name": which.name, "version": which.version,
                    "manifest": str(which.manifest) if which.manifest else None}

        return {
            "implementation": {**described(impl), "driver": {"hello": hello, "problem": problem}},
            "peer": {**described(peer), "roles": sorted(settings.peer_roles)} if peer is not None else None,
            "xfails": str(settings.xfails.path) if settings.xfails is not None else None,
            "validate_protocol": settings.validator is not None,
            "seed": settings.seed,
            "arguments": list(self.config.invocation_params.args),
            "exit_status": int(exitstatus),
        }

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.settings.report_dir is None:
            return
        report = _report.build(self.collector, self.run_info(exitstatus), _report.load_catalogue())
        try:
            self.written = _report.write(self.settings.report_dir, report)
        except OSError as exc:
            self.problem = f"cannot write the conformance report to {self.settings.report_dir}: {exc}"

    def pytest_terminal_summary(self, terminalreporter) -> None:
        results = self.collector.results.values()
        counts = self.collector.counts()
        graded = {NON_STRICT, BROKEN_DRIVER, NOT_PROVIDED} & set(counts)
        if not graded and self.settings.report_dir is None:
            return
        tr = terminalreporter
        tr.write_sep("-", "zmqspec verdicts")
        tr.write_line(", ".join(f"{counts[verdict]} {verdict}" for verdict in WORST_FIRST if counts[verdict]))
        for result in results:
            if result.verdict in graded:
                first = result.message.splitlines()[0] if result.message else ""
                tr.write_line(f"{result.verdict.upper()} {result.nodeid}: {first}")
        if self.written:
            if not os.environ.get("ZMQSPEC_REPORT_UNANNOUNCED"):  # zmqspec check: a scratch report
                tr.write_line(f"zmqspec: conformance report written to {', '.join(map(str, self.written))}")
        if self.problem:
            tr.write_line(f"zmqspec: error: {self.problem}", red=True)


@pytest.fixture(scope="session")
def implementation(pytestconfig: pytest.Config) -> Implementation:
    return pytestconfig.stash[IMPL_KEY]


@pytest.fixture
def nodes(request: pytest.FixtureRequest, implementation: Implementation):
    settings = request.config.stash[SETTINGS_KEY]
    started = Nodes(implementation, settings.peer, settings.validator, settings.peer_roles,
                    broken_driver=settings.broken_driver, found_broken=settings.found_broken,
                    seed=scenario_seed(settings.seed, request.node))
    request.node.stash[NODES_KEY] = started
    yield started
    try:
        if request.node.stash.get(CALL_PASSED_KEY, False):
            started.end_drivers()
    finally:
        started.stop_all()


@pytest.fixture
def driver(nodes: Nodes):
    return nodes.driver()


@pytest.fixture
def endpoints(request: pytest.FixtureRequest):
    made = Endpoints(listed=request.config.stash[SETTINGS_KEY].transports)
    yield made
    made.cleanup()


@pytest.fixture
def observers():
    made = Observers()
    yield made
    made.close()
