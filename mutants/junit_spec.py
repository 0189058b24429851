"""pytest plugin for tests/test_mutants.py: each test's catalogue ids go into the JUnit XML.

Loaded with `-p junit_spec` (this folder on PYTHONPATH) in the runs against
the mutants, so that the meta-test can tell which ids a failed test checks
and run that very test again: every `@pytest.mark.spec("ID")` becomes a
`<property name="spec" value="ID"/>`, and the test's node id a
`<property name="nodeid" value="tests/...::test_..."/>`.
"""

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.user_properties += [("spec", mark.args[0]) for mark in item.iter_markers("spec") if mark.args]
        item.user_properties.append(("nodeid", item.nodeid))
