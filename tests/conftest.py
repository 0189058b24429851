"""The harness's own self-tests (all marked meta): the mutation tests are left out unless asked for.

The fixtures and options of the specification come from the zmqspec pytest
plugin (zmqspec/pytest_plugin.py); the Hypothesis profiles from
zmqspec/spec/conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inner import collect_spec, once_per_run, run_folder


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mutants", action="store_true", default=bool(os.environ.get("ZMQSPEC_MUTANTS")),
                     help="also run the mutation tests (tests/test_mutants.py: the suite against each "
                          "broken implementation in mutants/; env ZMQSPEC_MUTANTS=1)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mutants: mutation tests: the suite run against broken implementations (only with --mutants)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the mutation tests out unless asked for (``--mutants``)."""
    if mutants_wanted(config):
        return
    kept, mutants = [], []
    for item in items:
        (mutants if item.get_closest_marker("mutants") else kept).append(item)
    if mutants:
        config.hook.pytest_deselected(items=mutants)
        items[:] = kept


def mutants_wanted(config: pytest.Config) -> bool:
    """--mutants, or the mutation tests' file named on the command line."""
    named = any(Path(str(arg).split("::")[0]).name == "test_mutants.py" for arg in config.invocation_params.args)
    return config.getoption("mutants") or named


def pytest_report_header(config: pytest.Config) -> str | None:
    if not mutants_wanted(config):
        return "zmqspec: the mutation tests (tests/test_mutants.py) are left out; --mutants runs them"
    return None



@pytest.fixture(scope="session")
def spec_collection(tmp_path_factory) -> dict[str, list[str]]:
    """Every test of the specification -> its catalogue ids (:func:`inner.collect_spec`), collected
    once in a run (:func:`inner.once_per_run`)."""
    return once_per_run(run_folder(tmp_path_factory), "spec-collection", collect_spec)
