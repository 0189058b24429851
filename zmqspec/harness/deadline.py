"""Deadlines: every wait in the harness has one, and one knob stretches them all.

``ZMQSPEC_TIMEOUT_SCALE`` (default 1) multiplies every deadline, for slow or
heavily loaded machines. Deadlines bound how long a failure takes to be
reported; they never decide whether a behaviour passes.
"""

from __future__ import annotations

import os


def _scale() -> tuple[float, str | None]:
    """The scale, and a problem with the variable if it cannot be used (the scale is then 1)."""
    text = os.environ.get("ZMQSPEC_TIMEOUT_SCALE", "1")
    try:
        value = float(text)
    except ValueError:
        return 1.0, f"ZMQSPEC_TIMEOUT_SCALE must be a number, got {text!r}"
    if not value > 0:
        return 1.0, f"ZMQSPEC_TIMEOUT_SCALE must be positive, got {text!r}"
    return value, None


SCALE, SCALE_PROBLEM = _scale()


def scaled(seconds: float) -> float:
    return seconds * SCALE
