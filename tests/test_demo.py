"""``python -m zmqspec demo``: the seed's scenarios run live, show each node's lines, and leave nothing behind."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from zmqspec.harness import scaled

pytestmark = [pytest.mark.meta, pytest.mark.slow]

RUN_TOKEN = "ZMQSPEC_DEMO_RUN"  # put in the demo's environment, inherited by every node it starts

KEY_LINES = {
    "reqrep": [
        r"^ +client \| RECEIVED: hello FROM [ABC]$",
        r"^ +client \| RECEIVED: bye FROM [ABC]$",
        r"^ +server A \| SENDING:  A,\S",
        r"^ +server B \| SENDING:  B,\S",
        r"^ +server C \| SENDING:  C,\S",
        r"^ +demo \| client exited with status 0 after the reply to 'bye'; servers answered in the order "
        r"([ABC]) ([ABC]) ([ABC]) \1 \2$",
    ],
    "gateway": [
        r"^ +client \| RECEIVED: hello FROM [ABC]$",
        r"^ +demo \| client exited with status 0; through the gateway the servers answered in the order "
        r"([ABC]) ([ABC]) ([ABC]) \1 \2$",
    ],
    "pubsub": [
        r"^ +demo \| note: the publisher draws zipcodes from 10000\.\.10009 only \(the seed: 1\.\.99999\)",
        r"^weather-sub \| AVERAGE TEMPERATURE FOR 10001: [+-]\d+\.\d\d$",
        r"^ +demo \| weather-sub exited with status 0; the mean of the 50 temperatures",
    ],
    "pipeline": [
        r"^ +sink \| GATHER 70 TASKS\.$",
        r"^ +ventilator \| TOTAL EXPECTED COST: \d+$",
        r"^ +sink \| ELAPSED TIME: \d+\.\d\d$",
        r"^ +demo \| sink exited with status 0\. ELAPSED TIME \d+\.\d\d s vs TOTAL EXPECTED COST / 7 = \d+ ms / 7 = ",
        *(rf"^ +demo \| worker {i} exited with status 0 on KILL after \d+ tasks$" for i in range(1, 8)),
    ],
}


def processes_carrying(token: str, besides: int = 0) -> list[psutil.Process]:
    """Live processes started with this run's token in their environment, other than pid ``besides``."""
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.pid != besides and process.environ().get(RUN_TOKEN) == token:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def kill(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            process.kill()
        except psutil.Error:
            pass


def described(processes: list[psutil.Process]) -> list[str]:
    shown = []
    for process in processes:
        try:
            shown.append(f"{process.pid} {' '.join(process.cmdline())}")
        except psutil.Error:
            shown.append(f"{process.pid} (gone)")
    return shown


@dataclass
class DemoRun:
    status: int
    stdout: str
    stderr: str
    alive_at_done: list[str] | None  # the nodes still running when the demo said "done"
    token: str


def run_demo(*args: str, timeout: float = 120) -> DemoRun:
    """Run the demo with a token in its environment (its nodes inherit it).

    When the demo prints its "done" line it is frozen (SIGSTOP) while the
    token's processes are listed: a node still running then was not stopped
    by the demo, even if it would end by itself once the demo is gone.
    """
    token = uuid.uuid4().hex
    proc = subprocess.Popen([sys.executable, "-m", "zmqspec", "demo", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env={**os.environ, RUN_TOKEN: token})
    streams = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    alive_at_done = None
    deadline = time.monotonic() + scaled(timeout)
    with selectors.DefaultSelector() as selector:
        for fd in streams:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                kill(processes_carrying(token))
                pytest.fail(f"demo {' '.join(args)} still running after {scaled(timeout):.0f} s\n"
                            + b"".join(streams.values()).decode(errors="replace"))
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fd)
                streams[key.fd] += chunk
            if alive_at_done is None and re.search(rb"^ +demo \| done:", streams[proc.stdout.fileno()], re.MULTILINE):
                proc.send_signal(signal.SIGSTOP)
                try:
                    alive = processes_carrying(token, besides=proc.pid)
                    alive_at_done = described(alive)
                finally:
                    proc.send_signal(signal.SIGCONT)
                kill(alive)
    status = proc.wait(scaled(10))
    proc.stdout.close()
    proc.stderr.close()
    out, err = (bytes(data).decode(errors="replace") for data in streams.values())
    return DemoRun(status, out, err, alive_at_done, token)


@pytest.mark.parametrize("scenario", KEY_LINES)
def test_the_demo_runs_the_seed_scenario_and_stops_every_node_it_started(scenario):
    """The demo exits 0, shows the scenario's key lines prefixed with each node's label, and has stopped
    every node it started by the time it says it is done; none outlives it."""
    run = run_demo(scenario)
    assert run.status == 0, f"demo {scenario} exited {run.status}\n{run.stdout}{run.stderr}"
    missing = [pattern for pattern in KEY_LINES[scenario] if not re.search(pattern, run.stdout, re.MULTILINE)]
    assert not missing, f"demo {scenario} did not show lines matching {missing}\n{run.stdout}{run.stderr}"
    assert run.alive_at_done is not None, f"demo {scenario} never printed its 'done' line\n{run.stdout}"
    assert not run.alive_at_done, f"nodes of demo {scenario} still running when it said done: {run.alive_at_done}"
    left = processes_carrying(run.token)
    shown = described(left)
    kill(left)
    assert not left, f"nodes of demo {scenario} still running after it exited: {shown}"


def test_the_pubsub_demo_shows_exactly_50_updates_for_its_filter():
    """The weather subscriber's 50 RECEIVED lines are all zipcode 10001, and their mean is the average it prints."""
    done = run_demo("pubsub")
    assert done.status == 0, f"exit {done.status}\n{done.stdout}{done.stderr}"
    updates = re.findall(r"^weather-sub \| RECEIVED: (.*)$", done.stdout, re.MULTILINE)
    assert len(updates) == 50 and all(u.startswith("10001 ") for u in updates), f"{len(updates)} updates: {updates}"
    mean = sum(int(update.split()[1]) for update in updates) / 50
    assert f"AVERAGE TEMPERATURE FOR 10001: {mean:+.2f}" in done.stdout, f"mean {mean:+.2f}\n{done.stdout}"


def test_the_demo_explains_itself_and_rejects_an_unknown_scenario():
    """--help names the three scenarios; an unknown one is a one-line error and exit status 2."""
    shown = subprocess.run([sys.executable, "-m", "zmqspec", "demo", "--help"], capture_output=True, text=True,
                           timeout=scaled(60))
    assert shown.returncode == 0 and all(name in shown.stdout for name in KEY_LINES), shown.stdout
    refused = subprocess.run([sys.executable, "-m", "zmqspec", "demo", "tcp-chat"], capture_output=True, text=True,
                             timeout=scaled(60))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, f"{refused.returncode}: {refused.stderr!r}"
    assert "tcp-chat" in refused.stderr, refused.stderr


def test_the_demo_draws_each_role_from_the_stacks_cast_for_it():
    """``--cast ROLE=MANIFEST,...`` runs that role from the named implementations in turn, and every line
    shows which stack printed it: one pipeline, workers from two implementations."""
    asyncio = str(Path(__file__).resolve().parent.parent / "implementations" / "asyncio" / "manifest.toml")
    run = run_demo("pipeline", "--tasks", "20", "--workers", "2", "--cast", f"worker={asyncio},reference",
                   "--cast", f"sink={asyncio}")
    assert run.status == 0, f"mixed pipeline demo exited {run.status}\n{run.stdout}{run.stderr}"
    for line in (r"^ +demo \| worker 1 \[asyncio\] exited with status 0 on KILL after \d+ tasks$",
                 r"^ +demo \| worker 2 \[reference\] exited with status 0 on KILL after \d+ tasks$",
                 r"^ *sink \[asyncio\] \| GATHER 20 TASKS\.$"):
        assert re.search(line, run.stdout, re.MULTILINE), f"no line matching {line!r}\n{run.stdout}"


def test_the_demo_fails_when_the_scenario_does_not_come_out_as_the_catalogue_says():
    """A client that sends every request to its first server (a shipped mutant) makes the reqrep demo
    exit 1, naming what went wrong (RR-2), not 0 with a wrong transcript."""
    mutant = str(Path(__file__).resolve().parent.parent / "mutants" / "req-first-server" / "manifest.toml")
    run = run_demo("reqrep", "--servers", "2", "--cast", f"req-client={mutant}")
    assert run.status == 1, f"the demo should exit 1, it exited {run.status}\n{run.stdout}{run.stderr}"
    assert re.search(r"^ +demo \| FAILED: the servers should answer in turn \(RR-2\)", run.stdout, re.MULTILINE), \
        f"the demo should say the servers did not answer in turn\n{run.stdout}"
