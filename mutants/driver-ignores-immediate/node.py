"""Mutant driver: accepts ``immediate`` and does nothing with it.

The bug: a stack that lists the option for compatibility but queues to every connection, made or not, as without it. Caught by TR-7.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt immediate"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("immediate", sys.argv[1:]))
