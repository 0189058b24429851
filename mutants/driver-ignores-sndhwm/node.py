"""Mutant driver: accepts ``sndhwm`` and does nothing with it.

The bug: a stack whose queues keep their default size (1000) whatever SNDHWM says. Caught by PP-16.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt sndhwm"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("sndhwm", sys.argv[1:]))
