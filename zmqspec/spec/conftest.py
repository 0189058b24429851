"""The specification's own settings: the Hypothesis profiles of the fuzz tests.

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
