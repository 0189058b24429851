"""Deadlines: every wait in the harness has one, and one knob stretches them all.

``ZMQSPEC_TIMEOUT_SCALE`` (default 1) multiplies every deadline, for slow or
heavily loaded machines. Deadlines bound how long a failure takes to be
reported; they never decide whether a behaviour passes.
"""

from __future__ import annotations

import os


def _scale() -> float:
    text = os.environ.get("ZMQSPEC_TIMEOUT_SCALE", "1")
    try:
        value = float(text)
    except ValueError:
        raise SystemExit(f"zmqspec: error: ZMQSPEC_TIMEOUT_SCALE must be a number, got {text!r}") from None
    if value <= 0:
        raise SystemExit(f"zmqspec: error: ZMQSPEC_TIMEOUT_SCALE must be positive, got {text!r}")
    return value


SCALE = _scale()


def scaled(seconds: float) -> float:
    return seconds * SCALE
