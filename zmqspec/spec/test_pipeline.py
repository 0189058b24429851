"""PUSH-PULL: the seed's ventilator, workers and sink (catalogue PP-*).

Nodes stand in for one another where a test has to see or steer one side
exactly: a driver PULL plays the sink or the workers to collect what the
ventilator sends, a driver PUSH plays the ventilator to deal chosen tasks,
and a driver XPUB plays the sink's kill channel (an XPUB shows the worker's
subscription arriving, so a kill sent after it is known to reach the
worker). Rules about one socket (round-robin, fair queueing, a PUSH without
peers) are checked on driver sockets: the implementation's own sockets.
RFC 30 is rfc.zeromq.org/spec/30/PIPELINE.
"""

from __future__ import annotations

import re
import time

import pytest

from zmqspec.harness import READY_PREFIX, Deadline, DeadlinePassed, DriverError, NodeFailure
from zmqspec.spec.helpers import (
    KILL, WAIT, arrivals, batch_end, count_message, marks_so_far, next_within, recv_result, role_lines, spare_result, stand_ins,
    start_worker,
)

pytestmark = pytest.mark.pipeline

ELAPSED_LINE = r"^ELAPSED TIME: \d+\.\d\d$"
GATHER_LINE = r"^GATHER (\d+) TASKS\.$"
TOTAL_LINE = r"TOTAL EXPECTED COST: (\d+)$"
VENT_PROMPT = "> IF YOU'RE READY, PRESS ENTER TO START"
WORKLOAD = re.compile(rb"[1-9][0-9]?")  # 1..99 as plain decimal text


# -- helpers ---------------------------------------------------------------


def expected_marks(n: int) -> str:
    return "".join(":" if i % 10 == 0 else "." for i in range(n))


def progress_marks(sink_output: str) -> str:
    """The sink's ':' and '.' marks, one per result, between GATHER and ELAPSED."""
    return marks_so_far(sink_output)


def wait_for_marks(sink, n: int) -> None:
    sink.wait_until(lambda out: len(progress_marks(out)) >= n, 10, f"{n} progress marks (results gathered)")


def role_text(node) -> str:
    """What the node printed, without the harness's ready line."""
    return re.sub(r"^" + re.escape(READY_PREFIX) + r".*\n", "", node.stdout, flags=re.MULTILINE)


def tasks_done(worker) -> int:
    """A worker prints one '.' per task it takes."""
    return worker.output.count(".")


def pipeline(nodes, tasks: int, workers: int, *vent_args: str, kill: bool = True):
    sink = nodes.start("sink")
    vent = nodes.start("ventilator", "--tasks", str(tasks), "--sink-connect", sink.endpoint("results"), *vent_args)
    kill_endpoint = sink.endpoint("kill") if kill else None
    crew = [start_worker(nodes, vent.endpoint("tasks"), sink.endpoint("results"), kill_endpoint)
            for _ in range(workers)]
    return sink, vent, crew


def wait_for_prompt(vent) -> None:
    """The prompt ends without a newline (the seed's ``input(prompt)``), so it is awaited as text."""
    vent.wait_until(lambda out: VENT_PROMPT in out, 10, "the ventilator's prompt")


def await_kill_subscription(kill_pub) -> None:
    """The worker's subscription has reached the kill XPUB, so what it sends now reaches the worker."""
    subscription = kill_pub.recv_one(WAIT)
    assert subscription[:1] == b"\x01" and KILL.startswith(subscription[1:]), \
        f"the worker's kill SUB sent {subscription!r}, not a subscription that lets {KILL!r} through"


def wait_until_push_has_no_peer(push, what: str) -> None:
    """Send probes with no wait until the PUSH refuses one (EAGAIN): then it has no peer left.
    A probe it still accepts goes to the queue of a peer that is gone (only call this when no
    worker is connected), and a worker would skip it anyway: it is not a workload."""
    deadline = Deadline(WAIT)
    while True:
        try:
            push.send(b"probe", timeout=0)
        except DriverError as refused:
            if refused.errno == "EAGAIN":
                return
            raise
        if deadline.passed():
            raise AssertionError(f"{push!r} still accepts messages {deadline.seconds:.0f} s after {what}")


# -- PP-1 the sink ---------------------------------------------------------


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
    sink.still_running("after N-1 of N results")
    assert "ELAPSED" not in sink.stdout, f"the sink printed ELAPSED TIME after N-1 of N results: {sink.stdout!r}"

    results.send(b"")
    results.send(b"")  # one more than N: a sink that ends after the N-th result never takes it
    assert sink.wait_exit() == 0, "the sink must exit 0 after the N-th result, without waiting for more"
    marks = progress_marks(sink.stdout)
    assert len(marks) == 5, f"the sink of a batch of 5, sent 6 results, counted {len(marks)}: {marks!r}"
    assert marks == ":....", f"the sink marked 5 results as {marks!r}, not ':....' (':' for results 0, 10, 20...)"
    assert re.search(ELAPSED_LINE, sink.stdout, re.MULTILINE), f"no ELAPSED TIME line in {sink.stdout!r}"


@pytest.mark.spec("PP-1")
def test_sink_prints_its_port_the_batch_size_a_mark_per_result_and_the_elapsed_time(nodes, driver):
    """The sink prints exactly `STARTING SERVER AT {port}` (the port it bound), `GATHER {N} TASKS.`,
    one line of marks (':' for results 0, 10, 20, ..., '.' for the others) and
    `ELAPSED TIME: {seconds:.2f}`."""
    tasks = 23
    sink = nodes.start("sink")
    port = sink.endpoint("results").rsplit(":", 1)[1]
    feed = driver.socket("PUSH")
    feed.connect(sink.endpoint("results"))
    feed.send(count_message(tasks))
    for _ in range(tasks + 1):  # one more than N, which a sink that ends after the N-th result never takes
        feed.send(b"")
    assert sink.wait_exit() == 0, f"the sink must exit 0 after {tasks} results"

    lines = role_lines(sink)
    assert lines[:3] == [f"STARTING SERVER AT {port}", f"GATHER {tasks} TASKS.", expected_marks(tasks)], \
        f"the sink bound port {port} and gathered {tasks} results, but printed {lines}"
    assert len(lines) == 4 and re.fullmatch(ELAPSED_LINE, lines[3]), \
        f"the last line should be 'ELAPSED TIME: x.xx' and nothing after it; the sink printed {lines}"


@pytest.mark.spec("PP-1")
@pytest.mark.parametrize("tasks", [258, 2**40 + 3], ids=["two-low-bytes", "above-32-bits"])
def test_sink_reads_the_task_count_as_8_bytes_big_endian(nodes, driver, tasks):
    """The sink's first message is N as 8 bytes big-endian: 00..01 02 is 258, and a count
    beyond 32 bits is read whole."""
    sink = nodes.start("sink")
    feed = driver.socket("PUSH")
    feed.connect(sink.endpoint("results"))
    feed.send(count_message(tasks))
    gathered = int(sink.wait_for(GATHER_LINE).group(1))
    assert gathered == tasks, f"the sink read {count_message(tasks).hex()} as {gathered}, not {tasks}"


# -- PP-2 the ventilator ---------------------------------------------------


@pytest.mark.spec("PP-2")
@pytest.mark.parametrize(("args", "tasks"), [((), 100_000), (("--tasks", "258"), 258)],
                         ids=["seed-default", "tasks-258"])
def test_ventilator_tells_the_sink_n_as_8_bytes_big_endian(nodes, driver, args, tasks):
    """The ventilator connects a second PUSH to the sink and sends it N as 8 bytes big-endian,
    before anyone presses Enter; the seed's default N is 100000."""
    sink = driver.socket("PULL")
    nodes.start("ventilator", "--sink-connect", sink.bind(), *args)
    told = sink.recv_one(WAIT)
    assert told == count_message(tasks), f"the sink was told {told.hex()}, not {tasks} as 8 bytes big-endian"


@pytest.mark.spec("PP-2")
def test_ventilator_prompts_and_deals_nothing_before_enter(nodes, driver):
    """The ventilator prints `START VENT SERVER` and `> IF YOU'RE READY, PRESS ENTER TO START`,
    and deals no task until a line arrives on its standard input."""
    pull = driver.socket("PULL")
    endpoint = pull.bind()
    # Both of the ventilator's PUSH sockets connect to this one PULL, the task socket first, so the
    # count for the sink arriving shows the task connection is up too. ZeroMQ orders nothing across
    # two connections: a task dealt at the very moment of the prompt could still slip past the
    # check below (a missed bug, never a false failure).
    vent = nodes.start("ventilator", "--tasks", "5", "--connect", endpoint, "--sink-connect", endpoint)
    wait_for_prompt(vent)
    assert role_text(vent).startswith(f"START VENT SERVER\n{VENT_PROMPT}"), \
        f"the ventilator should print 'START VENT SERVER' then the prompt; it printed {role_text(vent)!r}"

    first = pull.recv_one(WAIT)
    assert first == count_message(5), f"the first message should be N for the sink, got {first!r}"
    early = next_within(pull, 0)
    assert early is None, f"the ventilator dealt a task {early} before Enter was pressed"
    assert not re.search(TOTAL_LINE, vent.stdout, re.MULTILINE), "the ventilator finished dealing before Enter"

    vent.send_line("")
    dealt = [pull.recv_one(WAIT) for _ in range(5)]
    assert all(WORKLOAD.fullmatch(task) for task in dealt), f"after Enter the ventilator dealt {dealt}"


@pytest.mark.spec("PP-2")
def test_ventilator_deals_n_random_workloads_of_1_to_99_ms_and_prints_their_total(nodes, driver):
    """After Enter the ventilator deals N workloads, each a random integer 1..99 as decimal text,
    and prints `TOTAL EXPECTED COST: {sum}`, the sum of exactly the workloads it dealt."""
    tasks = 200
    sink = driver.socket("PULL")
    vent = nodes.start("ventilator", "--tasks", str(tasks), "--sink-connect", sink.bind())
    workers = driver.socket("PULL")
    workers.connect(vent.endpoint("tasks"))
    assert sink.recv_one(WAIT) == count_message(tasks)
    wait_for_prompt(vent)
    vent.send_line("")

    dealt = [workers.recv_one(WAIT) for _ in range(tasks)]
    malformed = [task for task in dealt if not WORKLOAD.fullmatch(task)]
    assert not malformed, f"workloads must be 1..99 as decimal text; the ventilator dealt {malformed[:10]}"
    workloads = [int(task) for task in dealt]
    total = int(vent.wait_for(TOTAL_LINE, what="the TOTAL EXPECTED COST line").group(1))
    assert total == sum(workloads), \
        f"TOTAL EXPECTED COST is {total}, but the {tasks} workloads dealt sum to {sum(workloads)}"
    assert len(set(workloads)) >= 30, f"{tasks} random draws from 1..99 gave only {sorted(set(workloads))}"


EDGE_TASKS = 300  # draws from 1..2: an edge is missed with probability 2 * (1/2)**300


@pytest.mark.spec("PP-2")
def test_a_narrow_workload_range_is_kept_at_both_edges(nodes, driver):
    """With --cost-min 1 --cost-max 2, every workload dealt is 1 or 2 (never 0, never 3), both
    edges are dealt, and the total is their sum: a range is checked at its edges on every run."""
    sink = driver.socket("PULL")
    vent = nodes.start("ventilator", "--tasks", str(EDGE_TASKS), "--cost-min", "1", "--cost-max", "2",
                       "--sink-connect", sink.bind())
    workers = driver.socket("PULL")
    workers.connect(vent.endpoint("tasks"))
    assert sink.recv_one(WAIT) == count_message(EDGE_TASKS)
    wait_for_prompt(vent)
    vent.send_line("")

    dealt = [workers.recv_one(WAIT) for _ in range(EDGE_TASKS)]
    outside = sorted({task for task in dealt if task not in (b"1", b"2")})
    assert not outside, f"started --cost-min 1 --cost-max 2, the ventilator dealt the workloads {outside}"
    assert set(dealt) == {b"1", b"2"}, f"{EDGE_TASKS} workloads from 1..2 were all {dealt[0]!r}"
    total = int(vent.wait_for(TOTAL_LINE, what="the TOTAL EXPECTED COST line").group(1))
    assert total == sum(map(int, dealt)), f"TOTAL EXPECTED COST is {total}, the workloads sum to {sum(map(int, dealt))}"


# -- PP-3 the worker -------------------------------------------------------


@pytest.mark.spec("PP-3")
def test_worker_prints_a_dot_and_pushes_an_empty_result_per_task(nodes, driver):
    """A worker connects PULL to the ventilator and PUSH to the sink; per task it prints '.'
    and pushes one empty message to the sink."""
    seats, ends = stand_ins(driver)
    worker = start_worker(nodes, ends["tasks"], ends["results"])
    workloads = [b"0", b"3", b"1", b"0", b"2", b"0"] * 2  # more than 10: a worker that loses a task shows
    for workload in workloads:
        seats["tasks"].send(workload)

    results = [seats["results"].recv(WAIT) for _ in workloads]
    assert results == [[b""]] * len(workloads), f"each result must be one empty frame, got {results}"
    worker.wait_until(lambda _: tasks_done(worker) >= len(workloads), 10, "a dot per task")
    assert worker.output == "." * len(workloads), f"the worker should print one '.' per task: {worker.output!r}"


@pytest.mark.spec("PP-3")
def test_worker_sleeps_the_workload_in_milliseconds_before_pushing_its_result(nodes, driver):
    """The worker sleeps the workload in milliseconds: a task of 400 gets its result no sooner
    than 0.4 s after it was sent."""
    seats, ends = stand_ins(driver)
    start_worker(nodes, ends["tasks"], ends["results"])
    sent = time.monotonic()
    seats["tasks"].send(b"400")
    assert seats["results"].recv(WAIT) == [b""]
    took = time.monotonic() - sent
    assert took >= 0.4, f"the result of a 400 ms task came back after {took:.3f} s"


# -- PP-4 round-robin ------------------------------------------------------


@pytest.mark.spec("PP-4")
def test_push_deals_tasks_round_robin_to_workers_connected_before_the_first_task(nodes, driver):
    """With k workers connected before the first task, each gets N/k tasks (plus or minus one)."""
    tasks, k = 31, 3
    sink, vent, crew = pipeline(nodes, tasks, k, "--zero-cost", kill=False)
    spare = spare_result(driver, sink)
    vent.send_line("")
    assert batch_end(sink, tasks, spare) == 0
    for worker in crew:
        worker.stop()  # its output is complete once it has ended
    done = [tasks_done(worker) for worker in crew]
    assert sum(done) == tasks, f"workers did {done} tasks, {sum(done)} in all, of {tasks}"
    assert all(tasks // k <= n <= tasks // k + 1 for n in done), f"tasks were dealt {done}, not evenly"


@pytest.mark.spec("PP-4")
def test_push_deals_messages_to_its_connected_peers_in_strict_rotation(driver):
    """A PUSH with k connected peers deals message i to peer (c + i) mod k: each peer gets every
    k-th message ("SHALL route outgoing messages to available peers using a round-robin
    strategy", RFC 30)."""
    k, rounds = 3, 7
    push = driver.socket("PUSH")
    endpoint = push.bind()
    pulls = [driver.socket("PULL") for _ in range(k)]
    for pull in pulls:
        pull.connect(endpoint)
    # Probe until every peer has received one: then the PUSH has all k of them.
    reached, probes = set(), 0
    while len(reached) < k:
        assert probes < 100, f"after {probes} probes only {len(reached)} of {k} PULL peers got one"
        push.send(b"probe")
        probes += 1
        ready = arrivals(driver, pulls, WAIT)
        assert ready, f"probe {probes} reached none of the {k} PULL peers"
        for pull, frames in ready.items():
            assert frames == [b"probe"], f"a PULL peer got {frames} where a probe was due"
            reached.add(pull)

    for i in range(k * rounds):
        push.send(str(i))
    dealt = [[int(pull.recv_one(WAIT)) for _ in range(rounds)] for pull in pulls]
    firsts = sorted(got[0] for got in dealt)
    assert firsts == list(range(k)), f"the first {k} messages went to {dealt}, not one to each peer"
    for got in dealt:
        assert got == list(range(got[0], k * rounds, k)), f"a peer got {got}, not every {k}-th message"


@pytest.mark.spec("PP-4")
def test_a_worker_that_connects_after_the_tasks_are_dealt_gets_fewer(nodes, driver):
    """A worker that connects late gets fewer tasks: what the ventilator dealt while only the
    first worker was connected is queued for that worker and stays with it (the Guide's note)."""
    tasks = 30
    sink = driver.socket("PULL")  # the sink's seat: unlike the sink, it stays for the late worker
    sink_endpoint = sink.bind()
    vent = nodes.start("ventilator", "--tasks", str(tasks), "--cost-max", "20", "--sink-connect", sink_endpoint)
    assert sink.recv_one(WAIT) == count_message(tasks)
    early = start_worker(nodes, vent.endpoint("tasks"), sink_endpoint)
    vent.send_line("")
    vent.wait_for(TOTAL_LINE, what="the ventilator to finish dealing")
    late = start_worker(nodes, vent.endpoint("tasks"), sink_endpoint)

    results = [sink.recv(WAIT) for _ in range(tasks)]
    assert results == [[b""]] * tasks
    for worker in (early, late):
        worker.close_stdin()
        assert worker.wait_exit() == 0, f"{worker.name} should quit with status 0 when its input closes"
    done_early, done_late = tasks_done(early), tasks_done(late)
    assert done_early + done_late == tasks, f"the workers did {done_early} + {done_late} tasks, not {tasks}"
    assert done_late < done_early, f"the late worker got {done_late} tasks, the early one {done_early}"


# -- PP-5 fair queueing ----------------------------------------------------


@pytest.mark.spec("PP-5")
def test_pull_takes_from_each_pusher_in_turn(driver, endpoints):
    """With three pushers' messages all queued at once, a PULL takes one from each in turn,
    round after round ("SHALL receive incoming messages from its peers using a fair-queuing
    strategy", RFC 30)."""
    rounds = 4
    endpoint = endpoints.bindable("inproc")
    pull = driver.socket("PULL")
    pull.bind(endpoint)
    pushers = {name: driver.socket("PUSH") for name in "ABC"}
    for push in pushers.values():
        push.connect(endpoint)
    # Over inproc a send returns with the message already in the PULL's queue for that pusher,
    # so all of them wait there before the first read.
    for name, push in pushers.items():
        for i in range(rounds):
            push.send(f"{name}{i}")

    taken = [pull.recv_one(WAIT).decode() for _ in range(len(pushers) * rounds)]
    by_round = [sorted(m[0] for m in taken[r * 3:r * 3 + 3]) for r in range(rounds)]
    assert by_round == [list("ABC")] * rounds, f"the PULL took {taken}, not one from each pusher per round"
    for name in pushers:
        assert [m for m in taken if m[0] == name] == [f"{name}{i}" for i in range(rounds)], \
            f"pusher {name}'s messages came out of order: {taken}"


@pytest.mark.spec("PP-5")
def test_pull_does_not_let_a_busy_pusher_starve_a_quiet_one(driver, endpoints):
    """A pusher with one message queued is served within a round, however many messages
    another pusher has queued before it."""
    endpoint = endpoints.bindable("inproc")
    pull = driver.socket("PULL")
    pull.bind(endpoint)
    busy, quiet = driver.socket("PUSH"), driver.socket("PUSH")
    busy.connect(endpoint)
    quiet.connect(endpoint)
    for i in range(20):
        busy.send(f"busy {i}")
    quiet.send("quiet")

    taken = [pull.recv_one(WAIT) for _ in range(21)]
    assert b"quiet" in taken[:2], f"the quiet pusher's message came at position {taken.index(b'quiet')} of {taken}"


# -- PP-6 parallel speed-up ------------------------------------------------


@pytest.mark.spec("PP-6")
def test_k_workers_finish_the_batch_in_about_the_total_cost_over_k(nodes, driver, endpoints):
    """With k workers the sink's elapsed time is close to the total expected cost divided by k:
    no less than cost/k, and well under the cost one worker would take (the figure itself
    belongs to a benchmark)."""
    tasks, k = 80, 4
    tasks_endpoint = endpoints.bindable("ipc")
    sink = nodes.start("sink")
    # The workers are up and connected before the ventilator tells the sink N (which starts the
    # sink's clock), so the time measured is the batch's, not the workers' start-up.
    crew = [start_worker(nodes, tasks_endpoint, sink.endpoint("results"), sink.endpoint("kill"), ready=False)
            for _ in range(k)]
    vent = nodes.start("ventilator", "--bind", tasks_endpoint, "--tasks", str(tasks),
                       "--sink-connect", sink.endpoint("results"))
    spare = spare_result(driver, sink)
    sink.wait_for(GATHER_LINE, what="the sink's GATHER line: N from the ventilator (its clock starts)")
    told = time.monotonic()  # the sink's clock started before this: it said GATHER, and the harness has the line
    for worker in crew:
        worker.wait_ready()
    vent.send_line("")

    cost = int(vent.wait_for(TOTAL_LINE).group(1)) / 1000
    # A sink that has not gathered all N results when the whole cost has passed since it was told N
    # has taken as long as one worker would: PP-6 has failed, whatever comes later (the subject's
    # own bound, measured from after the sink's clock started, not a deadline).
    one_worker = told + cost
    try:
        sink.wait_until(lambda out: len(progress_marks(out)) >= tasks, (one_worker - time.monotonic()) / Deadline.scale(),
                        f"{tasks} marks within {cost:.2f} s of work")
    except DeadlinePassed:
        slow = len(progress_marks(sink.stdout))
    except NodeFailure:
        slow = None  # it ended before N marks: batch_end and the checks below say how
    else:
        slow = None
    assert slow is None, (f"{cost:.2f} s, the whole cost one worker would take, after the sink was told N, "
                          f"{k} workers' results had reached it for {slow} of {tasks} tasks: no parallel speed-up")
    assert batch_end(sink, tasks, spare, timeout=30) == 0
    elapsed = float(sink.wait_for(r"^ELAPSED TIME: (\d+\.\d\d)$").group(1))
    assert elapsed >= cost / k - 0.01, f"{k} workers cannot do {cost:.2f} s of work in {elapsed:.2f} s"
    assert elapsed < 0.75 * cost, f"{k} workers took {elapsed:.2f} s for {cost:.2f} s of work: no parallel speed-up"


# -- PP-7 no peer, no loss -------------------------------------------------


@pytest.mark.spec("PP-7")
def test_push_without_a_peer_refuses_a_timed_send_and_delivers_once_a_peer_connects(nodes, driver):
    """A PUSH with no connected peer does not take the message: a timed send fails with EAGAIN
    ("SHALL block on sending, or return a suitable error, when it has no available peers",
    RFC 30); once a PULL connects, a send goes through and the PULL gets that message first."""
    push = driver.socket("PUSH")
    endpoint = push.bind()
    with pytest.raises(DriverError) as refused:
        push.send(b"refused", timeout=0.2)
    assert refused.value.errno == "EAGAIN", f"a timed send with no peer should fail with EAGAIN: {refused.value}"

    pull = nodes.driver(label="puller").socket("PULL")
    pull.connect(endpoint)
    push.send(b"accepted", timeout=WAIT)
    first = pull.recv_one(WAIT)
    assert first == b"accepted", f"the PULL's first message is {first!r}; a refused message must not be delivered"


@pytest.mark.spec("PP-12")
@pytest.mark.spec("PP-7")
def test_a_push_that_connects_before_its_peer_exists_delivers_once_the_peer_binds(nodes, driver, endpoints):
    """A PUSH keeps a queue for a peer it connects to "whether or not the connection is
    established" (RFC 30): what it sends before the PULL exists reaches the PULL, in order,
    once it binds."""
    endpoint = endpoints.bindable("ipc")
    push = driver.socket("PUSH")
    push.connect(endpoint)
    early = [f"early {i}".encode() for i in range(3)]
    for message in early:
        push.send(message, timeout=WAIT)

    pull = nodes.driver(label="late-puller").socket("PULL")
    pull.bind(endpoint)
    got = [pull.recv_one(WAIT) for _ in early]
    assert got == early, f"the PULL that bound later got {got}"


@pytest.mark.spec("PP-7")
def test_tasks_dealt_before_any_worker_connects_reach_the_first_worker_that_does(nodes, driver):
    """A ventilator told to start while no worker is connected loses no task: the first worker
    to connect gets every one, and the sink gathers all N."""
    tasks = 20
    sink, vent, _ = pipeline(nodes, tasks, 0, "--cost-max", "3")
    spare = spare_result(driver, sink)
    wait_for_prompt(vent)
    vent.send_line("")
    worker = start_worker(nodes, vent.endpoint("tasks"), sink.endpoint("results"), sink.endpoint("kill"))
    assert batch_end(sink, tasks, spare) == 0, f"the sink should gather all {tasks} results"
    gathered = len(progress_marks(sink.stdout))
    assert gathered == tasks, f"the sink ended its batch after {gathered} results (one mark each), not {tasks}"
    assert worker.wait_exit() == 0
    assert tasks_done(worker) == tasks, f"the only worker did {tasks_done(worker)} of {tasks} tasks"
    vent.wait_for(TOTAL_LINE, what="the ventilator to finish dealing")


@pytest.mark.spec("PP-7")
def test_a_ventilator_started_before_the_sink_still_tells_it_n(nodes, endpoints):
    """Start order does not matter: the count the ventilator sends before the sink exists
    reaches the sink once it binds."""
    results_endpoint = endpoints.bindable("ipc")
    vent = nodes.start("ventilator", "--tasks", "7", "--sink-connect", results_endpoint)
    wait_for_prompt(vent)
    sink = nodes.start("sink", "--bind", results_endpoint)
    gathered = int(sink.wait_for(GATHER_LINE).group(1))
    assert gathered == 7, f"the sink was told {gathered}, not 7"


@pytest.mark.spec("PP-7")
def test_a_batch_completes_when_the_workers_start_before_the_ventilator_and_the_sink(nodes, driver, endpoints):
    """Workers started (and connecting) before the ventilator and the sink exist take part in
    the batch once those bind: every task is done and the sink gathers all N."""
    tasks = 30
    tasks_endpoint, results_endpoint = endpoints.bindable("ipc"), endpoints.bindable("ipc")
    crew = [start_worker(nodes, tasks_endpoint, results_endpoint, wait_connected=False) for _ in range(2)]
    sink = nodes.start("sink", "--bind", results_endpoint)
    vent = nodes.start("ventilator", "--bind", tasks_endpoint, "--tasks", str(tasks), "--cost-max", "3",
                       "--sink-connect", results_endpoint)
    spare = spare_result(driver, sink)
    vent.send_line("")
    assert batch_end(sink, tasks, spare) == 0, f"the sink should gather all {tasks} results"
    gathered = len(progress_marks(sink.stdout))
    assert gathered == tasks, f"the sink ended its batch after {gathered} results (one mark each), not {tasks}"
    for worker in crew:
        worker.close_stdin()
        assert worker.wait_exit() == 0, f"{worker.name} should quit with status 0 when its input closes"
    done = [tasks_done(worker) for worker in crew]
    assert sum(done) == tasks, f"the early workers did {done} tasks, not {tasks} in all"


# -- PP-8 exactly once -----------------------------------------------------


@pytest.mark.spec("PP-8")
@pytest.mark.parametrize("transport", ["tcp", "ipc"])
def test_every_task_is_done_exactly_once(nodes, driver, endpoints, transport):
    """Every task is done exactly once, none lost, none duplicated: k workers take N tasks
    between them and the sink gathers exactly N results."""
    tasks, k = 600, 3
    sink = nodes.start("sink", "--bind", endpoints.bindable(transport), "--kill-bind", endpoints.bindable(transport))
    vent = nodes.start("ventilator", "--bind", endpoints.bindable(transport), "--tasks", str(tasks), "--zero-cost",
                       "--sink-connect", sink.endpoint("results"))
    crew = [start_worker(nodes, vent.endpoint("tasks"), sink.endpoint("results"), sink.endpoint("kill"))
            for _ in range(k)]
    spare = spare_result(driver, sink)
    vent.send_line("")
    assert batch_end(sink, tasks, spare, timeout=10) == 0, f"the sink should gather all {tasks} results"
    for worker in crew:
        assert worker.wait_exit() == 0, f"{worker.name} should exit on the kill signal"
    done = [tasks_done(worker) for worker in crew]
    assert sum(done) == tasks, f"the workers did {done} tasks, {sum(done)} in all, for {tasks} dealt"
    marks = progress_marks(sink.stdout)
    assert len(marks) == tasks, f"the sink printed {len(marks)} marks for {tasks} results"
    assert marks == expected_marks(tasks), (
        f"the sink's {tasks} marks are not ':' for results 0, 10, 20... and '.' else: {marks!r}")


# -- PP-9 the kill signal --------------------------------------------------


@pytest.mark.spec("PP-9")
def test_workers_exit_on_the_sinks_kill_signal_after_the_batch(nodes, driver):
    """After the N-th result, not before, the sink publishes the kill signal and every worker exits 0."""
    tasks = 20
    sink, vent, crew = pipeline(nodes, tasks, 3, "--cost-max", "3")
    spare = spare_result(driver, sink)
    vent.send_line("")
    assert batch_end(sink, tasks, spare) == 0
    gathered = len(progress_marks(sink.stdout))  # the sink publishes the kill signal as its batch ends
    assert gathered == tasks, f"the sink ended its batch (and killed the workers) after {gathered} results, not {tasks}"
    for worker in crew:
        assert worker.wait_exit(timeout=5) == 0, f"{worker.name} did not end with status 0 on the kill signal"


@pytest.mark.spec("PP-9")
def test_an_idle_worker_exits_on_the_sinks_kill_signal_too(nodes, driver):
    """A worker that got no task at all also exits 0 on the sink's kill signal: no worker
    outlives the batch."""
    sink, vent, (busy,) = pipeline(nodes, 10, 1, "--cost-max", "3")
    silent = driver.socket("PUSH")  # the idle worker's ventilator, which never deals
    idle = start_worker(nodes, silent.bind(), sink.endpoint("results"), sink.endpoint("kill"))
    spare = spare_result(driver, sink)
    vent.send_line("")
    assert batch_end(sink, 10, spare) == 0
    assert busy.wait_exit() == 0, f"{busy.name} should exit 0 on the kill signal"
    assert idle.wait_exit() == 0, f"{idle.name}, idle all along, should exit 0 on the kill signal"
    assert (tasks_done(busy), tasks_done(idle)) == (10, 0)


@pytest.mark.spec("PP-9")
def test_a_worker_with_tasks_still_queued_exits_on_the_kill_signal_without_doing_them(nodes, driver):
    """The worker waits on its PULL and its SUB at once: a kill that arrives mid-stream ends it
    with status 0 before it works through the tasks still queued for it."""
    queued = 20
    seats, ends = stand_ins(driver, kill=True)
    worker = start_worker(nodes, ends["tasks"], ends["results"], ends["kill"])
    await_kill_subscription(seats["kill"])
    for _ in range(queued):
        seats["tasks"].send(b"300")
    worker.wait_until(lambda _: tasks_done(worker) >= 1, 10, "the first task taken")
    seats["kill"].send(KILL)
    assert worker.wait_exit() == 0, "a worker should exit 0 on the kill signal"
    assert tasks_done(worker) < queued, f"the worker did all {queued} queued tasks before taking the kill signal"


@pytest.mark.spec("PP-11")
@pytest.mark.spec("PP-9")
def test_a_worker_ignores_an_unknown_control_message_and_still_exits_on_kill(nodes, driver):
    """A message on the kill channel other than the kill signal does not end a worker: it goes
    on taking tasks, and exits 0 on the kill signal itself."""
    seats, ends = stand_ins(driver, kill=True)
    worker = start_worker(nodes, ends["tasks"], ends["results"], ends["kill"])
    await_kill_subscription(seats["kill"])
    seats["kill"].send(KILL + b"JOY")  # passes any prefix filter the kill signal passes
    for _ in range(2):
        seats["tasks"].send(b"0")
        result = recv_result(seats["results"], "the worker's result after an unknown control message")
        assert result == [b""], f"the worker's result after an unknown control message was {result}, not one empty frame"
    worker.still_running("on a message that is not the kill signal")
    seats["kill"].send(KILL)
    assert worker.wait_exit() == 0, "a worker should exit 0 on the kill signal"


# -- PP-10 dynamic workers -------------------------------------------------


@pytest.mark.spec("PP-10")
def test_workers_may_join_and_leave_while_the_sink_and_the_ventilator_run(nodes, driver):
    """Workers connect and leave while the bound ventilator and sink keep running: one works
    alone and leaves when idle, another takes over, a third joins it midway and takes part,
    and the sink still gathers every task."""
    tasks = 60
    sink = nodes.start("sink")
    vent = driver.socket("PUSH")  # the ventilator's seat: deals when the test says so
    vent_endpoint = vent.bind()
    tell = driver.socket("PUSH")
    tell.connect(sink.endpoint("results"))
    tell.send(count_message(tasks))
    dealt = 0

    def deal(count: int) -> None:
        nonlocal dealt
        for _ in range(count):
            vent.send(b"0", timeout=WAIT)
        dealt += count
        wait_for_marks(sink, dealt)

    def join():
        return start_worker(nodes, vent_endpoint, sink.endpoint("results"), sink.endpoint("kill"))

    first = join()
    deal(5)
    first.close_stdin()  # leaves, idle: every task dealt so far has its result at the sink
    assert first.wait_exit() == 0, "a worker should quit with status 0 when its input closes"
    # "If this peer disconnects, the PUSH socket SHALL destroy its queue" (RFC 30): dealing
    # resumes only once the PUSH has no peer left, so no task goes to the worker that left.
    wait_until_push_has_no_peer(vent, "its only worker left")

    second = join()
    deal(5)
    third = join()
    while tasks_done(third) == 0 and dealt < tasks - 1:
        deal(1)
    # A worker's mark is written before its result is sent, but the harness reads the worker's
    # output on a thread of its own, which may lag behind the sink's: the mark is awaited.
    third.wait_until(lambda _: tasks_done(third) > 0, WAIT,
                     f"a task taken by the worker that joined midway (of the {dealt - 10} dealt since)")
    deal(tasks - dealt)

    assert batch_end(sink, tasks, tell) == 0, f"the sink should gather all {tasks} results"
    for worker in (second, third):
        assert worker.wait_exit() == 0, f"{worker.name} should exit 0 on the kill signal"
    done = [tasks_done(worker) for worker in (first, second, third)]
    assert done[0] == 5 and sum(done) == tasks, f"the workers did {done} tasks; 5 by the first, {tasks} in all"
