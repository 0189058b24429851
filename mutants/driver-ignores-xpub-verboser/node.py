"""Mutant driver: accepts ``xpub_verboser`` and does nothing with it.

The bug: an XPUB that merges unsubscribes whatever the option says. Caught by PS-22.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt xpub_verboser"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("xpub_verboser", sys.argv[1:]))
