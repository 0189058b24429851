"""The catalogue's kinds (semantics, example, contract) and the patterns' diagrams.

Every id has exactly one kind, given by a ``- KIND: IDS`` line of the
catalogue; ``zmqspec catalogue --kind KIND`` lists that kind alone. The
diagrams ``zmqspec demo`` prints are the ones docs/patterns.md shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec.conformance.catalogue import CATALOGUE, KINDS, CatalogueError, parse_catalogue, read_catalogue

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent


def test_every_id_of_the_catalogue_has_one_of_the_three_kinds():
    behaviours = read_catalogue(CATALOGUE)
    assert {b.kind for b in behaviours} == set(KINDS)
    assert [b.id for b in behaviours if not b.kind] == []
    kinds = {b.id: b.kind for b in behaviours}
    assert (kinds["RR-3"], kinds["RR-1"], kinds["NC-1"]) == ("semantics", "example", "contract")


def test_kind_lines_continue_on_indented_lines_and_an_id_given_two_kinds_or_none_is_refused():
    text = "## S\n\n- AB-1  one\n- AB-2  two\n\n- semantics: AB-1,\n  AB-2\n"
    assert [b.kind for b in parse_catalogue(text)] == ["semantics", "semantics"]
    with pytest.raises(CatalogueError, match="AB-1 is given a kind twice"):
        parse_catalogue(text + "- example: AB-1\n")
    with pytest.raises(CatalogueError, match="a kind is given to AB-9"):
        parse_catalogue(text + "- example: AB-9\n")
    assert [b.kind for b in parse_catalogue("- AB-1  one\n")] == [""]


@pytest.mark.parametrize("kind", KINDS)
def test_catalogue_lists_one_kind_alone(kind):
    done = subprocess.run([sys.executable, "-m", "zmqspec", "catalogue", "--kind", kind, "--format", "json"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)["ids"]
    expected = [b.id for b in read_catalogue(CATALOGUE) if b.kind == kind]
    assert [entry["id"] for entry in listed] == expected and {entry["kind"] for entry in listed} == {kind}


def test_the_demo_s_diagrams_are_the_ones_the_docs_show():
    from zmqspec.demo import DIAGRAMS, SCENARIOS

    assert set(DIAGRAMS) == set(SCENARIOS)
    docs = (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8")
    for name, diagram in DIAGRAMS.items():
        assert diagram.strip("\n") in docs, f"docs/patterns.md lacks the {name} diagram as demo prints it"
