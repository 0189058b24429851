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

import psutil
import pytest
import zmq

from zmqspec.contract import READY_PREFIX, ROLES
from zmqspec.harness import DriverError

pytestmark = pytest.mark.contract

PROMPTLY = 5.0


# The in-process socket a role's socket is connected to when the test starts it: a peer of the
# matching type that accepts whatever it is sent (a ROUTER for a REQ, an XPUB for a SUB).
OBSERVER_OF = {"REQ": zmq.ROUTER, "SUB": zmq.XPUB, "PUSH": zmq.PULL, "PULL": zmq.PUSH}
# Options a test adds to a role for its own sake: a publisher that does not flood the machine.
CALM = {"weather-pub": ("--rate", "100")}
BINDING_ROLES = [name for name, role in ROLES.items() if role.bound_by_default]


def arguments(role: str, observers) -> list[str]:
    """The options that let ``role`` start: its required options, and every socket that does not
    bind by default connected to a fresh observer of the matching type."""
    args = [*ROLES[role].required_args, *CALM.get(role, ())]
    for sock in ROLES[role].sockets:
        if sock.binds_by_default:
            continue
        peer = observers.socket(OBSERVER_OF[sock.type])
        peer.bind("tcp://127.0.0.1:*")
        args += [sock.connect_option, peer.getsockopt_string(zmq.LAST_ENDPOINT)]
    return args


def start(nodes, observers, role: str, *extra: str):
    return nodes.start(role, *arguments(role, observers), *extra)


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
def test_every_role_prints_one_ready_line_naming_the_endpoints_it_bound(nodes, observers, role):
    """A node prints exactly one ready line; its JSON maps socket names to lists of endpoints,
    names every socket the role binds by default, and each endpoint it names accepts a connection."""
    node = start(nodes, observers, role)

    bound = node.endpoints
    assert all(isinstance(v, list) and all(isinstance(e, str) for e in v) for v in bound.values()), (
        f"{role}: the ready line must map socket names to lists of endpoints, got {bound}"
    )
    for name in ROLES[role].bound_by_default:
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
def test_a_node_given_no_endpoint_binds_loopback_only(nodes, observers, role):
    """A socket given neither --bind nor --connect binds tcp on loopback: the ready line says so,
    and the node's process listens on no other address."""
    node = start(nodes, observers, role)

    ports = set()
    for name in ROLES[role].bound_by_default:
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
def test_a_node_exits_0_promptly_when_its_standard_input_ends(nodes, observers, role):
    """End-of-file on standard input (a parent that died) ends every node, with status 0."""
    node = start(nodes, observers, role)

    node.close_stdin()

    assert node.wait_exit(timeout=PROMPTLY) == 0, f"{role} ended with {node.status()} on end of input"


@pytest.mark.spec("NC-4")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_ends_promptly_on_sigterm(nodes, observers, role):
    """SIGTERM ends a node within seconds, its standard input still open (any exit status)."""
    node = start(nodes, observers, role)

    node.signal(signal.SIGTERM)

    node.wait_exit(timeout=PROMPTLY)


@pytest.mark.spec("NC-5")
@pytest.mark.parametrize("role", ROLES)
def test_a_node_given_an_unknown_option_exits_2_with_one_line_naming_it(nodes, observers, role):
    """An unknown option: exit status 2 and exactly one line on standard error, naming the option
    (no usage screen, no traceback), before any ready line."""
    node = nodes.start(role, *arguments(role, observers), "--no-such-option", ready=False)

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
def test_a_node_given_a_value_out_of_range_exits_2_with_one_line_naming_the_option(nodes, observers, role):
    """A value out of range (a negative count, zero subscribers): exit status 2 and exactly one
    line on standard error, naming the option."""
    option, value = OUT_OF_RANGE[role]
    node = nodes.start(role, *arguments(role, observers), option, value, ready=False)

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


# -- NC-9: endpoints no socket can take -------------------------------------


BAD_ENDPOINTS = {
    "port beyond 65535": ("sink", "--bind", "tcp://127.0.0.1:99999"),
    "port 65536": ("rep-server", "--bind", "tcp://127.0.0.1:65536"),
    "connect beyond 65535": ("req-client", "--connect", "tcp://127.0.0.1:70000"),
    "no port": ("rep-server", "--bind", "tcp://127.0.0.1"),
    "port not a number": ("gateway", "--frontend-bind", "tcp://127.0.0.1:http"),
    "no transport": ("rep-server", "--bind", "127.0.0.1:*"),
    "an address of no interface here": ("rep-server", "--bind", "tcp://192.0.2.1:*"),
    # 108 bytes of path: one more than sockaddr_un holds (ENAMETOOLONG), at bind and at connect
    "ipc path of 108 bytes to bind": ("rep-server", "--bind", "ipc:///tmp/" + "b" * 103),
    "ipc path of 108 bytes to connect": ("req-client", "--connect", "ipc:///tmp/" + "c" * 103),
}


@pytest.mark.contract
@pytest.mark.spec("NC-9")
@pytest.mark.parametrize("role, option, endpoint", BAD_ENDPOINTS.values(), ids=BAD_ENDPOINTS.keys())
def test_a_node_given_an_endpoint_no_socket_can_take_exits_1_naming_it(nodes, role, option, endpoint):
    """An endpoint that is malformed (a tcp port beyond 65535, none, not a number, no transport, an
    ipc path longer than 107 bytes) or names no local interface: the node exits 1 with one line on stderr naming it, and prints no
    ready line. libzmq itself takes port 99999 as 34463: a node must not bind a port it was not given."""
    node = nodes.start(role, option, endpoint, ready=False)
    status = node.wait_exit(timeout=PROMPTLY)
    lines = node.stderr.splitlines()
    assert status == 1, f"{role} {option} {endpoint} ended with {node.status()}\n{node.describe()}"
    assert len(lines) == 1 and endpoint in lines[0], f"expected one line naming {endpoint}, got {lines}"
    assert READY_PREFIX not in node.stdout, f"{role} claimed to be ready with {endpoint}:\n{node.stdout}"
