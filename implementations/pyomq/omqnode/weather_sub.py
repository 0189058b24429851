"""weather-sub: averages the temperature of N updates matching one zipcode prefix (PS-6).

A message that is not one frame ``zipcode temp hum seq`` (four fields, the last
three decimal integers) is skipped with one line on stderr: not printed, not
counted, not averaged (MI-7).
"""

import re

import pyomq as zmq

from omqnode import node

INTEGER = re.compile(r"[+-]?[0-9]+")


def main(argv: list[str]) -> int:
    p = node.options("weather-sub", __doc__)
    node.endpoint_options(p, "sub", main=True)
    p.add_argument("--filter", default="10001", help="zipcode prefix (default 10001)")
    p.add_argument("--count", type=node.positive, default=50, help="updates to average (default 50)")
    args = p.parse_args(argv)
    node.need_endpoints(p, args, ("sub", "--connect"))
    return node.run("weather-sub", average, args)


def zipcode_and_temperature(text: str) -> tuple[str, int] | None:
    """The zipcode and temperature of an update 'zipcode temp hum seq'; None if it is not one."""
    fields = text.split()
    if len(fields) != 4 or not all(INTEGER.fullmatch(f) for f in fields[1:]):
        return None
    return fields[0], int(fields[1])


def average(n: node.Node, args) -> None:
    sub = n.socket(zmq.SUB)
    bound = n.attach(sub, args.sub_bind, args.sub_connect)
    sub.subscribe(args.filter.encode())  # UTF-8 text; pyomq's setsockopt(SUBSCRIBE) is lost before a bind
    n.ready(sub=bound)
    temps, zipcode = [], ""
    while len(temps) < args.count:
        if (frame := n.one_frame(sub, "an update")) is None:
            continue
        text = node.shown(frame)
        if (update := zipcode_and_temperature(text)) is None:
            n.warn(f"skipping a message that is not an update 'zipcode temp hum seq': {node.excerpt(frame)}")
            continue
        node.say(f"RECEIVED: {text}")
        zipcode, temp = update
        temps.append(temp)
    node.say(f"AVERAGE TEMPERATURE FOR {zipcode}: {sum(temps) / len(temps):+.2f}")
