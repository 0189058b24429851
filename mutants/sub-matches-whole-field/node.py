"""Mutant weather-sub: filters in the application, on the whole zipcode field.

The bug: it subscribes to everything and keeps an update only when its
first field equals --filter, so `1000` (a prefix of 10000..10009) matches
nothing, and every update crosses the wire. Caught by PS-6 (a prefix filter
receives the updates it prefixes).
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import weather_sub


def average(args) -> int:
    import zmq

    sock = _kit.context(args).socket(zmq.SUB)
    bound = _kit.attach(sock, args.bind, args.connect)
    sock.subscribe(b"")
    _kit.ready(sub=bound)
    _kit.quit_on_stdin_eof()
    total_temp, received, zipcode = 0, 0, ""
    while received < args.count:
        msg = sock.recv().decode("utf-8", "backslashreplace")
        fields = msg.split()
        if fields[0] != args.filter:  # the bug: equality, not a prefix
            continue
        _kit.say(f"RECEIVED: {msg}")
        zipcode, received, total_temp = fields[0], received + 1, total_temp + int(fields[1])
    _kit.say(f"AVERAGE TEMPERATURE FOR {zipcode}: {total_temp / args.count:+.2f}")
    return 0


weather_sub.average = average

if __name__ == "__main__":
    sys.exit(weather_sub.main(sys.argv[1:]))
