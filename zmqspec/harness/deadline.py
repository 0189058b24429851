"""Deadlines: every wait in the harness has one, and one knob stretches them all.

``ZMQSPEC_TIMEOUT_SCALE`` (default 1) multiplies every deadline, for slow or
heavily loaded machines. Deadlines bound how long a failure takes to be
reported; they never decide whether a behaviour passes.

The scale is applied here and nowhere else: by the harness's waits
(``zmqspec.harness.process``), by :func:`milliseconds` for the ``timeout_ms``
a driver call carries, by :class:`Deadline` for a test's own loops, and by
:func:`test_timeout` for pytest-timeout's per-test limit (the plugin sets
it). A spec test states its deadlines unscaled and never calls
:func:`scaled`.
"""

from __future__ import annotations

import os
import time


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


MAX_MS = 2**31 - 1  # the largest timeout_ms the driver protocol takes (zmqspec.protocol.MAX_DURATION_MS)


class Deadline:
    """A point in time ``seconds`` (as a test states them, stretched here by the scale) from now.

    Tests that wait in a loop hold one instead of scaling a number themselves; the driver client
    takes one wherever it takes a ``timeout`` and passes on what is left of it, unscaled again."""

    def __init__(self, seconds: float):
        self.stated = seconds
        self.seconds = scaled(seconds)  # the whole wait, scaled: what a failure message reports
        self.end = time.monotonic() + self.seconds

    @staticmethod
    def scale() -> float:
        return SCALE

    def remaining(self) -> float:
        """Seconds left, never below 0."""
        return max(0.0, self.end - time.monotonic())

    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def __repr__(self) -> str:
        return f"<Deadline {self.seconds:.1f} s, {self.remaining():.1f} s left>"


def milliseconds(timeout: float | Deadline) -> int:
    """A driver call's ``timeout_ms``: ``timeout`` seconds scaled (what is left of a Deadline),
    within what the protocol takes. The one place a driver timeout is scaled."""
    seconds = timeout.remaining() if isinstance(timeout, Deadline) else scaled(timeout)
    return min(MAX_MS, max(0, int(seconds * 1000)))


def per_test_timeout(seconds: float) -> float:
    """pytest-timeout's per-test limit for a test given ``seconds`` (the ini ``timeout`` or a
    ``timeout`` marker): scaled, like every other deadline. 0 (no limit) stays 0."""
    return scaled(seconds) if seconds else seconds
