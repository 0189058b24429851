"""weather-pub: publishes weather updates on a PUB socket, whoever listens (PS-1, PS-2)."""

import random
import time

import pyomq as zmq

from omqnode import node
from omqnode.weather import SEQ_WRAP, update


def main(argv: list[str]) -> int:
    p = node.options("weather-pub", __doc__)
    node.endpoint_options(p, "pub", main=True)
    p.add_argument("--count", type=node.count, default=0, help="updates to publish (default 0: forever)")
    p.add_argument("--rate", type=node.count, default=0, help="at most this many a second (default 0: no limit)")
    p.add_argument("--zip-min", type=node.ranged(1, 99999), default=1)
    p.add_argument("--zip-max", type=node.ranged(1, 99999), default=99999)
    p.add_argument("--first-seq", type=node.ranged(0, 999999), default=0)
    p.add_argument("--seed", type=node.seed, default=None)
    p.add_argument("--sndhwm", type=node.count, default=None)
    args = p.parse_args(argv)
    if not 1 <= args.zip_min <= args.zip_max <= 99999:
        p.error(f"zipcodes must satisfy 1 <= --zip-min <= --zip-max <= 99999, got {args.zip_min}..{args.zip_max}")
    return node.run("weather-pub", publish, args)


def publish(n: node.Node, args) -> None:
    pub = n.socket(zmq.PUB)
    if args.sndhwm is not None:
        pub.setsockopt(zmq.SNDHWM, args.sndhwm)
    n.ready(pub=n.attach(pub, args.pub_bind, args.pub_connect))
    rng = random.Random(args.seed)
    interval = 1 / args.rate if args.rate else 0.0
    due = time.monotonic()
    sent = 0
    while args.count == 0 or sent < args.count:
        pub.send(update(rng, (args.first_seq + sent) % SEQ_WRAP, args.zip_min, args.zip_max))
        sent += 1
        if interval:
            due += interval
            time.sleep(max(0.0, due - time.monotonic()))
