"""The nodes of one scenario when more than one implementation takes part.

Interop runs two implementations against each other without touching a
test: ``--peer-impl B --peer-roles rep-server,worker`` makes every
``nodes.start("rep-server", ...)`` and ``nodes.start("worker", ...)`` run
B's node, and every other role run the implementation under test (A). So a
scenario "req-client talks to rep-servers" becomes "A's client talks to B's
servers". Tests that ask for ``peer=True`` themselves get B as before.

``ScenarioNodes`` also ends drivers the way the contract says (``quit``,
then exit 0) when a test has passed, so a driver that does not keep that
promise is reported as a broken driver rather than silently killed.
"""

from __future__ import annotations

import subprocess

from zmqspec._deadline import scaled
from zmqspec._driver_client import Driver, DriverError, DriverProtocolError
from zmqspec._impl import Implementation
from zmqspec._nodes import Nodes
from zmqspec._process import NodeFailure
from zmqspec._roles import ROLES

QUIT_TIMEOUT = 3.0


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

    def quit(self) -> None:
        self.quit_sent = True
        super().quit()


class ScenarioNodes(Nodes):
    def __init__(self, implementation: Implementation, peer: Implementation | None = None,
                 validator=None, peer_roles: frozenset[str] = frozenset()):
        super().__init__(implementation, peer, validator)
        self.peer_roles = peer_roles
        self.drivers: list[TrackedDriver] = []

    def start(self, role: str, *args: str, peer: bool = False, **options):
        return super().start(role, *args, peer=peer or role in self.peer_roles, **options)

    def driver(self, label: str | None = None, peer: bool = False) -> TrackedDriver:
        try:
            node = self.start("driver", label=label, peer=peer)
        except NodeFailure as exc:
            raise DriverProtocolError(f"broken driver: the driver did not start: {exc}") from None
        made = TrackedDriver(node, self._validator)
        self.drivers.append(made)
        return made

    def end_drivers(self, timeout: float = QUIT_TIMEOUT) -> None:
        """Send ``quit`` to every driver still listening; each must answer and exit 0."""
        for made in self.drivers:
            node = made.node
            if made.quit_sent or not node.running or node.proc.stdin.closed:
                continue
            try:
                made.quit()
            except DriverProtocolError:
                raise
            except (NodeFailure, DriverError) as exc:
                if _killed_by_a_signal(node):
                    continue  # the test ended it (node.signal): nothing to ask it any more
                raise DriverProtocolError(f"broken driver: {node.name} did not answer quit with ok: {exc}") from None
            try:
                status = node.wait_exit(timeout)
            except NodeFailure:
                raise DriverProtocolError(
                    f"broken driver: {node.name} answered quit but was still running {scaled(timeout):.1f} s later"
                ) from None
            if status != 0:
                raise DriverProtocolError(f"broken driver: {node.name} ended with {node.status()} after quit, not 0")


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
    scenario = ScenarioNodes(implementation, validator=validator)
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
