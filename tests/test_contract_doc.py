"""The role table (zmqspec/contract.py) is the one definition: docs/contract.md section 6 says what it
says, and the reference nodes have exactly its options.

Section 6 holds one generated block per role (its sockets, every option with its type, range,
default, required-ness and repeatability, when it ends by itself) and one for the order of the
argument checks and the exit statuses; ``scripts/contract_doc.py`` writes them. These tests fail
when the page and the table differ, when the prose of a role's section names an option the role
does not have, and when a node's parser has an option the table does not list.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from zmqspec import contract
from zmqspec.contract import ROLES, doc_markers, generated_blocks
from zmqspec.roles import _kit

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_DOC = ROOT / "docs" / "contract.md"
ROLES_DIR = ROOT / "zmqspec" / "roles"


def section_6(text: str) -> str:
    return text.split("\n## 6. The roles", 1)[1]


def mismatches(text: str, blocks: dict[str, str]) -> list[str]:
    """What differs between the page ``text`` and the generated ``blocks``: one sentence each."""
    found = []
    for key, block in blocks.items():
        begin, end = doc_markers(key)
        if text.count(begin) != 1 or text.count(end) != 1:
            found.append(f"the block {key!r} is not in docs/contract.md exactly once")
            continue
        written = text.split(begin, 1)[1].split(end, 1)[0].strip("\n")
        if written != block:
            found.append(f"the block {key!r} differs from the table; run scripts/contract_doc.py")
    return found


def role_sections(text: str) -> dict[str, str]:
    """Section 6's role sections, by role name: the text under each ``### role — ...`` heading."""
    parts = re.split(r"^### (\S+) — .*$", section_6(text), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def test_section_6_is_what_the_role_table_gives():
    """Every generated block of section 6 (the checks, each role) is exactly what the table gives."""
    text = CONTRACT_DOC.read_text(encoding="utf-8")
    assert mismatches(text, generated_blocks()) == []


def test_the_check_fails_when_the_page_or_the_table_changes_alone():
    """The comparison has teeth: a range edited on the page, or a default changed in the table only,
    is reported."""
    text = CONTRACT_DOC.read_text(encoding="utf-8")
    edited_page = text.replace("| `--subscribers` N | integer | 1..2147483647 |", "| `--subscribers` N | integer | 0..2147483647 |")
    assert edited_page != text, "the sync-pub --subscribers row is not on the page as expected"
    assert mismatches(edited_page, generated_blocks()) == [
        "the block 'sync-pub' differs from the table; run scripts/contract_doc.py"]

    pub = ROLES["weather-pub"]
    count = pub.option("--count")
    changed = pub._replace(options=tuple(o._replace(default=7) if o is count else o for o in pub.options))
    assert mismatches(text, {**generated_blocks(), "weather-pub": contract.role_markdown(changed)}) == [
        "the block 'weather-pub' differs from the table; run scripts/contract_doc.py"]

    checks = contract.checks_markdown().replace("exit 2", "exit 1", 1)
    assert mismatches(text, {**generated_blocks(), "checks": checks}) == [
        "the block 'checks' differs from the table; run scripts/contract_doc.py"]


def test_section_6_has_one_section_per_role_of_the_table():
    assert list(role_sections(CONTRACT_DOC.read_text(encoding="utf-8"))) == list(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_a_role_section_names_only_options_of_the_role(role):
    """The prose of a role's section names no option the table does not give the role."""
    section = role_sections(CONTRACT_DOC.read_text(encoding="utf-8"))[role]
    named = set(re.findall(r"`(--[a-z0-9-]+)", section))
    known = {"--help", *(opt.name for opt in ROLES[role].all_options)}
    assert named <= known, f"{role}'s section names options the table does not have: {sorted(named - known)}"


def parser_options(role: str) -> set[str]:
    p = _kit.role_parser(role, "") if role != "driver" else _kit.parser(role, "")
    return {s for action in p._actions if not isinstance(action, argparse._HelpAction) for s in action.option_strings}


@pytest.mark.parametrize("role", ROLES)
def test_a_reference_parser_has_exactly_the_tables_options(role):
    """The reference node's parser is derived from the table: the same options, no more, no fewer."""
    assert parser_options(role) == {opt.name for opt in ROLES[role].all_options}


def test_no_role_adds_an_option_of_its_own():
    """Only the kit builds parsers (from the table): no role module adds an argument itself."""
    offenders = [path.name for path in sorted(ROLES_DIR.glob("*.py"))
                 if path.name != "_kit.py" and "add_argument" in path.read_text(encoding="utf-8")]
    assert offenders == [], f"role modules that add options outside the table: {offenders}"


def test_the_role_table_is_defined_once():
    """A grep finds one definition of the role table and of the ready line's prefix in zmqspec, its
    tests, benchmarks and scripts (implementations/ holds other implementations, written from the
    docs: each has its own)."""
    sources = [p for p in ROOT.glob("**/*.py")
               if not {".venv", "build", "implementations"} & set(p.relative_to(ROOT).parts)]
    tables = [p for p in sources if re.search(r"^ROLES\s*(:[^=]*)?=", p.read_text(encoding="utf-8"), re.MULTILINE)]
    prefixes = [p for p in sources if re.search(r"^READY_PREFIX\s*=", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert [p.relative_to(ROOT).as_posix() for p in tables] == ["zmqspec/contract.py"]
    assert [p.relative_to(ROOT).as_posix() for p in prefixes] == ["zmqspec/contract.py"]


@pytest.mark.parametrize("role", [name for name, role in ROLES.items() if role.sockets])
def test_an_integer_value_that_is_not_decimal_is_refused(role):
    """The kit's integer type takes decimal digits with an optional sign, nothing Python's int() adds
    (underscores, spaces, other digits)."""
    for opt in ROLES[role].all_options:
        if opt.kind == contract.INT:
            convert = _kit.ranged_int(opt)
            assert convert(str(opt.min)) == opt.min
            for text in ("1_0", " 5", "٣", "0x10", ""):
                with pytest.raises(argparse.ArgumentTypeError):
                    convert(text)


def test_scripts_contract_doc_check_passes():
    """``scripts/contract_doc.py --check`` agrees: the page is up to date."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "contract_doc.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
