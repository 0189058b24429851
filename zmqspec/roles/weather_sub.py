"""weather-sub: the seed's weather subscriber (catalogue PS-6).

Subscribes with a zipcode prefix (default ``10001``), prints
``RECEIVED: {msg}`` for each of 50 updates, then
``AVERAGE TEMPERATURE FOR {zipcode}: {avg:+.2f}`` (zipcode as the last
update gave it; avg the mean temperature of exactly those updates), and
exits 0. A message that is not an update (one frame, four fields
``zipcode temp hum seq``, the last three integers) is skipped with one line on
stderr: neither printed nor counted.
"""

from __future__ import annotations

import re

from zmqspec.roles import _kit

ROLE = "weather-sub"
UPDATE = re.compile(r"\s*(\S+)\s+([+-]?[0-9]+)\s+[+-]?[0-9]+\s+[0-9]+\s*")


def main(argv: list[str]) -> int:
    args = _kit.parse(ROLE, __doc__, argv)
    return _kit.run(ROLE, lambda: average(args))


def average(args) -> int:
    import zmq

    ctx = _kit.context(args)
    sock = ctx.socket(zmq.SUB)
    bound = _kit.attach_socket(sock, args, ROLE, "sub")
    sock.setsockopt_string(zmq.SUBSCRIBE, args.filter)
    _kit.ready(sub=bound)
    _kit.quit_on_stdin_eof()
    total_temp = 0
    zipcode = ""
    counted = 0
    while counted < args.count:
        frames = sock.recv_multipart()
        msg = frames[0].decode("utf-8", "backslashreplace")
        update = UPDATE.fullmatch(msg) if len(frames) == 1 else None
        if update is None:
            what = f"{len(frames)} frames" if len(frames) > 1 else repr(msg[:40])
            _kit.warn(ROLE, f"skipping a message that is not a weather update 'zipcode temp hum seq': {what}")
            continue
        _kit.say(f"RECEIVED: {msg}")
        zipcode, temp = update.group(1), int(update.group(2))
        total_temp += temp
        counted += 1
    _kit.say(f"AVERAGE TEMPERATURE FOR {zipcode}: {total_temp / args.count:+.2f}")
    return 0
