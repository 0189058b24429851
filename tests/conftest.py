"""Hypothesis profiles for the fuzz tests.

Choose one with hypothesis's own ``--hypothesis-profile NAME`` or with
``ZMQSPEC_HYPOTHESIS_PROFILE=NAME`` (the option wins):

``fast``      the default: the fuzz files take seconds under ``pytest -n auto``
``ci``        the default when ``CI`` is set: more examples, derandomized so a
              failure reproduces on the next run, no example database
``thorough``  20 times ``fast``, for a hunt

Examples talk to live processes, so no profile has a deadline. Hypothesis
keeps its files (the example database, its caches) in the user's cache,
``$XDG_CACHE_HOME/zmqspec/hypothesis`` (``~/.cache`` by default), never in
the source tree.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import InvalidArgument

FAST_EXAMPLES = 50
HOME = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zmqspec" / "hypothesis"

set_hypothesis_home_dir(HOME)


def _database() -> DirectoryBasedExampleDatabase:
    return DirectoryBasedExampleDatabase(HOME / "examples")


settings.register_profile("fast", max_examples=FAST_EXAMPLES, deadline=None, database=_database())
settings.register_profile("ci", max_examples=4 * FAST_EXAMPLES, deadline=None, derandomize=True,
                          database=None, print_blob=True)
settings.register_profile("thorough", max_examples=20 * FAST_EXAMPLES, deadline=None, database=_database())


def pytest_configure(config: pytest.Config) -> None:
    chosen = os.environ.get("ZMQSPEC_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "fast")
    try:
        settings.load_profile(chosen)
    except InvalidArgument:
        pytest.exit(
            f"zmqspec: error: ZMQSPEC_HYPOTHESIS_PROFILE={chosen!r} is not a profile; "
            "the profiles are fast, ci, thorough",
            returncode=2,
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mutants", action="store_true", default=bool(os.environ.get("ZMQSPEC_MUTANTS")),
                     help="also run the mutation tests (tests/test_mutants.py: the suite against each "
                          "broken implementation in mutants/; env ZMQSPEC_MUTANTS=1)")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core. A test spends most of its time waiting for its nodes,
    which are other processes, so one worker per core leaves the cores half idle."""
    return 2 * len(os.sched_getaffinity(0))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the mutation tests out unless asked for (``--mutants``), and under xdist hand out the
    slow tests first: the long ones then overlap with the short ones instead of ending the run on
    one busy worker while the others idle."""
    if not mutants_wanted(config):
        kept, mutants = [], []
        for item in items:
            (mutants if item.get_closest_marker("mutants") else kept).append(item)
        if mutants:
            config.hook.pytest_deselected(items=mutants)
            items[:] = kept
    if getattr(config.option, "numprocesses", None):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def mutants_wanted(config: pytest.Config) -> bool:
    """--mutants, or the mutation tests' file named on the command line."""
    named = any(Path(str(arg).split("::")[0]).name == "test_mutants.py" for arg in config.invocation_params.args)
    return config.getoption("mutants") or named


def pytest_report_header(config: pytest.Config) -> str | None:
    if not mutants_wanted(config):
        return "zmqspec: the mutation tests (tests/test_mutants.py) are left out; --mutants runs them"
    return None
