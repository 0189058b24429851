"""weather-sub: averages the temperature of N updates matching one zipcode prefix (PS-6)."""

import zmq

from aionode import node


def main(argv: list[str]) -> int:
    p = node.options("weather-sub", __doc__)
    node.endpoint_options(p, "sub", main=True)
    p.add_argument("--filter", default="10001", help="zipcode prefix (default 10001)")
    p.add_argument("--count", type=node.positive, default=50, help="updates to average (default 50)")
    return node.run("weather-sub", average, p.parse_args(argv))


async def average(n: node.Node, args) -> None:
    sub = n.socket(zmq.SUB)
    bound = n.attach(sub, args.sub_bind, args.sub_connect)
    sub.setsockopt_string(zmq.SUBSCRIBE, args.filter)
    n.ready(sub=bound)
    temps, zipcode = [], ""
    while len(temps) < args.count:
        text = node.shown(await sub.recv())
        node.say(f"RECEIVED: {text}")
        try:
            zipcode, temp = text.split()[0], int(text.split()[1])
        except (IndexError, ValueError):
            raise node.Failure(f"not a weather update: {text!r}") from None
        temps.append(temp)
    node.say(f"AVERAGE TEMPERATURE FOR {zipcode}: {sum(temps) / len(temps):+.2f}")
