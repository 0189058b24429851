"""The node contract (docs/contract.md): what every node keeps, whatever its role (catalogue NC-*).

These tests know a role only through the role table (:mod:`zmqspec.contract`): its sockets, the
ones it binds by default, its options with their ranges; every connect goes to a live in-process
peer of the matching socket type, so no node waits on anything that is not there. The last
section answers, one test each, what the table alone leaves open: when a role ends by itself, and
how the ventilator orders its steps when the sink connects to it.
"""

from __future__ import annotations

import ipaddress
import json
import signal
import socket

import psutil
import pytest
import zmq

from zmqspec.contract import INT, READY_PREFIX, ROLES
from zmqspec.harness import DriverError
from zmqspec.spec.helpers import batch_end, inet_connections, spare_result

pytestmark = pytest.mark.contract

PROMPTLY = 5.0


# The in-process socket a role's socket is connected to when the test starts it: a peer of the
# matching type that accepts whatever it is sent (a ROUTER for a REQ, an XPUB for a SUB).
OBSERVER_OF = {"REQ": zmq.ROUTER, "SUB": zmq.XPUB, "PUSH": zmq.PULL, "PULL": zmq.PUSH}
# Options a test adds to a role for its own sake: a publisher that does not flood the machine.
CALM = {"weather-pub": ("--rate", "100")}
BINDING_ROLES = [name for name, role in ROLES.items() if role.bound_by_default]


def arguments(role: str, observers, leave_out: tuple[str, ...] = ()) -> list[str]:
    """The options that let ``role`` start (the role table): its required options, and every socket
    that does not bind by default connected to a fresh observer of the matching type; ``leave_out``
    names options and sockets to leave out."""

    def observer(sock) -> str:
        peer = observers.socket(OBSERVER_OF[sock.type])
        peer.bind("tcp://127.0.0.1:*")
        return peer.getsockopt_string(zmq.LAST_ENDPOINT)

    calm = CALM.get(role, ()) if CALM.get(role, ("",))[0] not in leave_out else ()
    return [*ROLES[role].start_args(observer, every_socket=True, leave_out=leave_out), *calm]


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
    return [(c.laddr.ip, c.laddr.port) for c in inet_connections(pid) if c.status == psutil.CONN_LISTEN]


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

    assert node.wait_refusal(timeout=PROMPTLY) == 2, f"{role} ended with {node.status()} on an unknown option"
    lines = node.stderr.splitlines()
    assert len(lines) == 1, f"{role} wrote {len(lines)} lines on stderr, not one: {lines}"
    assert "--no-such-option" in lines[0], f"{role}'s error does not name the option: {lines[0]!r}"
    assert not ready_lines(node), f"{role} printed a ready line before rejecting its options"


def range_edges():
    """Every integer option of every role at the four edges of its range (the role table):
    (role, option, value, accepted)."""
    for name, role in ROLES.items():
        for opt in role.all_options:
            if opt.kind != INT or not opt.contract:
                continue
            for edge, value, accepted in (("min-1", opt.min - 1, False), ("min", opt.min, True),
                                          ("max", opt.max, True), ("max+1", opt.max + 1, False)):
                yield pytest.param(name, opt.name, value, accepted, id=f"{name}{opt.name}={edge}")


def refused_with_one_line(node, role: str, what: str, names: str) -> str:
    """The node exited 2 with exactly one line on stderr, naming ``names``, and no ready line."""
    assert node.wait_refusal(timeout=PROMPTLY) == 2, f"{role} ended with {node.status()} on {what}"
    lines = node.stderr.splitlines()
    assert len(lines) == 1, f"{role} wrote {len(lines)} lines on stderr on {what}, not one: {lines}"
    assert names in lines[0], f"{role}'s error on {what} does not name {names}: {lines[0]!r}"
    assert not ready_lines(node), f"{role} printed a ready line on {what}"
    return lines[0]


@pytest.mark.spec("NC-5")
@pytest.mark.parametrize("role, option, value, accepted", list(range_edges()))
def test_an_integer_option_takes_exactly_its_range(nodes, observers, role, option, value, accepted):
    """Each integer option takes the values of its range (contract section 6), both edges included:
    the node starts. One below the smallest or above the largest: exit status 2 and exactly one
    line on standard error naming the option, before any ready line."""
    args = [*arguments(role, observers, leave_out=(option,)), option, str(value)]
    partner = ROLES[role].partner(option)
    if accepted and partner:  # --zip-min 99999 needs --zip-max 99999: options that must stay in order
        args += [partner, str(value)]

    if accepted:
        node = nodes.start(role, *args)
        assert len(ready_lines(node)) == 1, f"{role} {option} {value}: no ready line"
        node.stop()
    else:
        refused_with_one_line(nodes.start(role, *args, ready=False), role, f"{option} {value}", option)


def check_order_cases():
    """For every role with sockets: a busy endpoint on its first socket, together with each problem
    of the command line the role table allows: a needed endpoint missing, a required option
    missing, an unknown option. (role, what is left out or added, what the error line must name)."""
    for name, role in ROLES.items():
        if not role.sockets:
            continue
        for sock in role.needed[1:] if role.needed[:1] == role.sockets[:1] else role.needed:
            yield pytest.param(name, sock.name, sock.connect_option, id=f"{name}-no-{sock.name}-endpoint")
        for opt in role.options:
            if opt.required:
                yield pytest.param(name, opt.name, opt.name, id=f"{name}-no{opt.name}")
        yield pytest.param(name, "", "--no-such-option", id=f"{name}-unknown-option")


@pytest.mark.spec("NC-10")
@pytest.mark.parametrize("role, left_out, named", list(check_order_cases()))
def test_a_node_checks_its_command_line_before_it_binds(nodes, observers, role, left_out, named):
    """A node checks its whole command line before it opens any socket (contract section 6): given
    a busy endpoint to bind and, besides, a needed endpoint or a required option missing or an
    unknown option, it exits 2 with one line naming the command line's problem, not EADDRINUSE."""
    busy = observers.socket(zmq.PAIR)
    busy.bind("tcp://127.0.0.1:*")
    first = ROLES[role].sockets[0]
    args = [first.bind_option, busy.getsockopt_string(zmq.LAST_ENDPOINT),
            *arguments(role, observers, leave_out=(first.name, left_out))]
    if not left_out:
        args.append(named)

    line = refused_with_one_line(nodes.start(role, *args, ready=False), role, f"a busy endpoint and {named}",
                                 named)
    assert "EADDRINUSE" not in line, f"{role} bound before it checked its command line: {line!r}"


@pytest.mark.spec("NC-6")
@pytest.mark.parametrize("role", ROLES)
def test_help_describes_a_role_and_exits_0(nodes, role):
    """`--help` prints the role's options on standard output and exits 0, binding nothing."""
    node = nodes.start(role, "--help", ready=False)

    assert node.wait_refusal(timeout=PROMPTLY) == 0, f"{role} --help ended with {node.status()}"
    assert node.stdout.strip(), f"{role} --help printed nothing on stdout"
    assert not ready_lines(node), f"{role} --help started the node (it printed a ready line)"


@pytest.mark.spec("NC-8")
def test_the_driver_answers_each_request_with_one_json_line_and_ends_on_quit(driver):
    """The driver answers every request with one JSON line echoing its seq, goes on after errors
    (EPROTO for a line that is not JSON, ENOTSUP for an unknown command), and exits 0 promptly on quit."""
    assert driver.hello()["protocol"] == 1
    pair = driver.socket("PULL")
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
    "no port": ("rep-server", "--bind", "tcp://127.0.0.1"),
    "port not a number": ("gateway", "--frontend-bind", "tcp://127.0.0.1:http"),
    "no transport": ("rep-server", "--bind", "127.0.0.1:*"),
    "an address of no interface here": ("rep-server", "--bind", "tcp://192.0.2.1:*"),
    # 108 bytes of path: one more than sockaddr_un holds (ENAMETOOLONG), at bind and at connect
    "ipc path of 108 bytes to bind": ("rep-server", "--bind", "ipc:///tmp/" + "b" * 103),
    "ipc path of 108 bytes to connect": ("req-client", "--connect", "ipc:///tmp/" + "c" * 103),
}


@pytest.mark.spec("NC-9")
@pytest.mark.parametrize("role, option, endpoint", BAD_ENDPOINTS.values(), ids=BAD_ENDPOINTS.keys())
def test_a_node_given_an_endpoint_no_socket_can_take_exits_1_naming_it(nodes, observers, role, option, endpoint):
    """An endpoint that is malformed (none, not a number, no transport, an ipc path longer than 107
    bytes) or names no local interface: the node exits 1 with one line on stderr naming it, and prints no ready line. (Its
    other sockets are given what they need: the command line is checked first.)"""
    socket = next(s for s in ROLES[role].sockets if option in (s.bind_option, s.connect_option))
    node = nodes.start(role, option, endpoint, *arguments(role, observers, leave_out=(socket.name,)), ready=False)
    status = node.wait_refusal(timeout=PROMPTLY)
    lines = node.stderr.splitlines()
    assert status == 1, f"{role} {option} {endpoint} ended with {node.status()}\n{node.describe()}"
    assert len(lines) == 1 and endpoint in lines[0], f"expected one line naming {endpoint}, got {lines}"
    assert READY_PREFIX not in node.stdout, f"{role} claimed to be ready with {endpoint}:\n{node.stdout}"


def beyond_the_last_port():
    """Every role's first socket, told to bind and to connect a tcp port beyond 65535 that libzmq
    would take (it refuses 65536 itself, but not these)."""
    for name, role in ROLES.items():
        if not role.sockets:
            continue
        for option, port in ((role.sockets[0].bind_option, 99999), (role.sockets[0].connect_option, 70000)):
            yield pytest.param(name, option, f"tcp://127.0.0.1:{port}", id=f"{name}{option}-{port}")


@pytest.mark.spec("NC-9")
@pytest.mark.parametrize("role, option, endpoint", list(beyond_the_last_port()))
def test_a_node_refuses_a_tcp_port_beyond_65535_itself(nodes, observers, role, option, endpoint):
    """A tcp port beyond 65535, to bind or to connect, on any role: exit 1 with one line naming the
    endpoint, and no ready line. The node refuses it itself: libzmq 4.3.5 takes such a port modulo
    65536 (it binds 99999 as 34463 and 70000 as 4464, and connects to them without a word)."""
    first = ROLES[role].sockets[0]
    node = nodes.start(role, option, endpoint, *arguments(role, observers, leave_out=(first.name,)), ready=False)
    status = node.wait_refusal(timeout=PROMPTLY)
    lines = node.stderr.splitlines()
    assert status == 1, f"{role} {option} {endpoint} ended with {node.status()}\n{node.describe()}"
    assert len(lines) == 1 and endpoint in lines[0], f"expected one line naming {endpoint}, got {lines}"
    assert READY_PREFIX not in node.stdout, f"{role} claimed to be ready with {endpoint}:\n{node.stdout}"


# -- what the table alone leaves open ---------------------------------------


@pytest.mark.spec("PS-29")
def test_weather_pub_with_a_count_exits_0_after_its_last_update(nodes, observers):
    """weather-pub --count N (N > 0) exits 0 once its N-th update is sent, standard input still
    open; weather-pub with the default --count 0 has not ended by then."""
    endless = nodes.start("weather-pub", "--rate", "100")
    counted = nodes.start("weather-pub", "--count", "3")

    assert counted.wait_exit(timeout=PROMPTLY) == 0, f"weather-pub --count 3 ended with {counted.status()}"
    assert endless.running, f"weather-pub with --count 0 ended ({endless.status()}); 0 means never stop"


VENT_PROMPT = "> IF YOU'RE READY, PRESS ENTER TO START"


@pytest.mark.spec("PP-19")
def test_a_ventilator_whose_sink_connects_to_it_runs_the_batch(nodes, driver):
    """With --sink-bind the ventilator prints its ready line before any sink exists, sends N once a
    sink has connected, then prompts; a sink that connects to it gathers the batch from a worker,
    and all three end with status 0."""
    tasks = 10
    vent = nodes.start("ventilator", "--sink-bind", "tcp://127.0.0.1:*", "--tasks", str(tasks), "--cost-max", "1")
    sink = nodes.start("sink", "--bind", "tcp://127.0.0.1:*", "--connect", vent.endpoint("sink"))
    sink.wait_for(rf"^GATHER {tasks} TASKS\.$", PROMPTLY, "the sink's GATHER line: N from the ventilator")
    worker = nodes.start("worker", "--connect", vent.endpoint("tasks"), "--sink-connect", sink.endpoint("results"),
                         "--kill-connect", sink.endpoint("kill"), "--wait-connected")
    vent.wait_until(lambda out: VENT_PROMPT in out, PROMPTLY, "the ventilator's prompt, once N is sent")
    spare = spare_result(driver, sink)

    vent.send_line("")

    assert batch_end(sink, tasks, spare, PROMPTLY) == 0, f"the sink ended with {sink.status()}"
    assert worker.wait_exit(timeout=PROMPTLY) == 0, f"the worker ended with {worker.status()} (KILL)"
    vent.send_line("")
    assert vent.wait_exit(timeout=PROMPTLY) == 0, f"the ventilator ended with {vent.status()}"


@pytest.mark.spec("NC-3")
def test_a_ventilator_waiting_for_its_sink_ends_with_its_standard_input(nodes):
    """A ventilator with --sink-bind whose sink never comes (N cannot be sent) still exits 0
    promptly when its standard input ends."""
    vent = nodes.start("ventilator", "--sink-bind", "tcp://127.0.0.1:*")

    vent.close_stdin()

    assert vent.wait_exit(timeout=PROMPTLY) == 0, f"the ventilator ended with {vent.status()} on end of input"
