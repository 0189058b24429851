"""weather-pub: the seed's weather publisher (catalogue PS-1, PS-2).

Publishes ``f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}"`` with zipcode in
1..99999, temperature in -80..134, humidity in 10..59; seq counts up from 0
and wraps to 0 after 999999. It never waits for subscribers: what nobody
subscribed to is dropped by the PUB socket, and the stream goes on.
"""

from __future__ import annotations

import random
import time

from zmqspec.roles import _kit

ROLE = "weather-pub"
SEQ_MODULUS = 1_000_000


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: publish(args))


def update(rng: random.Random, seq: int, zip_min: int, zip_max: int) -> str:
    zipcode = rng.randint(zip_min, zip_max)
    temp = rng.randrange(-80, 135)
    hum = rng.randrange(10, 60)
    return f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}"


def publish(args) -> int:
    import zmq

    sock = _kit.context(args).socket(zmq.PUB)
    if args.sndhwm is not None:
        sock.sndhwm = args.sndhwm
    bound = _kit.attach_socket(sock, args, ROLE, "pub")
    _kit.ready(pub=bound)
    _kit.quit_on_stdin_eof()
    rng = random.Random(args.seed)
    period = 1.0 / args.rate if args.rate else 0.0
    next_at = time.monotonic()
    seq = args.first_seq % SEQ_MODULUS
    sent = 0
    while not args.count or sent < args.count:
        sock.send(update(rng, seq, args.zip_min, args.zip_max).encode())
        seq = (seq + 1) % SEQ_MODULUS
        sent += 1
        if period:
            next_at += period
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    return 0
