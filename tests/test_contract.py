"""The node contract (docs/contract.md): what every node keeps, whatever its role (catalogue NC-*).

These tests know a role only by its options and by the sockets it binds by
default; every connect goes to a live in-process peer of the matching
socket type, so no node waits on anything that is not there.
"""

from __future__ import annotations

import ipaddress
import json
import signal
import socket
from dataclasses import dataclass, field

import psutil
import pytest
import zmq

from zmqspec.harness import READY_PREFIX, DriverError

pytestmark = pytest.mark.contract

PROMPTLY = 5.0


@dataclass(frozen=True)
class Role:
    bound: tuple[str, ...] = ()  # the sockets it binds when given no endpoint (contract section 6)
    connects: dict[str, int] = field(default_factory=dict)  # option -> the peer socket type it connects to
    options: tuple[str, ...] = ()


ROLES = {
    "rep-server": Role(bound=("rep",)),
    "req-client": Role(connects={"--connect": zmq.ROUTER}),
    "gateway": Role(bound=("frontend",), connects={"--backend-connect": zmq.ROUTER}),
    "weather-pub": Role(bound=("pub",), options=("--rate", "100")),
    "weather-sub": Role(connects={"--connect": zmq.XPUB}),
    "sync-pub": Role(bound=("pub", "sync"), options=("--subscribers", "1")),
    "sync-sub": Role(connects={"--connect": zmq.XPUB, "--sync-connect": zmq.ROUTER}),
    "ventilator": Role(bound=("tasks",), connects={"--sink-connect": zmq.PULL}),
    "worker": Role(connects={"--connect": zmq.PUSH, "--sink-connect": zmq.PULL, "--kill-connect": zmq.XPUB}),
    "sink": Role(bound=("results", "kill")),
    "driver": Role(),
}
BINDING_ROLES = [name for name, role in ROLES.items() if role.bound]


def arguments(role: str, peers) -> list[str]:
    """The options that let ``role`` start: its connects, each to a fresh peer of the right type."""
    args = list(ROLES[role].options)
    for option, kind in ROLES[role].connects.items():
        peer = peers.socket(kind)
        peer.bind("tcp://127.0.0.1:*")
        args += [option, peer.getsockopt_string(zmq.LAST_ENDPOINT)]
    return args


def start(nodes, peers, role: str, *extra: str):
    return nodes.start(role, *arguments(role, peers), *extra)


def tcp_address(endpoint: str) -> tuple[str, int]:
    transport, _, address = endpoint.partition("://")
    assert transport == "tcp", f"a default endpoint must be tcp, got {endpoint!r}"
    host, _, port = address.rpartition(":")
    assert port.isdigit(), f"{endpoint!r} names no port number (a wildcard must be resolved to the port bound)"
    return host.strip("[]"), int(port)


def listening_addresses(pid: int) -> list[tuple[str, int]]:
    """The (ip, port) of every listening inet socket of the node's process and its descendants."""
    root = psutil.Process(pid)
    found = []
    for process in [root, *root.children(recursive=True)]:
        connections = getattr(process, "net_connections", None) or process.connections
        found += [(c.laddr.ip, c.laddr.port) for c in connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    return found


def ready_lines(node) -> list[str]:
    return [line for line in node.lines() if line.startswith(READY_PREFIX)]


@pytest.mark.spec("NC-1")
@pytest.mark.parametrize("role", ROLES)
def test_every_role_prints_one_ready_line_naming_the_endpoints_it_bound(nodes, peers, role):
    """A node prints exactly one ready line; its JSON maps socket names to lists of endpoints,
    names every socket the role binds by default, and each endpoint it names accepts a connection."""
    node = start(nodes, peers, role)

    bound = node.endpoints
    assert all(isinstance(v, list) and all(isinstance(e, str) for e in v) for v in bound.values()), (
        f"{role}: the ready line must map socket names to lists of endpoints, got {bound}"
    )
    for name in ROLES[role].bound:
        assert len(bound.get(name, [])) == 1, (
            f"{role}: socket {name!r} binds one endpoint by default; the ready line gave {bound}"
        )
    for name, endpoint in ((n, e) for n, es in bound.items() for e in es):
        with socket.create_connection(tcp_address(endpoint), timeout=PROMPTLY):
            pass  # something listens where the ready line says

    node.stop()
    assert len(ready_lines(node)) == 1, f"{role} printed {len(ready_lines(node))} ready lines: {ready_lines(node)}"


def is_loopback(ip: str) -> bool:
    """127.0.0.0/8 and ::1, and IPv4 loopback seen through a dual-stack socket (::ffff:127.0.0.1)."""
    address = ipaddress.ip_address(ip)
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


@pytest.mark.spec("NC-2")
@pytest.mark.parametrize("role", BINDING_ROLES)
def test_a_node_given_no_endpoint_binds_loopback_only(nodes, peers, role):
    """A socket given neither --bind nor --connect binds tcp on loopback: the ready line says so,
    and the node's process listens on no other address."""
    node = start(nodes, peers, role)

    ports = set()
    for name in ROLES[role].bound:
        host, port = tcp_address(node.endpoint(name))
        assert is_loopback(host), (
            f"{role}: socket {name!r} bound {node.endpoint(name)}, not loopback"
        )
        ports.add(port)
    listening = listening_addresses(node.pid)
    assert ports <= {port for _, port in listening}, (
        f"{role}: the ready line names ports {sorted(ports)}, but the process listens on {listening}"
    )
    exposed = [(ip, port) for ip, port in listening if not is_loopback(ip)]
    assert not exposed, f"{role} listens beyond loopback: {exposed}"


@pytest.mark.spec("NC-3")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_exits_0_promptly_when_its_standard_input_ends(nodes, peers, role):
    """End-of-file on standard input (a parent that died) ends every node, with status 0."""
    node = start(nodes, peers, role)

    node.close_stdin()

    assert node.wait_exit(timeout=PROMPTLY) == 0, f"{role} ended with {node.status()} on end of input"


@pytest.mark.spec("NC-4")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_ends_promptly_on_sigterm(nodes, peers, role):
    """SIGTERM ends a node within seconds, its standard input still open (any exit status)."""
    node = start(nodes, peers, role)

    node.signal(signal.SIGTERM)

    node.wait_exit(timeout=PROMPTLY)


@pytest.mark.spec("NC-5")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_given_an_unknown_option_exits_2_with_one_line_naming_it(nodes, peers, role):
    """An unknown option: exit status 2 and exactly one line on standard error, naming the option
    (no usage screen, no traceback), before any ready line."""
    node = nodes.start(role, *arguments(role, peers), "--no-such-option", ready=False)

    assert node.wait_exit(timeout=PROMPTLY) == 2, f"{role} ended with {node.status()} on an unknown option"
    lines = node.stderr.splitlines()
    assert len(lines) == 1, f"{role} wrote {len(lines)} lines on stderr, not one: {lines}"
    assert "--no-such-option" in lines[0], f"{role}'s error does not name the option: {lines[0]!r}"
    assert not ready_lines(node), f"{role} printed a ready line before rejecting its options"


OUT_OF_RANGE = {
    "weather-pub": ("--count", "-1"),
    "weather-sub": ("--count", "0"),
    "sync-pub": ("--subscribers", "0"),
    "ventilator": ("--tasks", "-1"),
}


@pytest.mark.spec("NC-5")
@pytest.mark.parametrize("role", OUT_OF_RANGE)
def test_a_node_given_a_value_out_of_range_exits_2_with_one_line_naming_the_option(nodes, peers, role):
    """A value out of range (a negative count, zero subscribers): exit status 2 and exactly one
    line on standard error, naming the option."""
    option, value = OUT_OF_RANGE[role]
    node = nodes.start(role, *arguments(role, peers), option, value, ready=False)

    assert node.wait_exit(timeout=PROMPTLY) == 2, f"{role} ended with {node.status()} on {option} {value}"
    lines = node.stderr.splitlines()
    assert len(lines) == 1, f"{role} wrote {len(lines)} lines on stderr, not one: {lines}"
    assert option in lines[0], f"{role}'s error does not name {option}: {lines[0]!r}"


@pytest.mark.spec("NC-6")
@pytest.mark.parametrize("role", ROLES)
def test_help_describes_a_role_and_exits_0(nodes, role):
    """`--help` prints the role's options on standard output and exits 0, binding nothing."""
    node = nodes.start(role, "--help", ready=False)

    assert node.wait_exit(timeout=PROMPTLY) == 0, f"{role} --help ended with {node.status()}"
    assert node.stdout.strip(), f"{role} --help printed nothing on stdout"
    assert not ready_lines(node), f"{role} --help started the node (it printed a ready line)"


@pytest.mark.spec("NC-8")
def test_the_driver_answers_each_request_with_one_json_line_and_ends_on_quit(driver):
    """The driver answers every request with one JSON line echoing its seq, goes on after errors
    (EPROTO for a line that is not JSON, ENOTSUP for an unknown command), and exits 0 promptly on quit."""
    assert driver.hello()["protocol"] == 1
    pair = driver.socket("PAIR")
    assert pair.bind().startswith("tcp://127.0.0.1:")

    driver.node.send_line("this is not JSON")
    answer = json.loads(driver.node.read_line(PROMPTLY, "the driver's answer to a line that is not JSON"))
    assert answer.get("seq") is None and answer.get("error", {}).get("errno") == "EPROTO", (
        f"a line that is not JSON must get seq null and EPROTO, got {answer}"
    )
    with pytest.raises(DriverError) as unknown:
        driver.request("no-such-command")
    assert unknown.value.errno == "ENOTSUP", f"an unknown command must fail with ENOTSUP, got {unknown.value}"

    assert driver.hello()["protocol"] == 1, "the driver goes on after errors"
    driver.quit()
    assert driver.node.wait_exit(timeout=PROMPTLY) == 0, f"the driver ended with {driver.node.status()} after quit"
    requests = 7  # hello, socket, bind, the line that is not JSON, no-such-command, hello, quit
    assert len(driver.node.lines()) == 1 + requests, (
        f"the driver printed lines other than its ready line and {requests} replies: {driver.node.lines()}"
    )
