"""PUB-SUB: the seed's weather publisher and subscribers (catalogue PS-*).

How these tests know a subscription is in force
-----------------------------------------------
``subscribe()`` returns before the publisher has heard of it (the slow
joiner, PS-10), and a SUB never says when it has. So a test that needs a
subscription in force publishes numbered markers on a topic the subscriber
listens to until one arrives, then one last marker, and has the subscriber
read up to that last marker (``synchronise``). Subscription changes travel
in order on one connection and messages arrive in publish order, so after
it every subscription change made before is in force at the publisher, the
subscriber's queue is empty, and anything else that had reached the
subscriber was received on the way, ahead of the markers. That is also how
"nothing arrived" is checked: whatever should not have come would be queued
ahead of markers that did.

Every socket whose behaviour is judged belongs to the implementation under
test: role nodes, or driver nodes. In-process pyzmq sockets only observe:
an XPUB shows what subscriptions cross the wire, an XSUB (which does not
filter) shows what messages cross it, and a plain SUB watches the weather
stream when only its content matters.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
import zmq

from zmqspec.harness import Deadline, DriverError, Nodes, milliseconds, recv_within, require_transport
from zmqspec.spec.helpers import seq_of

pytestmark = pytest.mark.pubsub

PROOF_MESSAGES = 100
SEQ_MODULUS = 1_000_000
RECV_TIMEOUT = 10.0
SUBSCRIPTION_DEADLINE = 20.0
MARKER_INTERVAL = 0.05  # seconds between markers: a retry pace, never a verdict
EXIT_TIMEOUT = 30.0
LOCAL_TRANSPORTS = ["tcp", "ipc", pytest.param("inproc", marks=pytest.mark.spec("TR-1"))]
WIRE_TRANSPORTS = ["tcp", "ipc"]  # where a publisher and its subscriber are two processes

UPDATE = re.compile(rb"(\d{5}) ([ \d-]{3}) ([ \d]{2}) (\d{6})")


# -- transports the implementation has -----------------------------------------

@pytest.fixture(scope="module")
def offered_transports(implementation) -> list[str]:
    """The transports the implementation's driver lists in its hello (asked once per module)."""
    if not implementation.provides("driver"):
        return ["tcp", "ipc", "inproc"]
    started = Nodes(implementation)
    try:
        listed = started.driver(label="hello").hello().get("transports")
    finally:
        started.stop_all()
    assert isinstance(listed, list), f"the driver's hello has no 'transports' list: {listed!r}"
    return listed


@pytest.fixture(autouse=True)
def skip_transports_not_offered(request):
    callspec = getattr(request.node, "callspec", None)
    transport = callspec.params.get("transport") if callspec else None
    if transport is not None:
        require_transport(transport, request.getfixturevalue("offered_transports"))


# -- reading weather updates ---------------------------------------------------

def parse_update(raw: bytes) -> tuple[int, int, int, int]:
    """(zipcode, temperature, humidity, seq) of an update in the seed's exact format."""
    match = UPDATE.fullmatch(raw)
    assert match, f"not a weather update in the form '{{zipcode:05d}} {{temp:-3d}} {{hum:-2d}} {{seq:06d}}': {raw!r}"
    zipcode, temp, hum, seq = (int(field) for field in match.groups())
    expected = f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}".encode()
    assert raw == expected, f"{raw!r} is not formatted the seed's way, which gives {expected!r}"
    return zipcode, temp, hum, seq


def weather_update(zipcode: str, temp: int, hum: int, seq: int) -> bytes:
    return f"{zipcode} {temp:-3d} {hum:-2d} {seq:06d}".encode()


# -- receiving with deadlines, from driver sockets or observing peers -------

def frames_from(sub, what: str, timeout: float = RECV_TIMEOUT) -> list[bytes]:
    if isinstance(sub, zmq.Socket):
        return recv_within(sub, timeout, what)
    deadline = Deadline(timeout)
    try:
        return sub.recv(timeout=deadline)
    except DriverError as exc:
        if exc.errno == "EAGAIN":
            raise AssertionError(f"{sub!r}: {what} did not arrive within {deadline.seconds:.1f} s") from None
        raise


def one(sub, what: str, timeout: float = RECV_TIMEOUT) -> bytes:
    frames = frames_from(sub, what, timeout)
    assert len(frames) == 1, f"{sub!r}: expected {what} as one frame, got {frames!r}"
    return frames[0]


def has_input(sub, timeout: float) -> bool:
    if isinstance(sub, zmq.Socket):
        return bool(sub.poll(milliseconds(timeout)))
    return "in" in sub.poll(timeout=timeout)


def message(frames: list[bytes]):
    """A received message as bytes, or as a tuple of frames when it has several."""
    return frames[0] if len(frames) == 1 else tuple(frames)


def synchronise(pub, subs, topic: bytes) -> dict:
    """Publish markers on ``topic`` until every SUB in ``subs`` has received one, then a last
    marker each SUB reads up to. Returns, per SUB, what else it received meanwhile."""
    deadline = Deadline(SUBSCRIPTION_DEADLINE)

    def is_marker(frames: list[bytes]) -> bool:
        return len(frames) == 1 and frames[0].startswith(topic + b" ")

    others = {sub: [] for sub in subs}
    waiting, sent = list(subs), 0
    while waiting:
        if deadline.passed():
            raise AssertionError(
                f"none of {sent} markers published on {topic!r} reached {waiting} within "
                f"{deadline.seconds:.0f} s: the subscription never took effect at the publisher"
            )
        sent += 1
        pub.send(b"%s %d" % (topic, sent))
        for sub in list(waiting):
            while has_input(sub, MARKER_INTERVAL / len(waiting)):
                frames = frames_from(sub, f"a marker on {topic!r}")
                if is_marker(frames):
                    waiting.remove(sub)
                    break
                others[sub].append(message(frames))
    last = topic + b" last"
    pub.send(last)
    for sub in subs:
        while (frames := frames_from(sub, f"the last marker {last!r}")) != [last]:
            if not is_marker(frames):
                others[sub].append(message(frames))
    return others


def receive(sub, count: int, what: str) -> list:
    return [message(frames_from(sub, f"{what} ({n + 1} of {count})")) for n in range(count)]


def nothing_more(pub, sub, topic: bytes = b"zz-after") -> list:
    """What ``sub`` still receives before markers published now (subscribed here for the purpose)."""
    sub.subscribe(topic)
    return synchronise(pub, [sub], topic)[sub]


# -- setting up a publisher and its subscribers -----------------------------

def subscriber_driver(nodes, driver, transport: str):
    """The driver holding the SUBs: the publisher's own for inproc, another process otherwise."""
    return driver if transport == "inproc" else nodes.driver(label="subscribers")


def bound_pub(driver, endpoints, transport: str, sndhwm: int | None = None):
    pub = driver.socket("PUB")
    if sndhwm is not None:
        pub.set("sndhwm", sndhwm)
    return pub, pub.bind(endpoints.bindable(transport))


def sub_socket(driver, endpoint: str, *prefixes: bytes | str, rcvhwm: int | None = None):
    sub = driver.socket("SUB")
    if rcvhwm is not None:
        sub.set("rcvhwm", rcvhwm)
    for prefix in prefixes:
        sub.subscribe(prefix)
    sub.connect(endpoint)
    return sub


def observer(observers, endpoint: str, **options) -> zmq.Socket:
    """An in-process SUB watching a publisher's stream (its content, not a socket rule)."""
    watcher = observers.socket(zmq.SUB, **options)
    watcher.setsockopt(zmq.SUBSCRIBE, b"")
    watcher.connect(endpoint)
    return watcher


def wire_xpub(observers, endpoints, transport: str) -> tuple[zmq.Socket, str]:
    """An in-process XPUB that hands over every subscription message it is sent, duplicates included."""
    xpub = observers.socket(zmq.XPUB, xpub_verbose=1)
    xpub.bind(endpoints.bindable(transport))
    return xpub, xpub.getsockopt_string(zmq.LAST_ENDPOINT)


# == PS-1: the weather publisher's updates =================================

FORMAT_SAMPLE = 20_000


@pytest.mark.spec("PS-1")
def test_weather_updates_have_the_seeds_format_and_ranges(nodes, observers):
    """Each update is f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}" with zipcode in 1..99999,
    temperature in -80..134 and humidity in 10..59, both ends of each range reachable."""
    publisher = nodes.start("weather-pub")
    watcher = observer(observers, publisher.endpoint("pub"))

    updates = [parse_update(recv_within(watcher, RECV_TIMEOUT, f"update {n}")[0]) for n in range(FORMAT_SAMPLE)]

    zipcodes, temps, hums = ({u[i] for u in updates} for i in range(3))
    assert 1 <= min(zipcodes) and max(zipcodes) <= 99999, f"zipcodes from {min(zipcodes)} to {max(zipcodes)}"
    assert min(zipcodes) < 1000, f"no zipcode below 1000 in {FORMAT_SAMPLE} updates (min {min(zipcodes)})"
    assert (min(temps), max(temps)) == (-80, 134), f"temperatures from {min(temps)} to {max(temps)}, not -80..134"
    assert (min(hums), max(hums)) == (10, 59), f"humidities from {min(hums)} to {max(hums)}, not 10..59"


@pytest.mark.spec("PS-1")
def test_weather_seq_counts_up_by_one_and_wraps_to_zero_after_999999(nodes, observers):
    """Successive updates carry seq, seq+1, ...; after 999999 comes 000000."""
    runway = 100_000  # updates before the first wrap; if the watcher joins later, the next wrap comes 1e6 later
    count = runway + SEQ_MODULUS + 10_000
    publisher = nodes.start(
        "weather-pub", "--first-seq", str(SEQ_MODULUS - runway), "--count", str(count),
        "--sndhwm", str(count),  # with the watcher's unbounded queue: nothing may be dropped on the way
    )
    watcher = observer(observers, publisher.endpoint("pub"), rcvhwm=0)

    previous = seq_of(recv_within(watcher, RECV_TIMEOUT, "a first update")[0])
    wrapped = False
    while not wrapped or previous < 10:
        seq = seq_of(recv_within(watcher, RECV_TIMEOUT, f"the update after seq {previous:06d}")[0])
        if seq != (previous + 1) % SEQ_MODULUS:
            pytest.fail(f"seq {seq:06d} followed seq {previous:06d}")
        wrapped = wrapped or seq == 0
        previous = seq


# == PS-2: publishing with no subscriber, and past a slow one ===============

NO_SUBSCRIBER_COUNT = 20_000  # 20 times a pipe's default high-water mark: a publisher that waited would never finish
NO_SUBSCRIBER_TIMEOUT = 10.0  # the reference takes about 0.2 s
STREAM_ADVANCE = 200_000  # measured: a stuck subscriber holds ~10k small updates over tcp, ~300 over ipc


@pytest.mark.spec("PS-2")
@pytest.mark.parametrize("peer", ["nobody-connected", "connecting-to-nobody"])
def test_weather_pub_publishes_its_whole_count_with_no_subscriber(nodes, endpoints, offered_transports, peer):
    """With no subscriber at all (bound and alone, or connecting to an endpoint nobody has bound),
    the publisher publishes all --count updates and exits 0: it never waits for a subscriber."""
    args = []
    if peer == "connecting-to-nobody":
        require_transport("ipc", offered_transports)  # a path nobody binds; a free tcp port could be taken meanwhile
        args = ["--connect", endpoints.bindable("ipc")]
    publisher = nodes.start("weather-pub", "--count", str(NO_SUBSCRIBER_COUNT), *args)
    assert publisher.wait_exit(timeout=NO_SUBSCRIBER_TIMEOUT) == 0, f"{publisher.name} failed: {publisher.stderr}"


@pytest.mark.spec("PS-2")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_weather_pub_keeps_publishing_past_a_subscriber_that_never_reads(nodes, driver, observers, endpoints, transport):
    """A subscriber that takes one update and then reads nothing (tiny queues on both sides)
    does not hold the publisher up: the stream goes on far past what its queues can hold."""
    publisher = nodes.start("weather-pub", "--sndhwm", "10", "--bind", endpoints.bindable(transport))
    endpoint = publisher.endpoint("pub")
    stuck = sub_socket(driver, endpoint, b"", rcvhwm=1)
    first = seq_of(one(stuck, "a first update to the stuck subscriber"))

    watcher = observer(observers, endpoint, conflate=1)  # keeps only the newest update
    advanced, latest = 0, first
    while advanced < STREAM_ADVANCE:
        seq = seq_of(recv_within(
            watcher, RECV_TIMEOUT,
            f"a newer update (the stream had gone {advanced} updates past seq {first:06d}, the stuck subscriber's)",
        )[0])
        advanced += (seq - latest) % SEQ_MODULUS
        latest = seq
    assert publisher.running, f"{publisher.name} stopped ({publisher.status()})"


# == PS-3 and PS-4: no subscription, and the empty subscription ==============

@pytest.mark.spec("PS-3")
@pytest.mark.spec("PS-4")
def test_sub_without_a_subscription_receives_nothing_while_an_empty_filter_receives_everything(nodes, driver):
    """A SUB socket with no subscription receives nothing, while a SUB with the empty
    subscription on the same publisher receives every update in the same window."""
    publisher = nodes.start("weather-pub", "--rate", "2000")
    silent = driver.socket("SUB")
    silent.connect(publisher.endpoint("pub"))
    everything = driver.socket("SUB")
    everything.connect(publisher.endpoint("pub"))
    everything.subscribe(b"")

    proof = [everything.recv_one() for _ in range(PROOF_MESSAGES)]
    seqs = [seq_of(update) for update in proof]
    assert seqs == list(range(seqs[0], seqs[0] + PROOF_MESSAGES)), f"the empty filter missed updates: {seqs}"

    with pytest.raises(DriverError) as nothing:
        silent.recv(timeout=0)
    assert nothing.value.errno == "EAGAIN", f"a SUB with no subscription received {nothing.value}"

    silent.subscribe(b"")
    assert silent.recv_one(), "the silent SUB was connected all along: subscribing makes updates arrive"


@pytest.mark.spec("PS-3")
@pytest.mark.parametrize("history", ["never-subscribed", "unsubscribed-before-connecting"])
@pytest.mark.parametrize("transport", LOCAL_TRANSPORTS)
def test_a_sub_without_a_subscription_gets_none_of_what_a_subscribed_peer_gets(nodes, driver, endpoints,
                                                                                 transport, history):
    """Of messages a subscribed SUB demonstrably receives, a SUB connected to the same publisher
    without a subscription (never made, or made and cancelled) receives none."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    subscribers = subscriber_driver(nodes, driver, transport)
    listener = sub_socket(subscribers, endpoint, b"")
    silent = subscribers.socket("SUB")
    if history == "unsubscribed-before-connecting":
        silent.subscribe(b"m")
        silent.unsubscribe(b"m")
    silent.connect(endpoint)
    assert synchronise(pub, [listener], b"sync")[listener] == []

    data = [b"m %02d" % n for n in range(20)]
    for m in data:
        pub.send(m)
    assert receive(listener, len(data), "a message to the subscribed SUB") == data

    assert nothing_more(pub, silent) == [], "a SUB with no subscription received messages"


@pytest.mark.spec("PS-4")
@pytest.mark.parametrize("transport", LOCAL_TRANSPORTS)
def test_the_empty_subscription_receives_every_message_whatever_its_first_bytes(nodes, driver, endpoints, transport):
    """A SUB subscribed to the empty prefix receives every message, in order: empty ones, ones
    starting with 0x00 or 0x01 (a subscription's first byte), non-ASCII, large and multipart ones."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    sub = sub_socket(subscriber_driver(nodes, driver, transport), endpoint, b"")
    assert synchronise(pub, [sub], b"sync")[sub] == []

    sent = [b"", b"\x00", b"\x01A", b"\x00A", "서울".encode(), b"\xff\xfe", b"x" * 100_000, (b"multi", b"part")]
    for m in sent:
        pub.send(*(m if isinstance(m, tuple) else (m,)))

    assert synchronise(pub, [sub], b"sync")[sub] == sent


# == PS-5: a subscription is a byte prefix ===================================

PREFIX_SAMPLE = 300


@pytest.mark.spec("PS-5")
@pytest.mark.parametrize(("zip_range", "prefix", "expected"), [
    pytest.param((9995, 10015), "1000", set(range(10000, 10010)), id="1000-gets-10000-to-10009"),
    pytest.param((9995, 10015), "10001", {10001}, id="10001-gets-only-10001"),
    pytest.param((1, 20), "0001", set(range(10, 20)), id="0001-is-not-a-substring-match"),
])
def test_a_subscription_matches_a_byte_prefix_of_the_update_not_a_field(nodes, driver, zip_range, prefix, expected):
    """A subscription matches updates whose bytes start with it: '1000' gets zipcodes 10000..10009
    (all of them), '10001' only 10001, and '0001' not 00001, which holds it only past the first byte."""
    publisher = nodes.start("weather-pub", "--rate", "20000", "--zip-min", str(zip_range[0]),
                            "--zip-max", str(zip_range[1]))
    sub = sub_socket(driver, publisher.endpoint("pub"), prefix)

    updates = receive(sub, PREFIX_SAMPLE, f"an update matching {prefix!r}")

    seen = Counter(parse_update(u)[0] for u in updates)
    strangers = sorted(set(seen) - expected)
    assert not strangers, f"subscribed to {prefix!r}, received zipcodes {strangers} ({seen})"
    assert set(seen) == expected, f"subscribed to {prefix!r}, never received {sorted(expected - set(seen))}"


@pytest.mark.spec("PS-5")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_a_text_subscription_is_its_utf8_bytes_and_matches_bytes_not_characters(nodes, driver, endpoints, transport):
    """A subscription given as text (setsockopt_string) is its UTF-8 bytes: '서울' receives '서울...'
    and '서울시...' but not '서귀포...' nor '서울' in EUC-KR or UTF-16; the first two bytes of '서'
    receive every message starting with '서' in UTF-8, whatever follows."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    subscribers = nodes.driver(label="subscribers")
    seoul = subscribers.socket("SUB")
    seoul.subscribe_text("서울")
    seoul.connect(endpoint)
    half_char = sub_socket(subscribers, endpoint, "서".encode()[:2])
    topic = "서울 sync".encode()
    assert synchronise(pub, [seoul, half_char], topic) == {seoul: [], half_char: []}

    sent = ["서울 1".encode(), "서귀포 2".encode(), "서울".encode("euc-kr") + b" 3",
            "서울".encode("utf-16-le") + b" 4", "서울시 5".encode(), "울 6".encode()]
    for m in sent:
        pub.send(m)

    got = synchronise(pub, [seoul, half_char], topic)
    assert got[seoul] == ["서울 1".encode(), "서울시 5".encode()], f"subscribed to '서울': {got[seoul]}"
    assert got[half_char] == ["서울 1".encode(), "서귀포 2".encode(), "서울시 5".encode()], \
        f"subscribed to {'서'.encode()[:2]!r}: {got[half_char]}"


# == PS-6: the weather subscriber ============================================

RECEIVED_LINE = re.compile(r"^RECEIVED: (.*)$")
WEATHER_SUB_COUNT = 50


def weather_sub_report(sub) -> tuple[list[str], str]:
    """The updates a finished weather-sub printed, and its last line; checks there is nothing else."""
    lines = sub.output.splitlines()
    assert len(lines) == WEATHER_SUB_COUNT + 1, \
        f"weather-sub printed {len(lines)} lines, not {WEATHER_SUB_COUNT} RECEIVED lines and the average"
    received = []
    for line in lines[:-1]:
        match = RECEIVED_LINE.match(line)
        assert match, f"not a 'RECEIVED: {{msg}}' line: {line!r}"
        received.append(match.group(1))
    return received, lines[-1]


def average_line(zipcode: str, temps: list[int]) -> str:
    return f"AVERAGE TEMPERATURE FOR {zipcode}: {sum(temps) / len(temps):+.2f}"


@pytest.mark.spec("PS-6")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_weather_sub_averages_exactly_50_updates_for_zipcode_10001_by_default(nodes, endpoints, transport):
    """weather-sub with no filter subscribes to 10001, prints 'RECEIVED: {msg}' for 50 updates,
    all for 10001, then the mean of exactly those 50 temperatures, and exits 0."""
    publisher = nodes.start("weather-pub", "--rate", "20000", "--zip-min", "10000", "--zip-max", "10002",
                            "--bind", endpoints.bindable(transport))
    sub = nodes.start("weather-sub", "--connect", publisher.endpoint("pub"))

    assert sub.wait_exit(timeout=EXIT_TIMEOUT) == 0, f"weather-sub failed: {sub.stderr}"

    received, last = weather_sub_report(sub)
    updates = [parse_update(text.encode()) for text in received]
    others = [text for text, u in zip(received, updates) if u[0] != 10001]
    assert not others, f"weather-sub with the default filter printed updates for other zipcodes: {others}"
    assert last == average_line("10001", [u[1] for u in updates])


@pytest.mark.spec("PS-6")
@pytest.mark.spec("PS-8")
@pytest.mark.parametrize(("args", "prefix", "zipcodes"), [
    pytest.param([], "10001", ["10001"], id="default-10001"),
    pytest.param(["--filter", "1000"], "1000", [f"1000{d}" for d in range(10)], id="prefix-1000"),
    pytest.param(["--filter", "서울"], "서울", ["서울"], marks=pytest.mark.spec("PS-5"), id="utf8-서울"),
])
def test_weather_sub_subscribes_to_its_filter_and_averages_the_first_50_updates(nodes, observers, endpoints,
                                                                                 args, prefix, zipcodes):
    """weather-sub sends its filter as '\\x01' + the filter's UTF-8 bytes, prints the first 50 updates
    it is sent, then 'AVERAGE TEMPERATURE FOR {zipcode of the last}: {mean:+.2f}' of exactly those 50."""
    xpub, endpoint = wire_xpub(observers, endpoints, "tcp")
    sub = nodes.start("weather-sub", "--connect", endpoint, *args)
    subscription = recv_within(xpub, RECV_TIMEOUT, "weather-sub's subscription")
    assert subscription == [b"\x01" + prefix.encode("utf-8")], f"weather-sub subscribed with {subscription!r}"

    rng = random.Random(prefix)
    sent = [(zipcodes[n % len(zipcodes)], rng.randrange(-80, 135), rng.randrange(10, 60), n)
            for n in range(WEATHER_SUB_COUNT)]
    beyond = [(zipcodes[0], 134, 59, WEATHER_SUB_COUNT + n) for n in range(10)]  # not part of the average
    for update in sent + beyond:
        xpub.send(weather_update(*update))

    assert sub.wait_exit(timeout=EXIT_TIMEOUT) == 0, f"weather-sub failed: {sub.stderr}"
    received, last = weather_sub_report(sub)
    assert received == [weather_update(*u).decode() for u in sent]
    assert last == average_line(sent[-1][0], [u[1] for u in sent])


# == PS-7: subscriptions add up ==============================================

@pytest.mark.spec("PS-7")
@pytest.mark.parametrize("unsubscribes", [1, 2])
@pytest.mark.parametrize("transport", LOCAL_TRANSPORTS)
def test_subscriptions_add_up_and_each_unsubscribe_removes_one(nodes, driver, endpoints, transport, unsubscribes):
    """A SUB subscribed to 'A' twice still receives 'A...' after one unsubscribe, and stops after
    a second; its other subscription ('B') is untouched either way."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    sub = sub_socket(subscriber_driver(nodes, driver, transport), endpoint)
    for prefix in (b"A", b"A", b"B"):
        sub.subscribe(prefix)
    for _ in range(unsubscribes):
        sub.unsubscribe(b"A")
    sub.subscribe(b"sync")
    assert synchronise(pub, [sub], b"sync")[sub] == []

    for m in (b"A 1", b"B 1", b"C 1"):
        pub.send(m)

    expected = [b"A 1", b"B 1"] if unsubscribes < 2 else [b"B 1"]
    got = synchronise(pub, [sub], b"sync")[sub]
    assert got == expected, f"subscribed to A twice and B once, unsubscribed A {unsubscribes} times: got {got}"


@pytest.mark.spec("PS-7")
@pytest.mark.spec("PS-14")
@pytest.mark.spec("PS-9")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_a_message_matching_several_subscriptions_arrives_once(nodes, driver, endpoints, transport):
    """Subscribing to 'A' and '' is the same as subscribing to '' alone (ZMTP 23): a message
    matching both arrives once; dropping '' leaves 'A' in force."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    sub = sub_socket(nodes.driver(label="subscriber"), endpoint, b"A", b"", b"A")
    assert synchronise(pub, [sub], b"sync")[sub] == []

    for m in (b"A 1", b"B 1"):
        pub.send(m)
    assert synchronise(pub, [sub], b"sync")[sub] == [b"A 1", b"B 1"]

    sub.unsubscribe(b"")
    sub.subscribe(b"sync2")
    assert synchronise(pub, [sub], b"sync2")[sub] == []
    for m in (b"A 2", b"B 2"):
        pub.send(m)
    got = synchronise(pub, [sub], b"sync2")[sub]
    assert got == [b"A 2"], f"after unsubscribing '' (still subscribed to A twice): got {got}"


# == PS-8: what crosses the wire =============================================

@pytest.mark.spec("PS-8")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_a_subscription_crosses_the_wire_as_1_and_an_unsubscribe_as_0_plus_the_prefix(driver, observers, endpoints,
                                                                                       transport):
    """Each subscribe reaches the publisher as '\\x01' + prefix and each unsubscribe (of a prefix
    subscribed once) as '\\x00' + prefix, the prefix's bytes unchanged."""
    xpub, endpoint = wire_xpub(observers, endpoints, transport)
    sub = driver.socket("SUB")
    sub.connect(endpoint)

    for action, prefix, wire in [
        (sub.subscribe, b"abc", b"\x01abc"),
        (sub.subscribe, b"", b"\x01"),
        (sub.subscribe, b"\x00\xff", b"\x01\x00\xff"),
        (sub.unsubscribe, b"abc", b"\x00abc"),
        (sub.unsubscribe, b"\x00\xff", b"\x00\x00\xff"),
        (sub.unsubscribe, b"", b"\x00"),
    ]:
        action(prefix)
        got = recv_within(xpub, RECV_TIMEOUT, f"the {action.__name__} of {prefix!r}")
        assert got == [wire], f"{action.__name__}({prefix!r}) crossed the wire as {got!r}, not {wire!r}"


@pytest.mark.spec("PS-13")
@pytest.mark.spec("PS-8")
def test_subscriptions_made_before_connecting_are_sent_when_the_connection_is_made(driver, observers, endpoints):
    """A SUB that subscribes and then connects sends each subscription it holds to the new publisher."""
    xpub, endpoint = wire_xpub(observers, endpoints, "tcp")
    sub = driver.socket("SUB")
    sub.subscribe(b"abc")
    sub.subscribe(b"xyz")
    sub.connect(endpoint)

    got = {recv_within(xpub, RECV_TIMEOUT, f"subscription {n + 1} of 2")[0] for n in range(2)}
    assert got == {b"\x01abc", b"\x01xyz"}, f"the publisher was sent {got}"


@pytest.mark.spec("PS-8")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_the_publisher_sends_only_matching_messages_over_the_wire(driver, observers, endpoints, transport):
    """A PUB sends a subscriber only the messages matching its subscriptions: a raw XSUB (which
    does not filter) subscribed to 'A' sees the 'A' messages, and no 'B' message ever crosses;
    after '\\x00A' and '\\x01C', only 'C' messages do."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    wire = observers.socket(zmq.XSUB)
    wire.connect(endpoint)
    wire.send(b"\x01A")
    assert synchronise(pub, [wire], b"A sync")[wire] == []

    for n in range(20):
        pub.send(b"B %d" % n)
        pub.send(b"A %d" % n)
    got = synchronise(pub, [wire], b"A sync")[wire]
    assert got == [b"A %d" % n for n in range(20)], f"subscribed to A, the wire carried {got}"

    wire.send(b"\x00A")
    wire.send(b"\x01C")
    assert synchronise(pub, [wire], b"C sync")[wire] == []
    for n in range(20):
        pub.send(b"A %d" % n)
        pub.send(b"C %d" % n)
    got = synchronise(pub, [wire], b"C sync")[wire]
    assert got == [b"C %d" % n for n in range(20)], f"unsubscribed from A, subscribed to C: the wire carried {got}"


@pytest.mark.spec("PS-8")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_weather_pub_sends_only_the_subscribed_zipcode_over_the_wire(nodes, observers, endpoints, transport):
    """weather-pub filters before sending: a raw XSUB subscribed to '10001' is sent only 10001's updates."""
    publisher = nodes.start("weather-pub", "--rate", "20000", "--zip-min", "10000", "--zip-max", "10002",
                            "--bind", endpoints.bindable(transport))
    wire = observers.socket(zmq.XSUB)
    wire.connect(publisher.endpoint("pub"))
    wire.send(b"\x0110001")

    updates = [recv_within(wire, RECV_TIMEOUT, f"update {n} for 10001")[0] for n in range(PREFIX_SAMPLE)]
    strangers = [u for u in updates if parse_update(u)[0] != 10001]
    assert not strangers, f"subscribed to 10001, the wire carried {strangers[:5]} ({len(strangers)} in all)"


# == PS-9: fan-out ============================================================

FAN_OUT_MESSAGES = 300
FAN_OUT_END = b"n 00 end"


@pytest.mark.spec("PS-9")
@pytest.mark.parametrize("transport", LOCAL_TRANSPORTS)
def test_every_matching_subscriber_gets_every_message_in_order_once(nodes, driver, endpoints, transport):
    """Four SUBs ('', 'n', 'n' again, 'n 00') each receive exactly the published messages their
    filter matches, in publish order, with no duplicates, and nothing after the last."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    subscribers = subscriber_driver(nodes, driver, transport)
    filters = [b"", b"n", b"n", b"n 00"]
    subs = [sub_socket(subscribers, endpoint, prefix) for prefix in filters]
    assert all(not got for got in synchronise(pub, subs, b"n 00 sync").values())

    published = [b"n %04d" % n for n in range(FAN_OUT_MESSAGES)] + [FAN_OUT_END]
    for m in published:
        pub.send(m)

    for sub, prefix in zip(subs, filters):
        expected = [m for m in published if m.startswith(prefix)]
        got = receive(sub, len(expected), f"a message matching {prefix!r}")
        assert got == expected, f"the SUB subscribed to {prefix!r} received {got[:5]}... not {expected[:5]}..."
    for sub, prefix in zip(subs, filters):
        assert nothing_more(pub, sub) == [], f"the SUB subscribed to {prefix!r} received more"


# == PS-10: the slow joiner ===================================================

@pytest.mark.spec("PS-10")
@pytest.mark.parametrize("joins", ["connects-late", "subscribes-late"])
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_a_late_subscriber_loses_what_was_published_before_it_joined(nodes, driver, endpoints, transport, joins):
    """Messages published before a SUB has connected and subscribed, which an earlier subscriber did
    receive, are lost to it: nothing is replayed, and it gets what is published afterwards."""
    pub, endpoint = bound_pub(driver, endpoints, transport)
    subscribers = nodes.driver(label="subscribers")
    early = sub_socket(subscribers, endpoint, b"")
    late = subscribers.socket("SUB")
    if joins == "subscribes-late":
        late.connect(endpoint)
    assert synchronise(pub, [early], b"sync")[early] == []

    before = [b"m %03d" % n for n in range(100)]
    for m in before:
        pub.send(m)
    assert receive(early, len(before), "a message published before the late joiner") == before

    late.subscribe(b"")
    if joins == "connects-late":
        late.connect(endpoint)
    got = synchronise(pub, [early, late], b"sync")
    assert got[late] == [], f"the late subscriber was replayed {len(got[late])} earlier messages: {got[late][:5]}"
    assert got[early] == []

    after = [b"m %03d" % n for n in range(100, 200)]
    for m in after:
        pub.send(m)
    for sub in (early, late):
        assert receive(sub, len(after), "a message published after the late joiner joined") == after


# == PS-11: the seed's fix, synchronised start ================================

SYNC_COUNT = 20_000  # more than a default high-water mark of 1000


@pytest.mark.spec("PS-11")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_sync_pub_waits_for_its_subscribers_and_none_loses_an_update(nodes, endpoints, transport):
    """sync-pub started for 3 subscribers that join one after another publishes once all three
    have reported in: each prints 'RECEIVED 20000 UPDATES', sync-pub 'PUBLISHED 20000 UPDATES'."""
    publisher = nodes.start("sync-pub", "--subscribers", "3", "--count", str(SYNC_COUNT),
                            "--bind", endpoints.bindable(transport), "--sync-bind", endpoints.bindable(transport))
    subs = [nodes.start("sync-sub", "--connect", publisher.endpoint("pub"),
                        "--sync-connect", publisher.endpoint("sync")) for _ in range(3)]

    for sub in subs:
        assert sub.wait_exit(timeout=EXIT_TIMEOUT) == 0, f"{sub.name} failed: {sub.stderr}"
        counts = re.findall(r"^RECEIVED (\d+) UPDATES$", sub.output, re.MULTILINE)
        assert counts == [str(SYNC_COUNT)], f"{sub.name} printed {counts} as its count, not {SYNC_COUNT}"
    assert publisher.wait_exit(timeout=EXIT_TIMEOUT) == 0, f"sync-pub failed: {publisher.stderr}"
    assert re.search(rf"^PUBLISHED {SYNC_COUNT} UPDATES$", publisher.output, re.MULTILINE), \
        f"sync-pub did not print 'PUBLISHED {SYNC_COUNT} UPDATES'"


# == PS-12: the high-water mark ===============================================

HWM_SEND, HWM_RECEIVE = 100, 10
PAYLOAD = 32 * 1024
BURST = 1000
# What the kernel holds for a subscriber that reads nothing, beyond both high-water marks
# (measured with 32 KiB messages: about 3 MiB over loopback tcp, under 0.2 MiB over ipc).
KERNEL_SLACK = {"tcp": 8 << 20, "ipc": 1 << 20}


@pytest.mark.spec("PS-12")
@pytest.mark.spec("PS-2")
@pytest.mark.parametrize("transport", WIRE_TRANSPORTS)
def test_the_publisher_drops_a_full_subscribers_messages_and_keeps_going(nodes, driver, endpoints, transport):
    """With a subscriber that reads nothing, a PUB never blocks: another subscriber gets all 1000
    messages in order, while the stuck one keeps only what its queues hold (RFC 29: "SHALL silently
    drop the message if the queue for a subscriber is full", "SHALL NOT block on sending")."""
    pub, endpoint = bound_pub(driver, endpoints, transport, sndhwm=HWM_SEND)
    subscribers = nodes.driver(label="subscribers")
    stuck = sub_socket(subscribers, endpoint, b"m", b"s", b"t", rcvhwm=HWM_RECEIVE)
    assert synchronise(pub, [stuck], b"s")[stuck] == []
    witness = sub_socket(subscribers, endpoint, b"")
    assert synchronise(pub, [witness], b"w")[witness] == []

    padding = b"." * PAYLOAD
    for n in range(BURST):
        data = b"m%06d" % n + padding
        try:
            pub.send(data)
            blocked = None
        except DriverError as exc:
            blocked = exc.errno
        if blocked:
            pytest.fail(f"the PUB blocked on message {n} of {BURST} ({blocked}): it must drop, not block")
        got = one(witness, f"message {n} to the subscriber that reads")
        assert got == data, f"the reading subscriber got {got[:8]!r}... where message {n} was due"
    pub.send(b"end")
    assert one(witness, "the end of the burst") == b"end"

    kept = []
    deadline = Deadline(SUBSCRIPTION_DEADLINE)
    while True:  # drain the stuck SUB; a 't' published once it has room arrives after all it kept
        assert not deadline.passed(), f"no 't' marker after the {len(kept)} messages the stuck SUB kept"
        if not has_input(stuck, MARKER_INTERVAL):
            pub.send(b"t")
            continue
        got = one(stuck, "a message the stuck subscriber kept")
        if got == b"t":
            break
        kept.append(int(got[1:7]))

    limit = HWM_SEND + HWM_RECEIVE + KERNEL_SLACK[transport] // PAYLOAD
    assert kept and kept[0] == 0, f"the stuck subscriber's queue was empty, yet the burst did not start it: {kept[:5]}"
    assert kept == sorted(set(kept)), f"the stuck subscriber got messages out of order or twice: {kept}"
    assert len(kept) <= limit, \
        f"the stuck subscriber kept {len(kept)} of {BURST} messages, more than its queues hold (about {limit})"
