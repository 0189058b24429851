"""Conformance: what a run says about an implementation, id by id.

``verdicts`` (graded verdicts: pass, non-strict, xfail, not provided,
skipped, broken driver, fail), ``shoulds`` (SHOULD rules: checked, never
failed), ``xfails`` (the implementer's expected failures), ``report`` (one
run's report.json and report.md), ``matrix`` (``python -m zmqspec report``:
several reports as one matrix), ``catalogue`` and ``catalogue_cli`` (the
behaviour catalogue and the tests that check it, ``python -m zmqspec
catalogue``). It reads the harness's outcomes; the harness knows nothing of
it.
"""

from zmqspec.conformance.shoulds import ShouldNotMet, should

__all__ = ["ShouldNotMet", "should"]
