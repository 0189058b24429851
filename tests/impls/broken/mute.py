"""Broken on purpose: prints its ready line, then never answers anything."""

import sys

print("ZMQSPEC READY {}", flush=True)
for _ in sys.stdin:
    pass
