"""Mutant weather-sub: filters in the application, on the whole zipcode field.

The bug: it subscribes to everything and keeps an update only when its
first field equals --filter, so `1000` (a prefix of 10000..10009) matches
nothing, and every update crosses the wire. Everything else (skipping a
message that is not an update) is the reference's. Caught by PS-6 (a prefix
filter receives the updates it prefixes).
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import weather_sub


def average(args) -> int:
    import zmq

    ctx = _kit.context(args)
    sock = ctx.socket(zmq.SUB)
    bound = _kit.attach_socket(sock, args, weather_sub.ROLE, "sub")
    sock.subscribe(b"")
    _kit.ready(sub=bound)
    _kit.quit_on_stdin_eof()
    total_temp, counted, zipcode = 0, 0, ""
    while counted < args.count:
        frames = sock.recv_multipart()
        msg = frames[0].decode("utf-8", "backslashreplace")
        update = weather_sub.UPDATE.fullmatch(msg) if len(frames) == 1 else None
        if update is None:
            _kit.warn(weather_sub.ROLE, f"skipping a message that is not a weather update: {msg[:40]!r}")
            continue
        if update.group(1) != args.filter:  # the bug: equality, not a prefix
            continue
        _kit.say(f"RECEIVED: {msg}")
        zipcode, total_temp, counted = update.group(1), total_temp + int(update.group(2)), counted + 1
    _kit.say(f"AVERAGE TEMPERATURE FOR {zipcode}: {total_temp / args.count:+.2f}")
    return 0


weather_sub.average = average

if __name__ == "__main__":
    sys.exit(weather_sub.main(sys.argv[1:]))
