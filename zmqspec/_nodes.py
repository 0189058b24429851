"""The nodes of one scenario: started by role, stopped together.

Tests ask for a role, never for a command: ``nodes.start("rep-server",
"--name", "A")`` runs whatever command the implementation under test gives
for that role, waits for its ready line, and hands back the ``Node``.
Everything started here is stopped (process group and all) by ``stop_all``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Collection

import pytest

from zmqspec._driver_client import Driver
from zmqspec._impl import Implementation
from zmqspec._process import Node

READY_TIMEOUT = 15.0
IPC_PATH_LIMIT = 107


class Nodes:
    def __init__(self, implementation: Implementation, peer: Implementation | None = None, validator=None):
        self.implementation = implementation
        self.peer = peer or implementation
        self.started: list[Node] = []
        self._validator = validator
        self._labels: Counter[str] = Counter()

    def start(self, role: str, *args: str, label: str | None = None, ready: bool = True,
              timeout: float = READY_TIMEOUT, peer: bool = False) -> Node:
        """Start a node of ``role``; with ``peer=True`` from the peer implementation (interop runs)."""
        impl = self.peer if peer else self.implementation
        argv = impl.command(role, *args)
        if label is None:
            self._labels[role] += 1
            label = f"{role}-{self._labels[role]}"
        node = Node(role, argv, label, env=impl.environment(), cwd=impl.cwd)
        self.started.append(node)
        if ready:
            node.wait_ready(timeout)
        return node

    def driver(self, label: str | None = None, peer: bool = False) -> Driver:
        return Driver(self.start("driver", label=label, peer=peer), self._validator)

    def stop_all(self) -> None:
        for node in reversed(self.started):
            node.stop()

    def describe(self) -> str:
        return "\n".join(node.describe() for node in self.started)


class Endpoints:
    """Fresh endpoints to bind, one transport at a time. No port numbers are chosen here:
    tcp endpoints are ``tcp://127.0.0.1:*`` and the binding node reports the port it got."""

    def __init__(self, listed: Callable[[], Collection[str] | None] = lambda: None):
        self._dir: str | None = None
        self._count = 0
        self._listed = listed

    def bindable(self, transport: str = "tcp") -> str:
        """An endpoint to bind; the test is skipped when an implementation taking part does not
        list the transport in its driver's ``hello`` (the contract leaves every transport but tcp optional)."""
        listed = self._listed()
        if listed is not None and transport not in listed:
            pytest.skip(f"{transport} is not among the transports every implementation here lists: {sorted(listed)}")
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
