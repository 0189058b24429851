"""Mutant rep-server: prints `SENDING: {name},{m}` with one space where the seed has two.

Caught by RR-1 (the output lines are exact, byte for byte).
"""

import sys

from zmqspec.roles import _kit
from zmqspec.roles import rep_server

say = _kit.say
_kit.say = lambda text="", end="\n": say(text.replace("SENDING:  ", "SENDING: ", 1), end)

if __name__ == "__main__":
    sys.exit(rep_server.main(sys.argv[1:]))
