"""Mutant weather-pub: draws the zipcode from zip-min - 1 .. zip-max, so it can publish 00000.

The bug: an off-by-one at the low edge of a range. With the default range it
shows once in 100000 updates; PS-1's narrow range (--zip-min 1 --zip-max 3,
watched unfiltered) shows it on every run.
"""

import sys

from zmqspec.roles import weather_pub


def update(rng, seq: int, zip_min: int, zip_max: int) -> str:
    zipcode = rng.randint(zip_min - 1, zip_max)  # the bug
    temp = rng.randrange(-80, 135)
    hum = rng.randrange(10, 60)
    return f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}"


weather_pub.update = update

if __name__ == "__main__":
    sys.exit(weather_pub.main(sys.argv[1:]))
