"""Mutant weather-pub: no high-water mark on its PUB socket.

The bug: a publisher that "never loses an update" by setting SNDHWM to 0
(no limit), so it queues for a subscriber that stops reading until memory
runs out. Caught by PS-18 (a publisher's memory stays bounded).
"""

import sys

from zmqspec.roles import weather_pub


def main(argv: list[str]) -> int:
    return weather_pub.main([*argv, "--sndhwm", "0"])  # the bug: 0 is no limit


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
