"""The specification's own settings: the Hypothesis profiles of the fuzz tests, and the test's
own words on a driver error.

A driver call that fails inside a test (``DriverError``: EAGAIN when nothing arrived in time,
EFSM, ...) is reported with the statement of the test it broke, its assertion message
included, so the failure says what the test was checking and not only the errno. EAGAIN
becomes ``DeadlinePassed`` ("deadline passed: ..."): a receive that got nothing is a
deadline, not an assertion on something seen.

Choose one with hypothesis's own ``--hypothesis-profile NAME`` or with
``ZMQSPEC_HYPOTHESIS_PROFILE=NAME`` (the option wins):

``fast``      the default: the fuzz files take seconds under ``pytest -n auto``
``ci``        the default when ``CI`` is set: more examples, derandomized so a
              failure reproduces on the next run, no example database
``thorough``  20 times ``fast``, for a hunt

Examples talk to live processes, so no profile has a deadline. Every profile prints, with a
failing example, the ``@reproduce_failure`` line that replays it. Hypothesis
keeps its files (the example database, its caches) in the user's cache,
``$XDG_CACHE_HOME/zmqspec/hypothesis`` (``~/.cache`` by default), never in
the source tree.
"""

from __future__ import annotations

import ast
import linecache
import os
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import InvalidArgument

from zmqspec.harness import DEADLINE_MARK, DeadlinePassed, DriverError

FAST_EXAMPLES = 50
HOME = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zmqspec" / "hypothesis"

set_hypothesis_home_dir(HOME)


def _database() -> DirectoryBasedExampleDatabase:
    return DirectoryBasedExampleDatabase(HOME / "examples")


settings.register_profile("fast", max_examples=FAST_EXAMPLES, deadline=None, database=_database(), print_blob=True)
settings.register_profile("ci", max_examples=4 * FAST_EXAMPLES, deadline=None, derandomize=True,
                          database=None, print_blob=True)
settings.register_profile("thorough", max_examples=20 * FAST_EXAMPLES, deadline=None, database=_database(),
                          print_blob=True)


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


def _statement(tb, path: Path) -> tuple[int, str] | None:
    """The test module's statement that was running when the traceback ``tb`` was made:
    (line number, its source text), or None when no frame of ``path`` is in it."""
    found = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename) == path:
            found = tb.tb_lineno
        tb = tb.tb_next
    if found is None:
        return None
    source = "".join(linecache.getlines(str(path)))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return found, linecache.getline(str(path), found).strip()
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.With, ast.For,
                                                                  ast.While, ast.If, ast.Try, ast.AsyncFunctionDef)):
            if node.lineno <= found <= (node.end_lineno or node.lineno):
                if best is None or node.lineno >= best.lineno:
                    best = node
    text = ast.get_source_segment(source, best) if best is not None else None
    return found, " ".join((text or linecache.getline(str(path), found)).split())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    try:
        return (yield)
    except DriverError as exc:
        where = _statement(exc.__traceback__, Path(str(item.path)))
        said = f" in `{where[1]}` (line {where[0]})" if where else ""
        if exc.errno == "EAGAIN":
            raise DeadlinePassed(f"{DEADLINE_MARK} the driver's {exc.request.get('cmd')} ran out{said}: {exc}") from exc
        raise AssertionError(f"the driver's {exc.request.get('cmd')} failed{said}: {exc}") from exc
