"""The node contract's data, defined once: the ready line and the role table.

docs/contract.md is the contract in words; this module is the part of it
that code reads. The reference nodes (:mod:`zmqspec.roles`), the harness,
the contract tests and the benchmarks all take from here what they would
otherwise each write down again: which roles exist, which module runs each
one, which sockets a role has, of what ZeroMQ type (RFC 23 names), with
which options, and which of them bind ``tcp://127.0.0.1:*`` when given no
endpoint (contract section 6).

This is the lowest layer: it imports nothing of zmqspec, and nothing heavy
(a node imports it at start-up, and start-up time is measured).
"""

from __future__ import annotations

from dataclasses import dataclass

READY_PREFIX = "ZMQSPEC READY "
"""A node's ready line is this prefix, then a JSON object: socket name -> endpoints bound (section 2)."""

DEFAULT_BIND = "tcp://127.0.0.1:*"
"""Where a socket that binds by default binds: loopback, a free port (section 1)."""

BIND = "bind"  # the socket binds DEFAULT_BIND when given neither a bind nor a connect
NEEDED = "needed"  # the socket must be given an endpoint: without one the node exits 2
OPTIONAL = "optional"  # the socket may be left without an endpoint


@dataclass(frozen=True)
class Socket:
    """One socket of a role: its name in the ready line, its ZeroMQ type, its options, its default.

    ``prefix`` names the options: ``""`` gives ``--bind`` / ``--connect``, ``"sink-"`` gives
    ``--sink-bind`` / ``--sink-connect`` (each repeatable). ``default`` is :data:`BIND`,
    :data:`NEEDED` or :data:`OPTIONAL`: what the node does with the socket when given no endpoint.
    """

    name: str
    type: str
    prefix: str = ""
    default: str = OPTIONAL
    what: str = ""  # a few words for --help, e.g. " (facing the workers)"

    @property
    def bind_option(self) -> str:
        return f"--{self.prefix}bind"

    @property
    def connect_option(self) -> str:
        return f"--{self.prefix}connect"

    @property
    def binds_by_default(self) -> bool:
        return self.default == BIND


@dataclass(frozen=True)
class Role:
    """One role of the contract: who runs it, what it is, its sockets in ready-line order.

    ``required`` lists the options a node of the role cannot start without, each with the
    smallest value the contract allows (``sync-pub --subscribers 1``).
    """

    name: str
    module: str
    summary: str
    sockets: tuple[Socket, ...] = ()
    required: tuple[tuple[str, str], ...] = ()

    def socket(self, name: str) -> Socket:
        for sock in self.sockets:
            if sock.name == name:
                return sock
        raise KeyError(f"{self.name} has no socket {name!r}")

    @property
    def bound_by_default(self) -> tuple[str, ...]:
        """The names of the sockets that bind when given no endpoint: what the ready line must list."""
        return tuple(sock.name for sock in self.sockets if sock.binds_by_default)

    @property
    def required_args(self) -> list[str]:
        return [part for option_value in self.required for part in option_value]


def _roles(*roles: Role) -> dict[str, Role]:
    return {role.name: role for role in roles}


ROLES: dict[str, Role] = _roles(
    Role("rep-server", "zmqspec.roles.rep_server", "REP echo server: replies '{name},{request}'",
         (Socket("rep", "REP", default=BIND),)),
    Role("req-client", "zmqspec.roles.req_client", "REQ client: sends stdin lines, prints replies, quits after 'bye'",
         (Socket("req", "REQ", default=NEEDED),)),
    Role("gateway", "zmqspec.roles.gateway", "REP facing out, REQ facing in: relays each request and its reply",
         (Socket("frontend", "REP", "frontend-", BIND, " (facing the clients)"),
          Socket("backend", "REQ", "backend-", NEEDED, " (facing the servers)"))),
    Role("weather-pub", "zmqspec.roles.weather_pub", "PUB: publishes 'zipcode temperature humidity seq' updates",
         (Socket("pub", "PUB", default=BIND),)),
    Role("weather-sub", "zmqspec.roles.weather_sub",
         "SUB: averages the temperature of 50 updates for one zipcode prefix",
         (Socket("sub", "SUB", default=NEEDED),)),
    Role("sync-pub", "zmqspec.roles.sync_pub", "PUB that starts only when N subscribers have synchronised",
         (Socket("pub", "PUB", default=BIND),
          Socket("sync", "REP", "sync-", BIND, " (subscribers report in here)")),
         required=(("--subscribers", "1"),)),
    Role("sync-sub", "zmqspec.roles.sync_sub", "SUB that synchronises with sync-pub, then counts every update",
         (Socket("sub", "SUB", default=NEEDED),
          Socket("sync", "REQ", "sync-", NEEDED, " (to report in to sync-pub)"))),
    Role("ventilator", "zmqspec.roles.ventilator", "PUSH: tells the sink N, then deals N workloads to workers",
         (Socket("tasks", "PUSH", "", BIND, " (facing the workers)"),
          Socket("sink", "PUSH", "sink-", NEEDED, " (to tell the sink N)"))),
    Role("worker", "zmqspec.roles.worker",
         "PULL tasks, sleep each workload, PUSH results; exits on the sink's kill signal",
         (Socket("tasks", "PULL", "", OPTIONAL, " (to the ventilator)"),
          Socket("sink", "PUSH", "sink-", OPTIONAL, " (to the sink)"),
          Socket("kill", "SUB", "kill-", OPTIONAL, " (to the sink's kill PUB)"))),
    Role("sink", "zmqspec.roles.sink", "PULL: gathers exactly N results, then publishes the kill signal",
         (Socket("results", "PULL", default=BIND),
          Socket("kill", "PUB", "kill-", BIND, " (the workers' kill signal)"))),
    Role("driver", "zmqspec.roles.driver", "a scriptable socket: JSON lines on stdin, replies on stdout"),
)
"""The seed's ten roles, plus ``driver``, a scriptable socket (contract sections 5 and 6)."""
