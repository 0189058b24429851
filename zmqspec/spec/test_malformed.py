"""Malformed input: a node faced with traffic it cannot use stays sane and says so (catalogue MI-*).

Each test sends a node something it cannot use (a task that is no
workload, a result of three frames, an update that is not an update, a
message over the role's size bound, bytes that are not ZMTP at all), then
good traffic, and checks that the good traffic is handled exactly, as if the
bad had never come, and that the node said one line on stderr per message it
skipped. stderr is read once the node has ended, so every line is in.

Some bad input cannot be sent through a ZeroMQ socket (a frame declaring a
size far over the bound, bytes that are not ZMTP): those are written with a
plain TCP socket. ``Zmtp`` (:mod:`zmqspec.harness.zmtp`) speaks just
enough of ZMTP 3.0 (rfc.zeromq.org 23/ZMTP, NULL mechanism) to be a
well-behaved peer first, so that a connection the node drops afterwards was
dropped for what came after.
"""

from __future__ import annotations

import json
import random

import pytest

from zmqspec.harness import DriverError
from zmqspec.harness.zmtp import Listener, Zmtp
from zmqspec.spec.helpers import (
    KILL, WAIT, assert_sink_marked, count_message, recv_result, role_lines, stand_ins, start_worker,
)

pytestmark = pytest.mark.contract

MAX_MESSAGE_BYTES = 64 * 1024  # the size bound of the sink's results and the worker's tasks and kill channel
MAX_WORKLOAD_MS = 60_000


# -- helpers ---------------------------------------------------------------


def stderr_lines(node) -> list[str]:
    return node.stderr.splitlines()


def wait_for_stderr_lines(node, count: int, what: str) -> None:
    """Wait until the node has written ``count`` lines on stderr (any change of its output wakes the wait)."""
    node.wait_until(lambda _: len(stderr_lines(node)) >= count, WAIT, what)


def ended(node) -> int:
    """End a node that reads no input (stdin closed: it must exit 0); its output is complete afterwards."""
    node.close_stdin()
    return node.wait_exit(timeout=WAIT)


def assert_said_one_line_each(node, skipped: int, what: str) -> None:
    lines = stderr_lines(node)
    assert len(lines) == skipped and all(line.strip() for line in lines), (
        f"{node.name} should write one line on stderr for each of the {skipped} {what}, wrote {lines}"
    )
    assert "Traceback" not in node.stderr, f"{node.name} printed a traceback:\n{node.stderr}"


@pytest.fixture
def listener():
    made = Listener()
    yield made
    made.close()


# -- MI-1 the sink's first message -----------------------------------------


BAD_COUNTS = {
    "7 bytes": [b"\0" * 6 + b"\x05"],
    "9 bytes": [b"\0" * 8 + b"\x05"],
    "empty": [b""],
    "text": [b"5"],
    "two frames": [count_message(5), b""],
}


@pytest.mark.pipeline
@pytest.mark.spec("MI-1")
@pytest.mark.parametrize("bad", BAD_COUNTS.values(), ids=BAD_COUNTS.keys())
def test_sink_skips_a_first_message_that_is_not_one_frame_of_8_bytes_and_waits_for_n(nodes, driver, bad):
    """A first message that is not one frame of 8 bytes is not N: the sink says so in one line on
    stderr and waits for the real N, then gathers exactly N results and exits 0."""
    sink = nodes.start("sink")
    feed = driver.socket("PUSH")
    feed.connect(sink.endpoint("results"))
    feed.send(*bad)
    wait_for_stderr_lines(sink, 1, "a line on stderr about the first message that is not N")
    feed.send(count_message(2))
    for _ in range(3):  # one more than N, which a sink that ends after the N-th result never takes
        feed.send(b"")

    assert sink.wait_exit(timeout=WAIT) == 0, f"the sink ended with {sink.status()}"
    assert sink.wait_for(r"^GATHER (\d+) TASKS\.$").group(1) == "2", f"the sink took {bad!r} for N"
    assert_sink_marked(sink, 2)
    assert_said_one_line_each(sink, 1, "first messages that are not N")


# -- MI-2 the sink's results -----------------------------------------------


@pytest.mark.pipeline
@pytest.mark.spec("MI-2")
def test_sink_does_not_count_a_result_of_several_frames(nodes, driver):
    """A result of more than one frame is not counted (one line on stderr); the sink still ends
    after exactly N one-frame results."""
    sink = nodes.start("sink")
    feed = driver.socket("PUSH")
    feed.connect(sink.endpoint("results"))
    feed.send(count_message(2))
    sink.wait_for(r"^GATHER 2 TASKS\.$")
    feed.send(b"", b"", b"")  # three frames: a sink reading frames would count them as the whole batch
    wait_for_stderr_lines(sink, 1, "a line on stderr about the result of three frames")
    sink.still_running("it counted a message of three frames as results")
    for _ in range(3):  # one more than N, which a sink that ends after the N-th result never takes
        feed.send(b"")

    assert sink.wait_exit(timeout=WAIT) == 0, f"the sink ended with {sink.status()}"
    assert_sink_marked(sink, 2)
    assert_said_one_line_each(sink, 1, "results of several frames")


# -- MI-3 the worker's tasks -----------------------------------------------


BAD_TASKS = {
    "non-numeric": [b"fast"],
    "negative": [b"-5"],
    "fraction": [b"1.5"],
    "empty": [b""],
    "signed": [b"+5"],
    "spaces": [b" 5 "],
    "not ASCII digits": ["٣".encode()],
    "huge": [b"99999999999"],
    "over the maximum": [str(MAX_WORKLOAD_MS + 1).encode()],
    "two frames": [b"1", b"2"],
}


@pytest.mark.pipeline
@pytest.mark.spec("MI-3")
@pytest.mark.parametrize("bad", BAD_TASKS.values(), ids=BAD_TASKS.keys())
def test_worker_skips_a_task_that_is_not_a_workload_of_0_to_60000_ms(nodes, driver, bad):
    """A task that is not one frame of decimal digits worth 0..60000 ms is skipped with one line on
    stderr: no mark, no result, no sleep; the tasks after it are done exactly."""
    seats, ends = stand_ins(driver)
    worker = start_worker(nodes, ends["tasks"], ends["results"], ends.get("kill"))
    seats["tasks"].send(*bad)
    seats["tasks"].send(b"0")
    seats["tasks"].send(b"1")
    for n in range(2):
        assert seats["results"].recv(WAIT) == [b""], f"result {n} of the good tasks after {bad!r}"

    assert ended(worker) == 0, f"the worker ended with {worker.status()}"
    assert worker.output == "..", f"the worker should mark the 2 good tasks only, printed {worker.output!r}"
    assert_said_one_line_each(worker, 1, "tasks that are no workload")


@pytest.mark.pipeline
@pytest.mark.spec("MI-3")
def test_worker_does_the_largest_workload_it_accepts(nodes, driver):
    """The bound is inclusive and the digits count, not their form: '060000' asks for 60000 ms.
    (Only its mark is awaited: the test does not wait a minute for its result.)"""
    seats, ends = stand_ins(driver)
    worker = start_worker(nodes, ends["tasks"], ends["results"], ends.get("kill"))
    seats["tasks"].send(b"0" + str(MAX_WORKLOAD_MS).encode())
    worker.wait_until(lambda out: out.endswith("\n."), WAIT, "the mark of a 60000 ms task")
    assert not stderr_lines(worker), f"the worker refused a 60000 ms task: {worker.stderr}"


# -- MI-4 the worker's kill channel ----------------------------------------


@pytest.mark.pipeline
@pytest.mark.spec("MI-4")
@pytest.mark.spec("PP-11")
@pytest.mark.parametrize("bad", [[KILL, b""], [KILL, KILL], [b"kill"]], ids=["KILL and an empty frame",
                                                                          "KILL twice", "lower case"])
def test_worker_takes_only_the_one_frame_kill_as_the_kill_signal(nodes, driver, bad):
    """On the kill channel only the one-frame message KILL ends a worker; KILL followed by more
    frames is another message, ignored with one line on stderr, and the worker goes on."""
    seats, ends = stand_ins(driver, kill=True)
    worker = start_worker(nodes, ends["tasks"], ends["results"], ends.get("kill"))
    subscription = seats["kill"].recv_one(WAIT)
    assert subscription[:1] == b"\x01", f"the worker's kill SUB sent {subscription!r}, not a subscription"
    seats["kill"].send(*bad)
    wait_for_stderr_lines(worker, 1, f"a line on stderr about the control message {bad!r}")
    seats["tasks"].send(b"0")
    result = recv_result(seats["results"], f"the worker's result for a task sent after {bad!r}")
    assert result == [b""], f"the worker's result after {bad!r} was {result}, not one empty frame"
    worker.still_running(f"after the control message {bad!r}")
    seats["kill"].send(KILL)

    assert worker.wait_exit(timeout=WAIT) == 0, "a worker should exit 0 on the kill signal"
    assert_said_one_line_each(worker, 1, "control messages that are not the kill signal")


# -- MI-5 the size bound ---------------------------------------------------


@pytest.mark.pipeline
@pytest.mark.spec("MI-5")
def test_sink_drops_a_peer_that_sends_a_result_over_64_kib_and_gathers_from_the_others(nodes, driver):
    """The sink takes a 64 KiB result but not one byte more: the peer that sends more is
    disconnected and its message never counted, while another peer's results still complete N."""
    sink = nodes.start("sink")
    bad = Zmtp.connect(sink.endpoint("results"), b"PUSH")
    bad.handshake()
    bad.send(count_message(3))
    sink.wait_for(r"^GATHER 3 TASKS\.$", what="the N sent by the hand-written peer (its handshake worked)")
    bad.send(bytes(MAX_MESSAGE_BYTES))
    sink.wait_until(lambda out: out.endswith("TASKS.\n:"), WAIT, "a mark for the result of exactly 64 KiB")
    bad.send_raw(Zmtp.frame(bytes(MAX_MESSAGE_BYTES + 1)))
    bad.wait_closed_by_peer("the sink dropping the peer that sent 64 KiB + 1 byte")

    good = driver.socket("PUSH")
    good.connect(sink.endpoint("results"))
    for _ in range(3):  # one more than N, which a sink that ends after the N-th result never takes
        good.send(b"")
    assert sink.wait_exit(timeout=WAIT) == 0, f"the sink ended with {sink.status()}"
    assert_sink_marked(sink, 3)
    bad.close()


@pytest.mark.pipeline
@pytest.mark.spec("MI-5")
def test_worker_drops_a_ventilator_that_sends_a_task_over_64_kib_and_works_for_the_others(nodes, driver, listener):
    """A task over 64 KiB never reaches the worker: it drops that ventilator's connection and goes
    on doing the tasks of another ventilator it is connected to."""
    seats, ends = stand_ins(driver)
    worker = start_worker(nodes, ends["tasks"], ends["results"], None, "--connect", listener.endpoint, ready=False)
    bad = listener.accept(b"PUSH", "the worker connecting to the hand-written ventilator")
    bad.handshake()
    worker.wait_ready()
    bad.send(b"0")
    assert seats["results"].recv(WAIT) == [b""], "the result of the hand-written ventilator's task"
    bad.send_raw(Zmtp.frame(b"0", size=MAX_MESSAGE_BYTES + 1))  # the header is enough to be refused
    bad.wait_closed_by_peer("the worker dropping the ventilator that sent a task over 64 KiB")

    for _ in range(2):
        seats["tasks"].send(b"0")
        assert seats["results"].recv(WAIT) == [b""], "the result of the other ventilator's task"
    assert ended(worker) == 0, f"the worker ended with {worker.status()}"
    assert worker.output == "...", f"the worker should mark exactly 3 tasks, printed {worker.output!r}"
    bad.close()


@pytest.mark.pipeline
@pytest.mark.spec("MI-5")
def test_worker_drops_a_kill_publisher_that_sends_over_64_kib_and_still_takes_kill_from_another(
        nodes, driver, listener):
    """A message over 64 KiB on the kill channel never reaches the worker: it drops that
    publisher's connection, goes on working, and exits 0 on KILL from another publisher."""
    seats, ends = stand_ins(driver, kill=True)
    worker = start_worker(nodes, ends["tasks"], ends["results"], ends["kill"], "--kill-connect", listener.endpoint, ready=False)
    bad = listener.accept(b"PUB", "the worker's kill SUB connecting to the hand-written publisher")
    bad.handshake()
    worker.wait_ready()
    bad.send_raw(Zmtp.frame(KILL, size=MAX_MESSAGE_BYTES + 1))  # begins with KILL, declares 64 KiB + 1
    bad.wait_closed_by_peer("the worker dropping the kill publisher that sent over 64 KiB")

    assert seats["kill"].recv_one(WAIT)[:1] == b"\x01", "the worker's subscription to the other kill publisher"
    seats["tasks"].send(b"0")
    result = recv_result(seats["results"], "the worker's result after the oversized kill message")
    assert result == [b""], f"the worker's result after the oversized kill message was {result}, not one empty frame"
    worker.still_running("after an oversized kill message")
    seats["kill"].send(KILL)
    assert worker.wait_exit(timeout=WAIT) == 0, "a worker should exit 0 on the kill signal"
    bad.close()


# -- MI-6 bytes that are not ZMTP ------------------------------------------


def http_request(_peer: bytes) -> bytes:
    """What a browser sends, a few hundred bytes."""
    return (b"GET /index.html HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
            b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            b"Accept-Language: en-GB,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n"
            b"Upgrade-Insecure-Requests: 1\r\nCache-Control: max-age=0\r\n\r\n")


def zmtp_1_0(peer: bytes) -> bytes:
    """The 2011 protocol, which has no signature: an empty identity, then the message 'X' (with the
    empty delimiter a REQ puts first). A node speaking only ZMTP 3 takes none of it."""
    message = b"\x01\x01" + b"\x02\x00X" if peer == b"REQ" else b"\x02\x00X"
    return b"\x01\x00" + message


def binary_noise(_peer: bytes) -> bytes:
    return b"\0" + random.Random(6).randbytes(4095)


def unknown_mechanism(_peer: bytes) -> bytes:
    return Zmtp.greeting(b"NOPE") + bytes(64)


def half_a_greeting(_peer: bytes) -> bytes:
    return b"\xff" + bytes(4)


def a_frame_declaring_an_exabyte(peer: bytes) -> bytes:
    """A correct handshake, then a frame header declaring 2**60 bytes: no node can hold that."""
    ready = b"\x05READY" + b"\x0bSocket-Type" + len(peer).to_bytes(4, "big") + peer
    return Zmtp.greeting() + Zmtp.frame(ready, command=True) + b"\x02" + (2**60).to_bytes(8, "big") + bytes(64)


GARBAGE = [http_request, zmtp_1_0, binary_noise, unknown_mechanism, half_a_greeting, a_frame_declaring_an_exabyte]


def serve_rep_server(nodes, driver):
    server = nodes.start("rep-server", "--name", "A")
    client = driver.socket("REQ")
    client.connect(server.endpoint("rep"))
    exchanged = []

    def exchange(text: str) -> None:
        client.send(text)
        assert client.recv(WAIT) == [f"A,{text}".encode()], f"the reply to {text!r}"
        exchanged.append(text)

    def check() -> None:
        # The lines' exact form is RR-1's: here only that the garbage left no line of its own,
        # a line ending in each request, then one ending in its reply.
        count = 2 + 2 * len(exchanged)
        server.wait_until(lambda _: len(role_lines(server)) >= count, WAIT, "a line per request and reply")
        printed = role_lines(server)[2:]
        pairs = list(zip(printed[::2], printed[1::2]))
        assert len(printed) == 2 * len(exchanged) and all(
            line.endswith(text) and reply.endswith(f"A,{text}") for (line, reply), text in zip(pairs, exchanged)
        ), f"the server printed {printed}, not a line per request {exchanged} and one per reply"

    return server, server.endpoint("rep"), b"REQ", exchange, check


def serve_gateway(nodes, driver):
    inner = nodes.start("rep-server", "--name", "inner")
    gateway = nodes.start("gateway", "--backend-connect", inner.endpoint("rep"))
    client = driver.socket("REQ")
    client.connect(gateway.endpoint("frontend"))

    def exchange(text: str) -> None:
        # That a request still gets one reply is this id's; the reply's bytes are RR-7's (one id each).
        client.send(text)
        reply = recv_result(client, f"the reply to {text!r} through the gateway")
        assert len(reply) == 1, f"the reply to {text!r} through the gateway came as {reply}, not one frame"

    def check() -> None:
        assert role_lines(gateway) == [], f"the gateway printed {role_lines(gateway)}"

    return gateway, gateway.endpoint("frontend"), b"REQ", exchange, check


def serve_sink(nodes, driver):
    sink = nodes.start("sink")
    feed = driver.socket("PUSH")
    feed.connect(sink.endpoint("results"))
    feed.send(count_message(5))
    sent = []

    def exchange(_text: str) -> None:
        for _ in range(2):
            feed.send(b"")
            sent.append(b"")
        sink.wait_until(lambda out: out.count(".") + out.count(":") >= len(sent), WAIT,
                        f"{len(sent)} marks, one per result")

    def check() -> None:
        feed.send(b"")
        feed.send(b"")  # one more than N, which a sink that ends after the N-th result never takes
        assert sink.wait_exit(timeout=WAIT) == 0, f"the sink ended with {sink.status()}"
        assert_sink_marked(sink, 5)

    return sink, sink.endpoint("results"), b"PUSH", exchange, check


def serve_ventilator(nodes, driver):
    sink = driver.socket("PULL")
    vent = nodes.start("ventilator", "--tasks", "4", "--zero-cost", "--sink-connect", sink.bind())
    assert sink.recv_one(WAIT) == count_message(4)
    worker = driver.socket("PULL")
    worker.connect(vent.endpoint("tasks"))
    taken = []

    def exchange(_text: str) -> None:
        if not taken:
            vent.send_line("")
        for _ in range(2):
            taken.append(worker.recv_one(WAIT))

    def check() -> None:
        assert taken == [b"0"] * 4, f"the worker seat took {taken}"
        vent.send_line("")
        assert vent.wait_exit(timeout=WAIT) == 0, f"the ventilator ended with {vent.status()}"

    return vent, vent.endpoint("tasks"), b"PULL", exchange, check


SERVED = {"rep-server": serve_rep_server, "gateway": serve_gateway, "sink": serve_sink,
          "ventilator": serve_ventilator}


@pytest.mark.spec("MI-6")
@pytest.mark.parametrize("garbage", GARBAGE, ids=[g.__name__.replace("_", "-") for g in GARBAGE])
@pytest.mark.parametrize("role", SERVED)
def test_bytes_that_are_not_zmtp_on_a_nodes_port_do_not_disturb_its_real_peers(nodes, driver, role, garbage):
    """Bytes that are not ZMTP 3 (an HTTP request, ZMTP/1.0, noise, an unknown mechanism, half a
    greeting, a frame declaring 2**60 bytes) written to a node's tcp port: while that connection is
    open and after it closes, the node serves a real peer exactly, and the stranger gets nothing from
    it and gives it nothing (no task dealt to it, no request or result taken from it)."""
    node, endpoint, peer_type, exchange, check = SERVED[role](nodes, driver)
    stranger = Zmtp.connect(endpoint, peer_type)
    stranger.send_raw(garbage(peer_type))
    if garbage is a_frame_declaring_an_exabyte:  # a real peer, until the frame: it may not take part
        stranger.wait_closed_by_peer(f"{node.name} dropping the peer that declared a frame of 2**60 bytes")
    exchange("while the stranger is connected")
    stranger.close()
    exchange("after the stranger left")
    node.still_running("after bytes that are not ZMTP")
    check()
    assert "Traceback" not in node.stderr, f"{node.name} printed a traceback:\n{node.stderr}"


# -- MI-7 the weather subscriber -------------------------------------------


BAD_UPDATES = {
    "temperature not a number": [b"10001 warm 20 000001"],
    "three fields": [b"10001 20 30"],
    "five fields": [b"10001 20 30 000001 extra"],
    "no fields": [b"10001"],
    "two frames": [b"10001 20 30 000001", b"10001 20 30 000002"],
}


@pytest.mark.pubsub
@pytest.mark.spec("MI-7")
@pytest.mark.parametrize("bad", BAD_UPDATES.values(), ids=BAD_UPDATES.keys())
def test_weather_sub_skips_a_message_that_is_not_an_update_and_averages_the_rest(nodes, driver, bad):
    """A message that is not one frame 'zipcode temp hum seq' is neither printed nor counted (one
    line on stderr): weather-sub prints and averages exactly --count real updates."""
    pub = driver.socket("XPUB")
    sub = nodes.start("weather-sub", "--connect", pub.bind(), "--count", "2")
    recv_result(pub, "weather-sub's subscription (proof it is connected)")  # its bytes are PS-6's
    good = [b"10001  -5 20 000001", b"10001  10 30 000002"]
    pub.send(good[0])
    pub.send(*bad)
    pub.send(good[1])

    assert sub.wait_exit(timeout=WAIT) == 0, f"weather-sub ended with {sub.status()}"
    assert role_lines(sub) == [f"RECEIVED: {good[0].decode()}", f"RECEIVED: {good[1].decode()}",
                               "AVERAGE TEMPERATURE FOR 10001: +2.50"], f"weather-sub printed {role_lines(sub)}"
    assert_said_one_line_each(sub, 1, "messages that are not updates")


# -- MI-8 the sync subscriber ----------------------------------------------


@pytest.mark.pubsub
@pytest.mark.spec("MI-8")
@pytest.mark.parametrize("bad", [[b"update", b"more"], [b"END", b"more"]], ids=["two frames", "END and more"])
def test_sync_sub_does_not_count_a_message_of_several_frames(nodes, driver, bad):
    """After synchronising, a message of more than one frame is skipped with one line on stderr,
    even when it begins with END: sync-sub counts the one-frame updates until the one-frame END."""
    pub, sync = driver.socket("XPUB"), driver.socket("REP")
    sub = nodes.start("sync-sub", "--connect", pub.bind(), "--sync-connect", sync.bind())
    assert pub.recv_one(WAIT) == b"\x01", "sync-sub's subscription to everything"
    pub.send(b"HELLO")
    assert sync.recv(WAIT) == [b""], "sync-sub's report on the sync channel"
    sync.send(b"")
    pub.send(b"update 1")
    pub.send(*bad)
    pub.send(b"update 2")
    pub.send(b"END")

    assert sub.wait_exit(timeout=WAIT) == 0, f"sync-sub ended with {sub.status()}"
    assert role_lines(sub) == ["RECEIVED 2 UPDATES"], f"sync-sub printed {role_lines(sub)}"
    assert_said_one_line_each(sub, 1, "messages of several frames")


# -- MI-9 the client -------------------------------------------------------


@pytest.mark.reqrep
@pytest.mark.spec("MI-9")
def test_req_client_prints_a_reply_without_a_name_or_with_extra_frames_and_goes_on(nodes, driver):
    """A reply without a comma is printed whole with an empty name, and of a reply of several frames
    the first is printed; each gets one line on stderr, and the next exchange is as usual."""
    server = driver.socket("REP")
    client = nodes.start("req-client", "--connect", server.bind())
    replies = {"one": [b"no name here"], "two": [b"A,first", b"B,second"], "three": [b"A,three"]}
    for n, (line, reply) in enumerate(replies.items(), start=1):
        client.send_line(line)
        assert server.recv(WAIT) == [line.encode()], f"the client's request {line!r}"
        server.send(*reply)
        client.wait_until(lambda out: out.count("RECEIVED: ") >= n, WAIT, f"the reply to {line!r} printed")

    assert ended(client) == 0, f"req-client ended with {client.status()}"
    printed = client.output.replace(">> ", "").splitlines()
    assert printed == ["SENDING: one", "RECEIVED: no name here FROM ", "SENDING: two", "RECEIVED: first FROM A",
                       "SENDING: three", "RECEIVED: three FROM A"], f"req-client printed {printed}"
    assert_said_one_line_each(client, 2, "malformed replies")


# -- MI-10 the driver ------------------------------------------------------


BAD_REQUESTS = {
    "bad hex": ("send", {"frames": ["zz"]}, "EINVAL"),
    "frames not a list": ("send", {"frames": "00"}, "EINVAL"),
    "negative timeout": ("recv", {"timeout_ms": -1}, "EINVAL"),
    "timeout beyond 32 bits": ("recv", {"timeout_ms": 2**40}, "EINVAL"),
    "timeout not an integer": ("recv", {"timeout_ms": "soon"}, "EINVAL"),
    "option value beyond 64 bits": ("setsockopt", {"option": "sndhwm", "value": 2**70}, "EINVAL"),
    "unknown option": ("setsockopt", {"option": "no_such_option", "value": 1}, "EINVAL"),
    "unknown field": ("close", {"colour": "blue"}, "EINVAL"),
    "no such socket": ("recv", {"socket": "s99", "timeout_ms": 0}, "ENOTSOCK"),
    "unknown command": ("juggle", {}, "ENOTSUP"),
    "poll item not an object": ("poll", {"items": [5], "timeout_ms": 0}, "EINVAL"),
}


@pytest.mark.spec("MI-10")
@pytest.mark.spec("NC-8")
@pytest.mark.parametrize("cmd, fields, errno", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_driver_answers_a_malformed_request_with_an_error_and_goes_on(driver, cmd, fields, errno):
    """A request with a bad field (hex that is not hex, a negative or oversized timeout, an unknown
    option or field) gets an error reply naming the errno at once, and the driver's socket still works."""
    pair, peer = driver.socket("PULL"), driver.socket("PUSH")  # any two connected sockets would do
    peer.connect(pair.bind())
    fields = {"socket": pair.name, **fields} if cmd != "juggle" and cmd != "poll" else fields
    if not driver.knows(cmd) and cmd != "juggle":
        # A driver without the command (a stack with no poller) may refuse the request as malformed
        # (EINVAL) or as a command it cannot do (ENOTSUP, DP-4); whether it has it is DP-1's and DP-2's.
        with pytest.raises(DriverError) as refused:
            driver.request(cmd, **fields)
        assert refused.value.errno in (errno, "ENOTSUP"), f"{cmd} {fields} should fail with {errno} or ENOTSUP"
    else:
        with pytest.raises(DriverError) as refused:
            driver.request(cmd, **fields)
        assert refused.value.errno == errno, f"{cmd} {fields} should fail with {errno}, got {refused.value}"

    peer.send(b"still here")
    assert pair.recv(WAIT) == [b"still here"], "the driver's socket after the malformed request"
    driver.node.still_running("on a malformed request")


@pytest.mark.spec("MI-10")
@pytest.mark.spec("NC-8")
@pytest.mark.parametrize("line", [b"\xff\xfe not UTF-8", b"[" * 100_000 + b"]" * 100_000, b"[1, 2]", b"{"],
                         ids=["not UTF-8", "nested 100000 deep", "a list", "cut short"])
def test_driver_answers_a_line_that_is_no_request_with_seq_null_and_goes_on(driver, line):
    """A line that is not a JSON object (not UTF-8, nested too deep to read, a list, cut short) gets
    one reply with seq null and an error, and the next request is answered as usual."""
    driver.node.proc.stdin.write(line + b"\n")
    driver.node.proc.stdin.flush()
    answer = json.loads(driver.node.read_line(WAIT, "the driver's answer to a line that is no request"))
    assert answer.get("seq") is None and answer.get("error", {}).get("errno") in ("EPROTO", "EINVAL"), (
        f"a line that is no request must get seq null and EPROTO (or EINVAL), got {answer}"
    )
    assert driver.hello()["protocol"] == 1, "the driver goes on after a line that is no request"
