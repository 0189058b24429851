"""PS-7 on libzmq 4.3.3 to 4.3.5: a SUB's unsubscribe whose prefix starts with byte 0x01 is taken
as a subscribe. pyzmq only, one SUB and one XPUB over tcp loopback per case.

Since libzmq commit 253e9dd2 (first in 4.3.3), sub_t::xsetsockopt makes ZMQ_UNSUBSCRIBE a CANCEL
command message whose body is the prefix; xsub_t::xsend (src/xsub.cpp) first asks
"is_subscribe () || (size > 0 && *data == 1)", and a CANCEL whose prefix starts with 0x01
passes that test. So the SUB adds the prefix without its first byte to its own filter, and still
sends the CANCEL upstream. zmq_setsockopt(3) on ZMQ_UNSUBSCRIBE: it "shall remove an existing
message filter", one instance of it when there are several (RFC 29 counts subscriptions too).

  hidden     unsubscribe b'\\x01x' (never subscribed), then subscribe b'x' and unsubscribe it
             once: nothing is subscribed, yet b'x-message' arrives (the SUB's own filter holds
             b'x' once; the XPUB never heard of it until the subscribe, and hears no unsubscribe)
  counted    subscribe b'\\x01' twice, unsubscribe it once: b'\\x01' must still arrive; the SUB
             sends CANCEL b'\\x01' upstream, the XPUB drops the subscription, nothing arrives
  control    the same with b'\\x02': ok (only a first byte 0x01 misleads xsub_t::xsend)

The fuzz tests met it as a flaky failure (zmqspec/spec/test_fuzz_filters.py, text prefixes
such as '\\x01'): the hidden subscription outlived its example unseen, behind the XPUB's filter.

Prints one line per case, "ok: ..." or "DEVIATION: ...", and exits 1 when any case deviates.
usage: python implementations/repro/sub_unsubscribe_0x01.py
"""
import sys

import zmq

WAIT_MS = 5000


def pair(ctx):
    xpub, sub = ctx.socket(zmq.XPUB), ctx.socket(zmq.SUB)
    for sock in (xpub, sub):
        sock.linger = 0
    xpub.bind("tcp://127.0.0.1:*")
    sub.connect(xpub.getsockopt_string(zmq.LAST_ENDPOINT))
    return xpub, sub


def settle(xpub, sub, token: bytes) -> list[bytes]:
    """Subscribe ``token`` and return what the XPUB passed on up to it: subscriptions travel in
    order, so every change made before is in."""
    sub.setsockopt(zmq.SUBSCRIBE, token)
    heard = []
    while True:
        if not xpub.poll(WAIT_MS):
            sys.exit(f"error: the SUB's subscription to {token!r} did not reach the XPUB in {WAIT_MS} ms")
        heard.append(xpub.recv())
        if heard[-1] == b"\x01" + token:
            return heard


def deliver(xpub, sub, message: bytes, token: bytes) -> list[bytes]:
    """Publish ``message`` then the sentinel ``token``; return what the SUB received before it."""
    xpub.send(message)
    xpub.send(token)
    got = []
    while True:
        if not sub.poll(WAIT_MS):
            sys.exit(f"error: the sentinel {token!r} did not reach the SUB in {WAIT_MS} ms")
        frame = sub.recv()
        if frame == token:
            return got
        got.append(frame)


def case(name: str, changes: list[tuple[int, bytes]], message: bytes, expected: list[bytes]) -> bool:
    ctx = zmq.Context()
    try:
        xpub, sub = pair(ctx)
        for option, prefix in changes:
            sub.setsockopt(option, prefix)
        heard = settle(xpub, sub, b"token")
        got = deliver(xpub, sub, message, b"token")
    finally:
        ctx.destroy(linger=0)
    said = " then ".join(f"{'subscribe' if o == zmq.SUBSCRIBE else 'unsubscribe'} {p!r}" for o, p in changes)
    verdict = "ok" if got == expected else "DEVIATION"
    print(f"{verdict}: {name}: {said}; {message!r} published: received {got!r}, the rule says {expected!r}; "
          f"the XPUB heard {heard!r}")
    return got == expected


def main() -> int:
    print(f"pyzmq {zmq.pyzmq_version()}, libzmq {zmq.zmq_version()}")
    sub, unsub = zmq.SUBSCRIBE, zmq.UNSUBSCRIBE
    results = [
        case("hidden", [(unsub, b"\x01x"), (sub, b"x"), (unsub, b"x")], b"x-message", []),
        case("counted", [(sub, b"\x01"), (sub, b"\x01"), (unsub, b"\x01")], b"\x01", [b"\x01"]),
        case("control", [(sub, b"\x02"), (sub, b"\x02"), (unsub, b"\x02")], b"\x02", [b"\x02"]),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
