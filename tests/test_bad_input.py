"""Bad input to the tool: whatever command line zmqspec is given, a problem is one line and a status.

``python -m zmqspec`` (roles, ``catalogue``, ``demo``, ``report``) and the
pytest options of the plugin answer an option, value, manifest or
environment variable they cannot use with exit status 2 and one line naming
it: no usage screen, no traceback, no test run. A node given an endpoint no
socket can take exits 1, naming the endpoint: that is a rule of the node
contract, checked by zmqspec/spec/test_contract.py (NC-9). Unknown pytest options are
pytest's own business (status 4) and are not checked here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


from inner import PLAIN_PYTEST, inner_env, run_inner

ROOT = Path(__file__).resolve().parent.parent
PROMPTLY = 5.0


def run(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A command from the repository root with the outer run's settings removed; never outlives its deadline."""
    return run_inner(argv, env={**inner_env("ZMQSPEC_TIMEOUT_SCALE", "ZMQSPEC_HYPOTHESIS_PROFILE"), **(env or {})})


def shown(done: subprocess.CompletedProcess) -> str:
    return (f"$ {' '.join(done.args)}\nexit status {done.returncode}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")


def said_in_one_line(done: subprocess.CompletedProcess, status: int, needle: str) -> None:
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == status, f"expected exit status {status}\n{shown(done)}"
    assert len(lines) == 1, f"expected exactly one line, got {len(lines)}\n{shown(done)}"
    assert needle in lines[0], f"the line does not name {needle!r}\n{shown(done)}"
    assert "Traceback" not in done.stderr, shown(done)


# -- python -m zmqspec -----------------------------------------------------


COMMANDS = {
    "unknown role": (["nosuch"], "nosuch"),
    "option without a role": (["--bogus"], "--bogus"),
    "catalogue, unknown option": (["catalogue", "--bogus"], "--bogus"),
    "catalogue, unknown format": (["catalogue", "--format", "xml"], "xml"),
    "demo, no scenario": (["demo"], "scenario"),
    "demo, unknown option": (["demo", "reqrep", "--bogus"], "--bogus"),
    "report, no folder": (["report"], "DIR"),
    "report, unknown option": (["report", "--bogus", "somewhere"], "--bogus"),
    "report, unknown format": (["report", "--format", "xml", "somewhere"], "xml"),
}


@pytest.mark.meta
@pytest.mark.parametrize("args, needle", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_zmqspec_command_given_a_bad_option_exits_2_with_one_line(args, needle):
    """python -m zmqspec and each of its commands answer an unknown name, option or value with
    exit status 2 and one line on stderr naming it: no usage screen, nothing on stdout."""
    done = run([sys.executable, "-m", "zmqspec", *args])
    said_in_one_line(done, 2, needle)
    assert done.stdout == "", f"nothing belongs on stdout\n{shown(done)}"


# -- pytest options ----------------------------------------------------------


def pytest_run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run([*PLAIN_PYTEST, "-q", *args,
                "zmqspec/spec/test_reqrep.py", "--spec", "RR-1"], env)


@pytest.fixture
def ghost_manifest(tmp_path) -> Path:
    """A manifest whose commands name programs that do not exist (and no toolchain to install)."""
    manifest = tmp_path / "ghost.toml"
    manifest.write_text('name = "ghost"\n[roles]\ndriver = "/nonexistent/zmq-driver"\n'
                        'rep-server = ["/nonexistent/zmq-node", "rep-server"]\n')
    return manifest


@pytest.mark.meta
def test_an_implementation_whose_commands_do_not_exist_stops_the_run_with_one_line(ghost_manifest):
    """A manifest naming a program that does not exist (and that 'requires' does not explain as a
    missing toolchain) ends the run before any test: exit status 2, one line naming the program."""
    said_in_one_line(pytest_run("--impl", str(ghost_manifest)), 2, "/nonexistent/zmq-")


OPTIONS = {
    "--impl a folder": (["--impl", "tests/impls"], {}, "tests/impls"),
    "--xfails a missing file": (["--xfails", "nowhere.xfails"], {}, "nowhere.xfails"),
    "--peer-impl a missing manifest": (["--peer-impl", "nowhere.toml"], {}, "nowhere.toml"),
    "ZMQSPEC_IMPL a missing manifest": ([], {"ZMQSPEC_IMPL": "nowhere.toml"}, "nowhere.toml"),
    "--spec an id the catalogue lacks": (["--spec", "ZZ-99"], {}, "ZZ-99"),
    "--conformance-report a file": (["--conformance-report", "README.md"], {}, "README.md"),
    "ZMQSPEC_TIMEOUT_SCALE not a number": ([], {"ZMQSPEC_TIMEOUT_SCALE": "slow"}, "ZMQSPEC_TIMEOUT_SCALE"),
    "ZMQSPEC_TIMEOUT_SCALE not positive": ([], {"ZMQSPEC_TIMEOUT_SCALE": "0"}, "ZMQSPEC_TIMEOUT_SCALE"),
    "ZMQSPEC_HYPOTHESIS_PROFILE unknown": ([], {"ZMQSPEC_HYPOTHESIS_PROFILE": "fastest"}, "fastest"),
}


@pytest.mark.meta
@pytest.mark.parametrize("args, env, needle", OPTIONS.values(), ids=OPTIONS.keys())
def test_a_zmqspec_pytest_option_or_variable_that_cannot_be_used_stops_the_run_with_one_line(args, env, needle):
    """A manifest, xfails file, catalogue id, report folder or environment variable the suite cannot
    use ends the run before any test: exit status 2, one line naming it, no traceback."""
    said_in_one_line(pytest_run(*args, env=env), 2, needle)
