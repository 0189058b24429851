"""SHOULD rules: checked, reported, but never failed.

RFC 2119 separates what an implementation MUST do from what it SHOULD do.
A test asserts a MUST with ``assert``; it checks a SHOULD with

    should(len(dropped) == 0, f"the publisher dropped {dropped} (RFC 29 says it SHOULD NOT)")

which returns the condition and, when it is false, records the message. A
test that passes with an unmet SHOULD gets the verdict "non-strict" instead
of "pass" (see zmqspec/conformance/verdicts.py). Outside a test run the message is
issued as a ``ShouldNotMet`` warning.
"""

from __future__ import annotations

import warnings


class ShouldNotMet(UserWarning):
    """A SHOULD of the specification that the implementation does not keep."""


_unmet: list[str] | None = None


def should(condition: object, message: str) -> bool:
    """Check a SHOULD: on a false ``condition`` record ``message`` (the test goes on)."""
    if condition:
        return True
    if _unmet is None:
        warnings.warn(ShouldNotMet(message), stacklevel=2)
    else:
        _unmet.append(str(message))
    return False


def start_recording() -> None:
    global _unmet
    _unmet = []


def take_unmet() -> list[str]:
    """The SHOULDs unmet since the last call (or since recording started)."""
    if _unmet is None:
        return []
    taken = list(_unmet)
    _unmet.clear()
    return taken


def stop_recording() -> None:
    global _unmet
    _unmet = None
