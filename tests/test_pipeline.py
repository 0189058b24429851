"""PUSH-PULL: the seed's ventilator, workers and sink (catalogue PP-*)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.pipeline

ELAPSED_LINE = r"^ELAPSED TIME: \d+\.\d\d$"


def progress_marks(sink_output: str) -> str:
    """The sink's ':' and '.' marks, one per result, between GATHER and ELAPSED."""
    after = sink_output.split("TASKS.\n", 1)[1] if "TASKS.\n" in sink_output else ""
    return after.split("\n", 1)[0]


def pipeline(nodes, tasks: int, workers: int, *vent_args: str, kill: bool = True):
    sink = nodes.start("sink")
    vent = nodes.start("ventilator", "--tasks", str(tasks), "--sink-connect", sink.endpoint("results"), *vent_args)
    worker_args = ["--connect", vent.endpoint("tasks"), "--sink-connect", sink.endpoint("results"), "--wait-connected"]
    if kill:
        worker_args += ["--kill-connect", sink.endpoint("kill")]
    crew = [nodes.start("worker", *worker_args) for _ in range(workers)]
    return sink, vent, crew


@pytest.mark.spec("PP-1")
def test_sink_gathers_exactly_n_results_then_exits(nodes, driver):
    """The sink prints 'GATHER {N} TASKS.', one mark per result, the elapsed time, and exits 0
    after exactly N results: not after N-1, and without waiting for N+1."""
    sink = nodes.start("sink")
    results = driver.socket("PUSH")
    results.connect(sink.endpoint("results"))
    results.send((5).to_bytes(8, "big"))
    sink.wait_for(r"^GATHER 5 TASKS\.$")

    for _ in range(4):
        results.send(b"")
    sink.wait_until(lambda out: len(progress_marks(out)) == 4, 10, "4 progress marks after 4 results")
    assert sink.running and "ELAPSED" not in sink.stdout, "the sink stopped after N-1 results"

    results.send(b"")
    assert sink.wait_exit() == 0, "the sink must exit 0 after the N-th result, without waiting for more"
    assert progress_marks(sink.stdout) == ":....", "one mark per result, ':' for results 0, 10, 20..."
    assert re.search(ELAPSED_LINE, sink.stdout, re.MULTILINE)


@pytest.mark.spec("PP-4")
def test_push_deals_tasks_round_robin_to_workers_connected_before_the_first_task(nodes):
    """With k workers connected before the first task, each gets N/k tasks (plus or minus one)."""
    tasks, k = 31, 3
    sink, vent, crew = pipeline(nodes, tasks, k, "--zero-cost", kill=False)
    vent.send_line("")
    assert sink.wait_exit() == 0
    done = [worker.output.count(".") for worker in crew]
    assert sum(done) == tasks, f"workers did {done} tasks, {sum(done)} in all, of {tasks}"
    assert all(tasks // k <= n <= tasks // k + 1 for n in done), f"tasks were dealt {done}, not evenly"


@pytest.mark.spec("PP-9")
def test_workers_exit_on_the_sinks_kill_signal_after_the_batch(nodes):
    """After the N-th result the sink publishes the kill signal and every worker exits 0."""
    sink, vent, crew = pipeline(nodes, 20, 3, "--cost-max", "3")
    vent.send_line("")
    assert sink.wait_exit() == 0
    for worker in crew:
        assert worker.wait_exit(timeout=5) == 0, f"{worker.name} did not end with status 0 on the kill signal"
