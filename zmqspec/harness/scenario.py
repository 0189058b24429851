"""The scenario: the nodes of one test, started by role, stopped together.

Tests ask for a role, never for a command: ``nodes.start("rep-server",
"--name", "A")`` runs whatever command the implementation under test gives
for that role, waits for its ready line, and hands back the ``Node``.
Everything started here is stopped (process group and all) by ``stop_all``.

Interop runs two implementations against each other without touching a
test: ``--peer-impl B --peer-roles rep-server,worker`` makes every
``nodes.start("rep-server", ...)`` and ``nodes.start("worker", ...)`` run
B's node, and every other role run the implementation under test (A). So a
scenario "req-client talks to rep-servers" becomes "A's client talks to B's
servers". Tests that ask for ``peer=True`` themselves get B as before.

``end_drivers`` ends drivers the way the contract says (``quit``, then exit
0) when a test has passed, so a driver that does not keep that promise is
reported as a broken driver rather than silently killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Collection

import pytest

from zmqspec.contract import ROLES
from zmqspec.harness import parent
from zmqspec.harness.deadline import scaled
from zmqspec.harness.driver_client import Driver, DriverError, DriverProtocolError
from zmqspec.harness.implementations import Implementation
from zmqspec.harness.process import Node, NodeFailure

READY_TIMEOUT = 15.0
QUIT_TIMEOUT = 3.0
IPC_PATH_LIMIT = 107


class PeerRolesError(Exception):
    """A --peer-roles value that names no role; the message is one line."""


def parse_peer_roles(values: list[str]) -> frozenset[str]:
    roles = {role.strip() for value in values for role in value.split(",") if role.strip()}
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise PeerRolesError(f"--peer-roles: unknown roles {unknown}; the roles are: {', '.join(ROLES)}")
    return frozenset(roles)


class TrackedDriver(Driver):
    """A Driver that remembers whether the test already told it to quit."""

    quit_sent = False
    from_peer = False  # started from the peer implementation (interop runs)

    def quit(self) -> None:
        self.quit_sent = True
        super().quit()


def node_seed(seed: int, label: str) -> int:
    """The ``--seed`` (0 .. 2**32 - 1) of the node labelled ``label`` in a scenario seeded ``seed``:
    the same scenario and seed give every node the same seed again, and two nodes differ."""
    return zlib.crc32(f"{seed}:{label}".encode())


class Nodes:
    """The nodes of one scenario. ``peer`` is the other implementation of interop runs, and
    ``peer_roles`` the roles it plays; ``validator`` checks every driver reply (--validate-protocol).

    ``seed``: a node of a role that takes ``--seed`` (the contract's random streams: weather-pub,
    sync-pub, ventilator) and is started without one gets ``--seed node_seed(seed, label)``, so its
    stream can be replayed; None starts such nodes unseeded."""

    def __init__(self, implementation: Implementation, peer: Implementation | None = None, validator=None,
                 peer_roles: frozenset[str] = frozenset(),
                 broken_driver: Callable[[bool], str | None] = lambda peer: None,
                 found_broken: Callable[[bool, str], None] = lambda peer, problem: None,
                 seed: int | None = None):
        self.implementation = implementation
        self.seed = seed
        self.broken_driver = broken_driver  # peer? -> why that driver is known broken (the session's probe)
        self.found_broken = found_broken  # told when a test finds a driver broken at its end (quit)
        self.peer = peer or implementation
        self.peer_roles = peer_roles
        self.started: list[Node] = []
        self.drivers: list[TrackedDriver] = []
        self._validator = validator
        self._labels: Counter[str] = Counter()
        self._held_ports: dict[str, socket.socket] = {}

    def start(self, role: str, *args: str, label: str | None = None, ready: bool = True,
              timeout: float = READY_TIMEOUT, peer: bool = False) -> Node:
        """Start a node of ``role``; from the peer implementation with ``peer=True`` or when the
        role is one of ``peer_roles`` (interop runs)."""
        impl = self.peer if peer or role in self.peer_roles else self.implementation
        if label is None:
            self._labels[role] += 1
            label = f"{role}-{self._labels[role]}"
        argv = impl.command(role, *self._seeded(role, label, args))
        node = Node(role, argv, label, env=impl.environment(), cwd=impl.cwd)
        self.started.append(node)
        if ready:
            node.wait_ready(timeout)
        return node

    def _seeded(self, role: str, label: str, args: tuple[str, ...]) -> tuple[str, ...]:
        if self.seed is None or role not in ROLES or "--seed" in args:
            return args
        if not any(opt.name == "--seed" for opt in ROLES[role].all_options):
            return args
        return (*args, "--seed", str(node_seed(self.seed, label)))

    def restart(self, node: Node, *args: str, label: str | None = None, timeout: float = READY_TIMEOUT) -> Node:
        """Kill ``node`` outright (SIGKILL to its process group), wait for its end, and start a new
        node of the same role bound at every endpoint the old one's ready line named, with ``args``
        (its other options: the old node's are not repeated). Returns the new node, ready: a peer
        that died and came back at the same endpoints."""
        node.signal(signal.SIGKILL)
        node.wait_exit()
        binds = []
        for sock in ROLES[node.role].sockets:
            for endpoint in node.endpoints.get(sock.name, []):
                binds += [sock.bind_option, endpoint]
        return self.start(node.role, *binds, *args, label=label, timeout=timeout)

    def start_under_parent(self, role: str, *args: str, label: str | None = None,
                           timeout: float = READY_TIMEOUT) -> Node:
        """Start a node of ``role`` as the child of a stand-in parent (:mod:`zmqspec.harness.parent`)
        and wait for its ready line. The ``Node`` returned is the parent: ``node.pid`` is the
        parent's, ``psutil.Process(node.pid).children()`` the node, and killing the parent alone
        (``os.kill(node.pid, SIGKILL)``) leaves the node an orphan (NC-7)."""
        impl = self.peer if role in self.peer_roles else self.implementation
        if label is None:
            self._labels[role] += 1
            label = f"{role}-{self._labels[role]}"
        argv = [sys.executable, parent.__file__, *impl.command(role, *self._seeded(role, label, args))]
        node = Node(role, argv, label, env=impl.environment(), cwd=impl.cwd)
        self.started.append(node)
        node.wait_ready(timeout)
        return node

    def driver(self, label: str | None = None, peer: bool = False) -> TrackedDriver:
        """A driver node, ready; one that does not start is a broken driver (``DriverProtocolError``).

        A driver the session's ``hello`` probe already found broken is not started again: each test
        that needs it fails at once with the probe's finding, instead of waiting out its deadline."""
        known = self.broken_driver(peer)
        if known:
            raise DriverProtocolError(f"{known} (found earlier in this session: the driver is not started again)")
        try:
            node = self.start("driver", label=label, peer=peer)
        except NodeFailure as exc:
            raise DriverProtocolError(f"broken driver: the driver did not start: {exc}", no_reply=True) from None
        made = TrackedDriver(node, self._validator)
        made.from_peer = peer
        self.drivers.append(made)
        return made

    def end_drivers(self, timeout: float = QUIT_TIMEOUT) -> None:
        """Send ``quit`` to every driver still listening; each must answer and exit 0. A driver that
        does not is reported (``found_broken``), so the session starts it no more."""
        for made in self.drivers:
            try:
                self._end_driver(made, timeout)
            except DriverProtocolError as exc:
                self.found_broken(made.from_peer, str(exc).splitlines()[0] if str(exc) else "broken driver")
                raise

    def _end_driver(self, made: TrackedDriver, timeout: float) -> None:
        node = made.node
        if made.quit_sent or not node.running or node.proc.stdin.closed:
            return
        try:
            made.quit()
        except (NodeFailure, DriverError) as exc:
            silent = not isinstance(exc, DriverProtocolError) or exc.no_reply
            if silent and _killed_by_a_signal(node):
                return  # the test ended it (node.signal): nothing to ask it any more
            if isinstance(exc, DriverProtocolError):
                raise
            raise DriverProtocolError(f"broken driver: {node.name} did not answer quit with ok: {exc}") from None
        try:
            status = node.wait_exit(timeout)
        except NodeFailure:
            raise DriverProtocolError(
                f"broken driver: {node.name} answered quit but was still running {scaled(timeout):.1f} s later"
            ) from None
        if status != 0:
            raise DriverProtocolError(f"broken driver: {node.name} ended with {node.status()} after quit, not 0")

    def vacant_tcp_endpoint(self) -> str:
        """A loopback tcp endpoint nobody listens on, held for this scenario: a socket of this
        process is bound to a port the kernel handed out and never listens. A connect there is
        refused (the peer retries, as ZeroMQ does), and while it is held no bind to port 0 anywhere
        is handed that port, so no other node of the run can turn up there. Release it
        (:meth:`release`) just before a node or driver of the test binds the endpoint; the scenario's
        end releases what is left."""
        held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        held.bind(("127.0.0.1", 0))
        endpoint = f"tcp://127.0.0.1:{held.getsockname()[1]}"
        self._held_ports[endpoint] = held
        return endpoint

    def release(self, endpoint: str) -> str:
        """Give up the port :meth:`vacant_tcp_endpoint` holds for ``endpoint`` (if it holds one), so
        that it can be bound; returns ``endpoint``."""
        held = self._held_ports.pop(endpoint, None)
        if held is not None:
            held.close()
        return endpoint

    def stop_all(self) -> None:
        for node in reversed(self.started):
            node.stop()
        for held in self._held_ports.values():
            held.close()
        self._held_ports.clear()

    def describe(self) -> str:
        return "\n".join(node.describe() for node in self.started)

    def describe_transcripts(self) -> str:
        """Every request the test sent to its drivers and every reply, driver by driver."""
        return "\n".join(made.describe_transcript() for made in self.drivers if made.transcript)


def _killed_by_a_signal(node) -> bool:
    try:
        node.proc.wait(scaled(1.0))
    except subprocess.TimeoutExpired:
        return False
    return node.proc.returncode < 0


def probe_driver(implementation: Implementation, validator=None) -> tuple[dict | None, str | None]:
    """Start one driver, ask ``hello``, quit it: (hello, None) or (hello or None, the problem in one line)."""
    if not implementation.provides("driver"):
        return None, "not provided"
    scenario = Nodes(implementation, validator=validator)
    hello = None
    try:
        made = scenario.driver(label="hello")
        hello = made.hello()
        scenario.end_drivers()
        return hello, None
    except Exception as exc:  # reported in the header and the report, never a crash
        return hello, (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    finally:
        scenario.stop_all()


def require_transport(transport: str, listed: Collection[str] | None, who: str = "the implementation") -> None:
    """Skip the test when ``transport`` is not among the transports ``listed`` in the driver's
    ``hello`` (None: not known, nothing is skipped). The contract leaves every transport but tcp
    optional, so a missing one is not judged. The one place this rule is written."""
    if listed is not None and transport not in listed:
        pytest.skip(f"{transport} is not among the transports {who} lists: {sorted(listed)}")


class Endpoints:
    """Fresh endpoints to bind, one transport at a time. No port numbers are chosen here:
    tcp endpoints are ``tcp://127.0.0.1:*`` and the binding node reports the port it got."""

    def __init__(self, listed: Callable[[], Collection[str] | None] = lambda: None):
        self._dir: str | None = None
        self._count = 0
        self._listed = listed

    def bindable(self, transport: str = "tcp") -> str:
        """An endpoint to bind; the test is skipped when an implementation taking part does not
        list the transport in its driver's ``hello``."""
        require_transport(transport, self._listed(), "every implementation here")
        self._count += 1
        if transport == "tcp":
            return "tcp://127.0.0.1:*"
        if transport == "ipc":
            if self._dir is None:
                self._dir = tempfile.mkdtemp(prefix="zs-", dir="/tmp")
            endpoint = f"ipc://{self._dir}/{self._count}"
            assert len(endpoint) - len("ipc://") < IPC_PATH_LIMIT, endpoint
            return endpoint
        if transport == "inproc":
            return f"inproc://zmqspec-{os.getpid()}-{self._count}"
        raise ValueError(f"no endpoints for transport {transport!r}")

    def cleanup(self) -> None:
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
