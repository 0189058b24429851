"""The public harness: run nodes of any implementation and talk to them.

    from zmqspec.harness import Nodes, reference

    nodes = Nodes(reference())
    server = nodes.start("rep-server", "--name", "A")
    print(server.endpoint("rep"))
    nodes.stop_all()

``should(condition, message)`` checks a SHOULD of the specification: when
it does not hold, the test goes on and its verdict becomes "non-strict".

The pytest fixtures in :mod:`zmqspec.pytest_plugin` are thin wrappers over
these names.
"""

from zmqspec._deadline import scaled
from zmqspec._driver_client import Driver, DriverError, DriverProtocolError, Socket
from zmqspec._impl import Implementation, ManifestError, RoleNotProvided, ToolchainMissing, load_manifest, reference
from zmqspec._node import READY_PREFIX
from zmqspec._nodes import Endpoints, Nodes
from zmqspec._peers import Peers, nothing_waiting, recv_within
from zmqspec._process import Node, NodeFailure
from zmqspec._should import ShouldNotMet, should

__all__ = [
    "READY_PREFIX", "Driver", "DriverError", "DriverProtocolError", "Endpoints", "Implementation",
    "ManifestError", "Node", "NodeFailure", "Nodes", "Peers", "RoleNotProvided", "ToolchainMissing", "ShouldNotMet", "Socket",
    "load_manifest", "nothing_waiting", "recv_within", "reference", "scaled", "should",
]
