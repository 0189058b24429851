"""Mutant driver: accepts ``req_relaxed`` and does nothing with it.

The bug: a REQ that keeps RFC 28's strict lock-step whatever the option says, so a second send fails EFSM. Caught by RR-17.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ignoring_driver  # noqa: E402

SEAMS = ["setsockopt req_relaxed"]  # the only command the bug changes: tests that never send it run as in the control

if __name__ == "__main__":
    sys.exit(ignoring_driver.main("req_relaxed", sys.argv[1:]))
