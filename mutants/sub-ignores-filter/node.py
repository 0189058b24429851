"""Mutant weather-sub: subscribes to everything, whatever --filter says.

The bug: the filter option is read but the socket subscribes to the empty
prefix. Caught by PS-6 (the updates it prints match its filter).
"""

import sys
from types import SimpleNamespace

from zmqspec.roles import weather_sub

average = weather_sub.average
weather_sub.average = lambda args: average(SimpleNamespace(**{**vars(args), "filter": ""}))

if __name__ == "__main__":
    sys.exit(weather_sub.main(sys.argv[1:]))
