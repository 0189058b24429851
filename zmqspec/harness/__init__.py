"""The harness: run nodes of any implementation, as real processes, and talk to them.

    from zmqspec.harness import Nodes, reference

    nodes = Nodes(reference())
    server = nodes.start("rep-server", "--name", "A")
    print(server.endpoint("rep"))
    nodes.stop_all()

Its parts: ``process`` (one node: a process, its output, its end),
``scenario`` (the nodes of one test, started by role; interop runs; fresh
endpoints), ``driver_client`` (the driver proxy), ``observers`` (in-process
sockets that watch the wire), ``implementations`` (manifests: who runs each
role), ``deadline`` (one knob stretches every wait) and ``validate`` (driver
replies held to the protocol's JSON Schema). The harness knows the node
contract (:mod:`zmqspec.contract`) and nothing of verdicts or reports
(:mod:`zmqspec.conformance`). The pytest fixtures in
:mod:`zmqspec.pytest_plugin` are thin wrappers over these names.
"""

from zmqspec.contract import READY_PREFIX
from zmqspec.harness.deadline import Deadline, milliseconds, scaled
from zmqspec.harness.driver_client import Driver, DriverError, DriverProtocolError, Socket
from zmqspec.harness.implementations import (
    Implementation, ManifestError, RoleNotProvided, ToolchainMissing, load_manifest, reference,
)
from zmqspec.harness.observers import Observers, nothing_waiting, recv_within
from zmqspec.harness.process import (
    DEADLINE_MARK, DeadlinePassed, Node, NodeFailure, WrongLine, never_matching, no_ready_line, show_difference,
    wrong_line,
)
from zmqspec.harness.scenario import Endpoints, Nodes, require_transport

__all__ = [
    "DEADLINE_MARK", "READY_PREFIX", "Deadline", "DeadlinePassed", "Driver", "DriverError", "DriverProtocolError",
    "Endpoints", "Implementation", "ManifestError", "Node", "NodeFailure", "Nodes", "Observers", "RoleNotProvided",
    "ToolchainMissing", "Socket", "WrongLine", "load_manifest", "milliseconds", "never_matching", "no_ready_line",
    "nothing_waiting", "recv_within", "reference", "require_transport", "scaled", "show_difference",
    "wrong_line",
]
