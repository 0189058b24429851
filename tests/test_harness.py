"""The harness itself: a node that misbehaves fails its test fast, says why, and is cleaned up."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from zmqspec.harness import (
    DEADLINE_MARK, DeadlinePassed, Implementation, NodeFailure, Nodes, WrongLine, reference, wrong_line,
)
from zmqspec.harness.scenario import node_seed

pytestmark = pytest.mark.meta

PY = sys.executable


def fake(role: str, code: str) -> Implementation:
    """An implementation whose ``role`` is a few lines of Python."""
    return Implementation(name="fake", commands={role: (PY, "-c", code)})


@pytest.fixture
def fakes():
    made: list[Nodes] = []

    def nodes_for(role: str, code: str) -> Nodes:
        made.append(Nodes(fake(role, code)))
        return made[-1]

    yield nodes_for
    for nodes in made:
        nodes.stop_all()


def test_a_node_that_never_prints_its_ready_line_fails_at_the_deadline_with_its_output(fakes):
    nodes = fakes("rep-server", "import sys, time; print('booting', flush=True); time.sleep(60)")  # noqa: sleep-ok (a node that hangs on purpose)
    began = time.monotonic()
    with pytest.raises(NodeFailure) as failure:
        nodes.start("rep-server", timeout=1.0)
    assert time.monotonic() - began < 5, "the ready deadline was not kept"
    message = str(failure.value)
    assert "the ready line did not happen within" in message and "booting" in message, message


def test_a_node_that_crashes_before_ready_fails_at_once_showing_its_stderr(fakes):
    nodes = fakes("sink", "import sys; sys.stderr.write('no such endpoint\\n'); sys.exit(3)")
    began = time.monotonic()
    with pytest.raises(NodeFailure) as failure:
        nodes.start("sink", timeout=30.0)
    assert time.monotonic() - began < 10, "a dead node must not be waited for until the deadline"
    message = str(failure.value)
    assert "exit status 3" in message and "no such endpoint" in message, message


def test_a_node_that_crashes_mid_test_fails_the_wait_at_once(fakes):
    code = "import sys, time; print('ZMQSPEC READY {}', flush=True); sys.stdin.readline(); sys.exit(4)"
    nodes = fakes("worker", code)
    node = nodes.start("worker")
    node.send_line("die")
    began = time.monotonic()
    with pytest.raises(NodeFailure, match="exit status 4"):
        node.wait_for("^never printed$", timeout=30.0)
    assert time.monotonic() - began < 10


HANGS_AFTER = "import time; print('ZMQSPEC READY {}', flush=True); print(%r, flush=True); time.sleep(60)"  # noqa: sleep-ok (a node that hangs on purpose)


def test_a_wrong_line_fails_the_wait_at_once_shown_beside_the_expected_one(fakes):
    nodes = fakes("req-client", HANGS_AFTER % "RECEIVED: b,c FROM a")
    node = nodes.start("req-client")
    began = time.monotonic()
    with pytest.raises(WrongLine) as failure:
        node.wait_line("RECEIVED: c FROM a,b", "RECEIVED:", timeout=30.0)
    assert time.monotonic() - began < 10, "a wrong line must fail the wait when it arrives, not at the deadline"
    message = str(failure.value)
    assert "expected 'RECEIVED: c FROM a,b'" in message and "seen     'RECEIVED: b,c FROM a'" in message, message
    assert "^" in message, message


def test_exact_lines_are_compared_as_they_arrive(fakes):
    nodes = fakes("rep-server", HANGS_AFTER % "SENDING: A,x")
    node = nodes.start("rep-server")
    began = time.monotonic()
    with pytest.raises(WrongLine, match="line 1 of its output differs"):
        node.expect_lines(["SENDING:  A,x", "never"], timeout=30.0)
    assert time.monotonic() - began < 10


def test_a_never_check_fails_any_wait_at_once(fakes):
    nodes = fakes("weather-sub", HANGS_AFTER % "RECEIVED: 99999 1 2 3")
    node = nodes.start("weather-sub")
    with pytest.raises(WrongLine, match="an update outside the filter"):
        node.wait_for("^never$", timeout=30.0,
                      never=[wrong_line("RECEIVED: ", lambda line: line.startswith("RECEIVED: 1"),
                                        "an update outside the filter")])


def test_a_node_that_must_refuse_its_arguments_fails_at_its_ready_line(fakes):
    nodes = fakes("sink", "import time; print('ZMQSPEC READY {}', flush=True); time.sleep(60)")  # noqa: sleep-ok (a node that hangs on purpose)
    node = nodes.start("sink", ready=False)
    began = time.monotonic()
    with pytest.raises(WrongLine, match="a ready line where none may come"):
        node.wait_refusal(timeout=30.0)
    assert time.monotonic() - began < 10, "the ready line must fail the wait at once, not the exit's deadline"


def test_a_wait_that_runs_out_is_a_deadline_and_says_so(fakes):
    nodes = fakes("sink", HANGS_AFTER % "working")
    node = nodes.start("sink")
    with pytest.raises(DeadlinePassed) as failure:
        node.wait_for("^done$", timeout=0.3)
    assert str(failure.value).startswith(DEADLINE_MARK), str(failure.value)
    assert isinstance(failure.value, NodeFailure)


def test_still_running_fails_on_a_node_that_has_ended(fakes):
    nodes = fakes("sink", "print('ZMQSPEC READY {}', flush=True)")
    node = nodes.start("sink")
    node.wait_exit()
    with pytest.raises(NodeFailure, match="ended"):
        node.still_running("after the test's message")


def test_a_ready_line_that_is_not_json_is_reported_as_such(fakes):
    nodes = fakes("sink", "import time; print('ZMQSPEC READY {oops', flush=True); time.sleep(60)")  # noqa: sleep-ok (a node that hangs on purpose)
    with pytest.raises(NodeFailure, match="ready line is not JSON"):
        nodes.start("sink")


def test_stop_kills_a_node_that_ignores_sigterm_and_its_children(fakes):
    code = (
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"  # noqa: sleep-ok (a node that hangs on purpose)
        "print('child', child.pid, flush=True)\n"
        "print('ZMQSPEC READY {}', flush=True)\n"
        "time.sleep(60)\n"  # noqa: sleep-ok (a node that hangs on purpose)
    )
    nodes = fakes("gateway", code)
    node = nodes.start("gateway")
    child = psutil.Process(int(node.wait_for(r"^child (\d+)$").group(1)))
    node.stop(grace=0.5)
    assert node.status() == "killed by SIGKILL", node.status()
    child.wait(5)
    assert not child.is_running(), "a child in the node's process group outlived it"


def test_a_stopped_node_keeps_its_output_but_none_of_its_pipes(fakes):
    """A run keeps every node it started for its report; a stopped node's stdin, stdout and stderr
    pipes are closed all the same (a serial run of the suite once passed 1024 open descriptors)."""
    def pipes() -> int:
        return sum(1 for fd in Path("/proc/self/fd").iterdir() if _target(fd).startswith("pipe:"))

    nodes = fakes("gateway", "print('hello', flush=True)\nprint('ZMQSPEC READY {}', flush=True)\ninput()\n")
    before = pipes()
    node = nodes.start("gateway")
    node.stop()
    deadline = time.monotonic() + 5
    while pipes() > before and time.monotonic() < deadline:
        time.sleep(0.01)  # noqa: sleep-ok (the readers close their pipe at end of file, in their own threads)
    assert pipes() == before, f"{pipes() - before} pipes of a stopped node are still open"
    assert "hello" in node.stdout


def _target(fd: Path) -> str:
    try:
        return str(fd.readlink())
    except OSError:
        return ""


def test_an_implementation_command_that_does_not_exist_fails_with_one_clear_line():
    nodes = Nodes(Implementation(name="ghost", commands={"sink": ("/nonexistent/zmq-node",)}))
    with pytest.raises(NodeFailure, match=r"cannot run '/nonexistent/zmq-node': No such file"):
        nodes.start("sink")


def test_a_failing_test_shows_every_node_it_started_in_the_report():
    inner = Path(__file__).parent / "inner_suites" / "failing_scenario.py"
    run = subprocess.run(
        [PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(inner)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    report = run.stdout
    assert "zmqspec nodes (call)" in report, report
    assert "--- node rep-server 'rep-server-1'" in report and "--- node req-client 'req-client-1'" in report
    assert "SENDING:  visible-in-the-report,hello" in report, report


def test_the_reference_implementation_provides_every_role():
    from zmqspec.contract import ROLES

    impl = reference()
    assert all(impl.provides(role) for role in ROLES)


def test_an_implementation_whose_toolchain_is_missing_is_skipped_with_the_reason_and_the_setup_command():
    manifest = Path(__file__).parent / "impls" / "needs_toolchain.toml"
    run = subprocess.run(
        [PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", "--impl", str(manifest), "--spec", "RR-1",
         "zmqspec/spec/test_reqrep.py"],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "failed" not in run.stdout and " skipped" in run.stdout, run.stdout
    assert "toolchain missing (" in run.stdout and "no-such-compiler-zmqspec" in run.stdout, run.stdout
    assert "install it with: tests/impls/install-nothing.sh" in run.stdout, run.stdout


def test_a_manifest_based_on_the_reference_overrides_only_the_roles_it_names(tmp_path):
    from zmqspec.harness import load_manifest

    manifest = tmp_path / "manifest.toml"
    manifest.write_text('name = "m"\nbase = "reference"\ncatches = ["RR-1"]\n'
                        '[roles]\nrep-server = "{python} {here}/node.py"\n', encoding="utf-8")
    impl = load_manifest(manifest)
    assert impl.commands["rep-server"] == (sys.executable, f"{tmp_path}/node.py")
    assert impl.commands["sink"] == reference().commands["sink"]
    assert set(impl.commands) == set(reference().commands)
    assert impl.catches == ("RR-1",)


def test_a_node_of_a_role_with_a_seed_option_is_seeded_from_the_scenario_and_its_label():
    echo = "import sys; print('ZMQSPEC READY {}', flush=True); sys.stdin.read()"
    impl = Implementation(name="fake", commands={role: (PY, "-c", echo) for role in ("weather-pub", "rep-server")})
    first, again, unseeded = Nodes(impl, seed=7), Nodes(impl, seed=7), Nodes(impl)
    try:
        publishers = [first.start("weather-pub"), first.start("weather-pub"), again.start("weather-pub"),
                      first.start("weather-pub", "--seed", "5"), unseeded.start("weather-pub")]
        server = first.start("rep-server")
        seeds = [node.argv[node.argv.index("--seed") + 1] if "--seed" in node.argv else None for node in publishers]
        assert seeds[0] == seeds[2] == str(node_seed(7, "weather-pub-1")), seeds   # replayed by seed and label
        assert seeds[1] == str(node_seed(7, "weather-pub-2")) != seeds[0], seeds   # two nodes differ
        assert seeds[3:] == ["5", None], seeds                                        # given, or no scenario seed
        assert "--seed" not in server.argv, server.argv                              # rep-server has no --seed
        assert all(0 <= int(seed) < 2**32 for seed in seeds[:4])
    finally:
        for made in (first, again, unseeded):
            made.stop_all()


def test_a_vacant_tcp_endpoint_refuses_connections_and_other_binds_until_released():
    """``Nodes.vacant_tcp_endpoint``: while the scenario holds it, a connect there is refused and
    nobody else can bind the port (so no other node of the run turns up there); once released it
    can be bound and listened on."""
    nodes = Nodes(reference())
    try:
        endpoint = nodes.vacant_tcp_endpoint()
        port = int(endpoint.rsplit(":", 1)[1])
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5)
        with socket.socket() as other, pytest.raises(OSError, match="in use"):
            other.bind(("127.0.0.1", port))
        assert nodes.release(endpoint) == endpoint
        with socket.socket() as server:
            server.bind(("127.0.0.1", port))
            server.listen()
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        nodes.stop_all()
