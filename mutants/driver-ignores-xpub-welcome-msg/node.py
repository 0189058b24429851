"""Mutant driver: accepts ``xpub_welcome_msg`` and does nothing with it.

The bug: an XPUB that never sends the welcome message it was given. Caught by PS-27.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt xpub_welcome_msg"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("xpub_welcome_msg", sys.argv[1:]))
