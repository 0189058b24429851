"""The shipped stacks' xfails files: every entry still names a test of the specification or an id of
the catalogue. A test renamed without its entries leaves a stale entry, which xfails nothing and
lets the deviation it documented show as a failure (or, for a race, hide) -- caught here, not in
CI's matrix run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec.conformance.catalogue import CATALOGUE, read_catalogue
from zmqspec.conformance.xfails import CATALOGUE_ID, load

from inner import inner_env

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
XFAILS = sorted((ROOT / "implementations").glob("*/xfails.txt"))


@pytest.fixture(scope="module")
def spec_tests() -> list[str]:
    """Every test id of the specification, named from the spec package as xfails entries name it."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "zmqspec/spec"], cwd=ROOT, env=inner_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [line.removeprefix("zmqspec/spec/") for line in done.stdout.splitlines() if "::" in line]
    assert len(ids) > 400, done.stdout[-2000:]
    return ids


@pytest.mark.parametrize("path", XFAILS, ids=[path.parent.name for path in XFAILS])
def test_every_entry_of_a_shipped_xfails_file_names_a_test_or_an_id(path, spec_tests):
    known = {behaviour.id for behaviour in read_catalogue(CATALOGUE)}
    stale = [f"line {entry.line}: {entry.id}" for entry in load(path).entries
             if (entry.id not in known if CATALOGUE_ID.match(entry.id)
                 else not any(test.startswith(entry.id) for test in spec_tests))]
    assert not stale, f"{path.relative_to(ROOT)} has entries that match no test or id:\n" + "\n".join(stale)
