"""Mutant driver: accepts ``req_correlate`` and does nothing with it.

The bug: a REQ that sends no request id and takes any reply. Caught by RR-18.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt req_correlate"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("req_correlate", sys.argv[1:]))
