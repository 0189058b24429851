"""weather-sub: the seed's weather subscriber (catalogue PS-6).

Subscribes with a zipcode prefix (default ``10001``), prints
``RECEIVED: {msg}`` for each of 50 updates, then
``AVERAGE TEMPERATURE FOR {zipcode}: {avg:+.2f}`` (zipcode as the last
update gave it; avg the mean temperature of exactly those updates), and
exits 0.
"""

from __future__ import annotations

from zmqspec import _node

ROLE = "weather-sub"


def main(argv: list[str]) -> int:
    p = _node.parser(ROLE, __doc__)
    _node.endpoint_options(p, "SUB")
    p.add_argument("--filter", default="10001", help="the zipcode prefix to subscribe to (default 10001; '' for all)")
    p.add_argument("--count", type=_node.positive_int, default=50, help="how many updates to average (default 50)")
    args = p.parse_args(argv)
    return _node.run(ROLE, lambda: average(args))


def average(args) -> int:
    import zmq

    sock = _node.context().socket(zmq.SUB)
    bound = _node.attach(sock, args.bind, args.connect)
    sock.setsockopt_string(zmq.SUBSCRIBE, args.filter)
    _node.ready(sub=bound)
    _node.quit_on_stdin_eof()
    total_temp = 0
    zipcode = ""
    for _ in range(args.count):
        msg = sock.recv().decode("utf-8", "backslashreplace")
        _node.say(f"RECEIVED: {msg}")
        fields = msg.split()
        try:
            zipcode, temp = fields[0], int(fields[1])
        except (IndexError, ValueError):
            raise _node.NodeError(f"not a weather update: {msg!r}") from None
        total_temp += temp
    _node.say(f"AVERAGE TEMPERATURE FOR {zipcode}: {total_temp / args.count:+.2f}")
    return 0
