"""The shipped stacks' xfails files: every entry still names a test of the specification or an id of
the catalogue. A test renamed without its entries leaves a stale entry, which xfails nothing and
lets the deviation it documented show as a failure (or, for a race, hide) -- caught here, not in
CI's matrix run."""

from __future__ import annotations

from pathlib import Path

import pytest

from zmqspec.conformance.catalogue import CATALOGUE, read_catalogue
from zmqspec.conformance.xfails import CATALOGUE_ID, load

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
XFAILS = sorted((ROOT / "implementations").glob("*/xfails.txt"))


@pytest.fixture
def spec_tests(spec_collection) -> list[str]:
    """Every test id of the specification, named from the spec package as xfails entries name it."""
    return list(spec_collection)


@pytest.mark.parametrize("path", XFAILS, ids=[path.parent.name for path in XFAILS])
def test_every_entry_of_a_shipped_xfails_file_names_a_test_or_an_id(path, spec_tests):
    known = {behaviour.id for behaviour in read_catalogue(CATALOGUE)}
    stale = [f"line {entry.line}: {entry.id}" for entry in load(path).entries
             if (entry.id not in known if CATALOGUE_ID.match(entry.id)
                 else not any(test.startswith(entry.id) for test in spec_tests))]
    assert not stale, f"{path.relative_to(ROOT)} has entries that match no test or id:\n" + "\n".join(stale)
