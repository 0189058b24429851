"""A plugin of a mutant's run (tests/test_mutants.py loads it with ``-p tests.mutant_run``): once a
mutant has failed every id a test carries, that test is skipped.

``ZMQSPEC_MUTANT_CATCHES`` lists the mutant's ``catches``, comma-separated. The run's tests go in
order in one process; after each failing test its ids of ``catches`` count as failed, and once one
such failure was an assertion on something seen (not a deadline, not a crash), a later test whose
every id has failed is skipped before it starts a node. It could not change the judgement: each of
its ids already fails, a test carrying any other id still runs, and the assertion the judge wants is
already there. What it saves is waiting: a mutant that never ends a pipeline would otherwise wait
out the deadline of every such test (docs/mutants.md).
"""

from __future__ import annotations

import os
import re

import pytest

from zmqspec.harness import DEADLINE_MARK

# How a failure says it is a deadline rather than an assertion on something seen (the judge's reading).
DEADLINE = re.compile("|".join([re.escape(DEADLINE_MARK), r"\bDeadlinePassed\b", r"DriverError: EAGAIN",
                                r"^Failed: Timeout", r"Timeout \(>"]), re.MULTILINE)
CRASH = "Traceback (most recent call last)"  # a node's Python traceback in the message: it crashed

CATCHES = frozenset(filter(None, os.environ.get("ZMQSPEC_MUTANT_CATCHES", "").split(",")))
failed: set[str] = set()
seen = False  # some failure of an id of catches was an assertion on something seen


def spec_ids(item: pytest.Item) -> set[str]:
    return {str(mark.args[0]) for mark in item.iter_markers("spec") if mark.args}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    ids = spec_ids(item)
    if seen and ids and ids <= failed:
        pytest.skip(f"the mutant already failed {', '.join(sorted(ids))} (tests/mutant_run.py)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    global seen
    report = yield
    if report.failed and CATCHES:
        caught = spec_ids(item) & CATCHES
        failed.update(caught)
        # The failure's own message, as the judge reads it (report.json): not the whole traceback, whose
        # source lines may name DeadlinePassed where the failure was an assertion.
        crash = getattr(report.longrepr, "reprcrash", None)
        text = crash.message if crash is not None else report.longreprtext
        if caught and not DEADLINE.search(text) and CRASH not in text:
            seen = True
    return report
