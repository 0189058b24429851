"""Mutant driver: accepts ``xpub_nodrop`` and does nothing with it.

The bug: an XPUB that drops at its high-water mark whatever the option says. Caught by PS-28.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt xpub_nodrop"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("xpub_nodrop", sys.argv[1:]))
