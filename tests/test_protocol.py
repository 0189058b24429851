"""The driver protocol is defined once (zmqspec/protocol.py); everything else is held to it.

- the JSON Schema shipped in the package is the one the module generates;
- the command table of docs/contract.md section 5 is the one it prints;
- every command and field the harness's client sends, read from its source, is in the module;
  and every request a run of each client method sends, recorded, is valid under the schema;
- the harness scales each driver timeout once, and pytest-timeout's limit too;
- a failed test's report shows the driver transcript.
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from zmqspec import protocol
from zmqspec.harness import Deadline, DriverError, Nodes, reference
from zmqspec.harness import deadline as deadlines
from zmqspec.harness import driver_client
from zmqspec.harness.validate import load_schema

from inner import PLAIN_PYTEST, inner_env, run_inner

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
INNER = Path(__file__).resolve().parent / "inner_suites"
SPEC = ROOT / "zmqspec" / "spec"
# Names the spec tests send on purpose, to see them refused (NC-8, MI-10, DP-4).
NOT_COMMANDS = {"no-such-command", "juggle", "HELLO"}


def test_the_shipped_schema_is_the_one_the_protocol_module_generates():
    assert load_schema() == protocol.json_schema(), (
        "zmqspec/schemas/driver-protocol.json is stale: python -m zmqspec.protocol --schema "
        "> zmqspec/schemas/driver-protocol.json"
    )
    jsonschema.Draft202012Validator.check_schema(load_schema())


def test_the_contracts_command_table_is_the_one_the_protocol_module_prints():
    contract = (ROOT / "docs" / "contract.md").read_text("utf-8")
    section = contract[contract.index("## 5."):contract.index("## 6.")]
    assert protocol.markdown_table() in section, (
        "docs/contract.md section 5's command table differs from zmqspec/protocol.py: "
        "python -m zmqspec.protocol --table prints it"
    )


def sent_by(path: Path, methods: tuple[str, ...]) -> list[tuple[int, str, set[str]]]:
    """(line, command, keyword fields) of every call ``x.<method>("cmd", ...)`` in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            fields = {k.arg for k in node.keywords if k.arg and not k.arg.startswith("_")}
            found.append((node.lineno, node.args[0].value, fields))
    return found


def test_every_command_and_field_the_client_sends_is_defined_in_the_protocol():
    client = Path(driver_client.__file__)
    calls = sent_by(client, ("request", "_call", "command"))
    assert len({cmd for _, cmd, _ in calls}) >= len(protocol.COMMANDS) - 1, f"too few commands found: {calls}"
    for line, cmd, fields in calls:
        assert cmd in protocol.COMMANDS, f"{client.name}:{line} sends {cmd!r}, which zmqspec/protocol.py lacks"
        known = {f.name for f in protocol.COMMANDS[cmd].fields} | {"socket", "timeout"}
        assert fields <= known, f"{client.name}:{line} sends {cmd} with {sorted(fields - known)}, not its fields"
    for option, value in (("subscribe", "text"), ("subscribe", b"\x01"), ("sndhwm", 3)):
        request = driver_client.Socket(None, "s1", "SUB").option_command(option, value)
        assert protocol.request_problem(request.pop("cmd"), request) is None, (option, value)


def test_every_command_a_spec_test_sends_by_name_is_defined_in_the_protocol():
    for path in sorted(SPEC.glob("*.py")):
        for line, cmd, _ in sent_by(path, ("request", "command")):
            assert cmd in protocol.COMMANDS or cmd in NOT_COMMANDS, (
                f"{path.name}:{line} sends {cmd!r}, which zmqspec/protocol.py lacks"
            )


@pytest.fixture
def reference_driver():
    nodes = Nodes(reference())
    try:
        yield nodes.driver()
    finally:
        nodes.stop_all()


def test_every_request_each_client_method_sends_is_valid_under_the_schema(reference_driver):
    """Run each method of Driver and Socket once against the reference driver (with and without
    the optional commands) and hold every request line recorded in the transcript to the schema."""
    driver = reference_driver
    for emulated in (False, True):
        if emulated:
            driver._commands = frozenset(protocol.CORE)
        pull, push = driver.socket("PULL"), driver.socket("PUSH")
        push.connect(pull.bind())
        push.send(b"a", "b", timeout=1)
        assert pull.recv(timeout=5) == [b"a", b"b"]
        push.send_many([[b"1"], [b"2"], [b"end"]], timeout=1)
        assert pull.recv_many(1, timeout=5) == [[b"1"]]
        assert pull.recv_until(b"end", timeout=5) == ([[b"2"]], True)
        assert pull.poll(timeout=0) == set()
        assert driver.poll({push: ("out",)}, timeout=1) == {push: {"out"}}
        sub = driver.socket("SUB")
        sub.subscribe(b"x")
        sub.subscribe_text("서울")
        sub.unsubscribe_text("서울")
        sub.unsubscribe(b"x")
        sub.set("rcvhwm", 10)
        assert sub.get("rcvhwm") == 10
        with pytest.raises(DriverError) as nothing:
            driver.batch([sub.option_command("subscribe", "y"), sub.command("recv", timeout=0.01)])
        assert nothing.value.errno == "EAGAIN" and nothing.value.index == 1, nothing.value
        pub = driver.socket("PUB")
        where = pub.bind()
        pub.unbind(where)
        sub.connect(where)
        sub.disconnect(where)
        assert sub.get("last_endpoint")
        for sock in (pull, push, sub, pub):
            sock.close()
    driver.hello()
    schema = load_schema()
    validator = jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/request"})
    sent = [json.loads(line[2:]) for line in driver.transcript if line.startswith("> ")]
    assert {r["cmd"] for r in sent} >= set(protocol.COMMANDS) - {"quit"}, (
        f"the run did not send every command: {sorted({r['cmd'] for r in sent})}"
    )
    for request in sent:
        problems = [e.message for e in validator.iter_errors(request)]
        assert not problems, f"the client sent a request the schema refuses: {request}: {problems[:2]}"


def test_a_driver_timeout_is_scaled_once_by_the_client(reference_driver, monkeypatch):
    """ZMQSPEC_TIMEOUT_SCALE reaches the timeout_ms a test's driver call carries, scaled once:
    a recv given 0.2 s at scale 3 asks the driver for 600 ms; a Deadline passes what is left."""
    monkeypatch.setattr(deadlines, "SCALE", 3.0)
    sock = reference_driver.socket("PULL")
    with pytest.raises(DriverError):
        sock.recv(timeout=0.2)
    sent = json.loads(reference_driver.transcript[-2][2:])
    assert sent["cmd"] == "recv" and sent["timeout_ms"] == 600, f"expected timeout_ms 600 at scale 3: {sent}"
    assert sock.command("recv")["timeout_ms"] == 3 * int(driver_client.DEFAULT_TIMEOUT * 1000)
    left = Deadline(10)
    assert 29_000 < deadlines.milliseconds(left) <= 30_000, "a Deadline of 10 s at scale 3 leaves about 30 s"
    assert deadlines.milliseconds(0) == 0, "0 means do not wait, at any scale"


def run_pytest(*args: str, scale: str = "1") -> subprocess.CompletedProcess:
    return run_inner([*PLAIN_PYTEST, *args], env=inner_env(ZMQSPEC_TIMEOUT_SCALE=scale))


@pytest.mark.slow
def test_pytest_timeouts_limit_is_scaled_like_every_other_deadline():
    """A test marked timeout(1) that takes 1.5 s: pytest-timeout ends it at scale 1, not at scale 2."""
    at_one = run_pytest("-q", str(INNER / "timeout_scaled.py"), scale="1")
    assert at_one.returncode == 1 and "Timeout" in at_one.stdout, f"at scale 1 the limit is 1 s:\n{at_one.stdout[-2000:]}"
    at_two = run_pytest("-q", str(INNER / "timeout_scaled.py"), scale="2")
    assert at_two.returncode == 0, f"at scale 2 the limit is 2 s:\n{at_two.stdout[-2000:]}"


def test_a_failed_tests_report_shows_the_driver_transcript():
    done = run_pytest("-q", str(INNER / "driver_transcript.py"))
    assert done.returncode == 1, done.stdout[-3000:]
    assert "driver transcript (call)" in done.stdout, f"no driver transcript section:\n{done.stdout[-3000:]}"
    assert '> {"seq": 1, "cmd": "socket", "type": "PAIR"}' in done.stdout, done.stdout[-3000:]
    assert '< {"seq": 1, "ok": {"socket": "s1"}}' in done.stdout, done.stdout[-3000:]


def test_the_protocol_module_refuses_what_the_contract_refuses():
    """request_problem (what the reference driver runs) against the contract's sentences."""
    assert protocol.request_problem("send", {"socket": "s1", "frames": ["AB"]}), "uppercase hex"
    assert protocol.request_problem("recv", {"socket": "s1", "timeout_ms": True}), "true as an integer"
    assert protocol.request_problem("recv", {"socket": "s1", "timeout_ms": -1}), "a negative timeout"
    assert protocol.request_problem("close", {"socket": "s1", "colour": "blue"}), "a field not taken"
    assert protocol.request_problem("poll", {"items": [{"socket": "s1", "evts": []}]}), "a poll item's field"
    assert protocol.request_problem("socket", {}), "a required field missing"
    assert protocol.request_problem("send", {"socket": "s1", "frames": ["ab", ""], "timeout_ms": 0}) is None
    assert protocol.seq_problem({"seq": "1", "cmd": "hello"}) and protocol.seq_problem({"cmd": "hello"})
    assert protocol.seq_problem({"seq": True}) and protocol.seq_problem([1]) and not protocol.seq_problem({"seq": 0})
