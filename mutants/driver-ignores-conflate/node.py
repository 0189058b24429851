"""Mutant driver: accepts ``conflate`` and does nothing with it.

The bug: a stack that takes the option but queues every message. Caught by TR-8.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt conflate"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("conflate", sys.argv[1:]))
