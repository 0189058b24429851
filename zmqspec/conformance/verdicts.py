"""Verdicts: what a test run says about one behaviour of one implementation.

pytest knows passed, failed and skipped. Judging another implementation
needs finer grades, worst first:

    fail           a MUST is broken (an assertion failed, a node misbehaved)
    broken driver  the driver node broke its own protocol (docs/contract.md
                   section 5): the suite could not ask the question, so the
                   behaviour is not judged; the run still fails
    non-strict     every MUST holds but a SHOULD does not (zmqspec.conformance.should)
    xfail          an expected failure, listed by the implementer (--xfails)
    not provided   the implementation has no node for a role the test needs
    skipped        the test cannot run here (a transport or tool is missing)
    pass           everything the test checks holds

A test's verdict is the worst over its phases (setup, call, teardown); a
catalogue id's verdict is the worst over its tests that ran: tests skipped or
not provided count only when no test of the id ran at all (an id checked over
tcp and skipped over ipc is judged by its tcp tests).
"""

from __future__ import annotations

from collections.abc import Iterable

FAIL = "fail"
BROKEN_DRIVER = "broken driver"
NON_STRICT = "non-strict"
XFAIL = "xfail"
NOT_PROVIDED = "not provided"
SKIPPED = "skipped"
PASS = "pass"
UNTESTED = "untested"  # a catalogue id no test of the run checked: no verdict at all

# What each verdict means, worst first, as every report's legend says it.
LEGEND = {
    FAIL: "a MUST is broken: an assertion failed, a node misbehaved",
    BROKEN_DRIVER: "the driver broke its own protocol, so the behaviour could not be judged (the run fails)",
    "non-strict": "every MUST holds but a SHOULD does not",
    XFAIL: "an expected failure, listed in the implementer's xfails file",
    "not provided": "the implementation has no node for a role the test needs",
    "skipped": "the test cannot run here (a transport or a tool is missing)",
    PASS: "everything the test checks holds",
    UNTESTED: "no test of this run checks the id (shown as – in a matrix)",
}

WORST_FIRST = (FAIL, BROKEN_DRIVER, NON_STRICT, XFAIL, NOT_PROVIDED, SKIPPED, PASS)
_RANK = {verdict: len(WORST_FIRST) - i for i, verdict in enumerate(WORST_FIRST)}

VERDICT_PROPERTY = "zmqspec.verdict"
SHOULD_PROPERTY = "zmqspec.should"
SPEC_PROPERTY = "zmqspec.spec"
ROLES_PROPERTY = "zmqspec.roles"  # the roles of the nodes the test started, so far (sorted)
TEST_PROPERTY = "zmqspec.test"  # the test's id relative to the spec package (pytest_plugin.test_id)


def rank(verdict: str) -> int:
    """Higher is worse; an unknown verdict (or 'untested') ranks below pass."""
    return _RANK.get(verdict, 0)


def worst(verdicts: Iterable[str]) -> str:
    verdicts = list(verdicts)
    return max(verdicts, key=rank) if verdicts else UNTESTED


def id_verdict(verdicts: Iterable[str]) -> str:
    """A catalogue id's verdict: the worst of the tests that ran, else the worst of the others."""
    verdicts = list(verdicts)
    ran = [v for v in verdicts if v not in (SKIPPED, NOT_PROVIDED)]
    return worst(ran or verdicts)


def is_broken_driver(excinfo) -> bool:
    """The driver broke its protocol: the harness raised ``DriverProtocolError`` where it saw that
    happen (an answer out of turn, not JSON or off the schema, or the driver ending or falling
    silent while the harness waited for a reply). The type alone decides."""
    from zmqspec.harness.driver_client import DriverProtocolError

    return excinfo is not None and excinfo.errisinstance(DriverProtocolError)


def phase_verdict(report, excinfo, unmet_shoulds: list[str], not_provided: bool) -> str:
    """The verdict of one phase's TestReport, judged where the exception is still at hand."""
    if not_provided:
        return NOT_PROVIDED
    if report.skipped:
        return XFAIL if hasattr(report, "wasxfail") else SKIPPED
    if report.failed:
        return BROKEN_DRIVER if is_broken_driver(excinfo) else FAIL
    return NON_STRICT if unmet_shoulds else PASS


def property_of(report, key: str, default=None):
    """The last value recorded under ``key`` in a report's user properties; a report that has none
    (a CollectReport, say) gives ``default``."""
    for name, value in reversed(getattr(report, "user_properties", ())):
        if name == key:
            return value
    return default


def verdict_of(report) -> str:
    """A phase report's verdict: the one the plugin recorded, else read off the outcome."""
    recorded = property_of(report, VERDICT_PROPERTY)
    if recorded:
        return recorded
    if report.skipped:
        return XFAIL if hasattr(report, "wasxfail") else SKIPPED
    return FAIL if report.failed else PASS
