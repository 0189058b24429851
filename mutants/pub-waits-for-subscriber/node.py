"""Mutant weather-pub: publishes nothing until a first subscription arrives.

The bug: a publisher that "avoids losing updates" by holding an XPUB and
blocking on the first subscription message before it starts. Caught by
PS-2 (the publisher never waits for subscribers) and PS-29 (with ``--count`` and nobody
subscribed it never ends). Not by PS-16: a subscriber that reconnects to the publisher that came
back sends its subscription again, which is all this publisher waits for. (It used to ignore
``--rate``, and PS-16 caught that, not the bug, in 1 run of 2.)
"""

import random
import sys
import time

from zmqspec.roles import _kit
from zmqspec.roles import weather_pub


def publish(args) -> int:
    import zmq

    sock = _kit.context(args).socket(zmq.XPUB)
    if args.sndhwm is not None:
        sock.sndhwm = args.sndhwm
    bound = _kit.attach(sock, args.bind, args.connect, _kit.DEFAULT_BIND)
    _kit.ready(pub=bound)
    _kit.quit_on_stdin_eof()
    sock.recv()  # the bug: wait for a subscriber
    rng = random.Random(args.seed)
    period = 1.0 / args.rate if args.rate else 0.0
    next_at = time.monotonic()
    seq, sent = args.first_seq % weather_pub.SEQ_MODULUS, 0
    while not args.count or sent < args.count:
        sock.send(weather_pub.update(rng, seq, args.zip_min, args.zip_max).encode())
        seq, sent = (seq + 1) % weather_pub.SEQ_MODULUS, sent + 1
        if period:  # --rate as the reference keeps it: the bug is the wait above, nothing else
            next_at += period
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    return 0


weather_pub.publish = publish

if __name__ == "__main__":
    sys.exit(weather_pub.main(sys.argv[1:]))
