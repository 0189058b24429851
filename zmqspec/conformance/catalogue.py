"""The behaviour catalogue and the tests that check it, read without running anything.

The catalogue and the tests are the specification, and ship inside the
package: ``zmqspec/spec/behaviours.md`` (:data:`CATALOGUE`; docs/behaviours.md
links to it) and the test modules beside it (:data:`SPEC_DIR`).

``read_catalogue`` parses the catalogue: every line ``- RR-1  sentence``
opens an entry, indented lines after it continue the sentence, and ``## ``
headings name the section each entry belongs to.

``scan_tests`` reads a tests folder with :mod:`ast` (no import, no pytest
run) and finds, for every test function, the ids of its
``@pytest.mark.spec("ID")`` marks and the names of its other marks, whether
they sit on the function, on its class, or in a ``pytestmark`` of the class
or module. Marks given through ``pytest.param(..., marks=...)`` count for
the whole function.

``check`` puts the two together: which tests check each id, which ids no
test checks, which tests name an id the catalogue lacks, and which tests
carry neither a spec id nor the ``meta`` marker.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
"""The specification's folder: the pattern tests, read as files (never imported from here)."""
CATALOGUE = SPEC_DIR / "behaviours.md"
"""The behaviour catalogue, package data of zmqspec."""

ENTRY = re.compile(r"^- (?P<id>[A-Z]+-\d+)\s+(?P<text>\S.*)$")
KINDS = ("semantics", "example", "contract")
KIND_LINE = re.compile(r"^- (?P<kind>" + "|".join(KINDS) + r"):\s+(?P<ids>\S.*)$")
"""``- semantics: RR-2, RR-3, ...`` (continued on indented lines): which ids are of which kind."""
SECTION = re.compile(r"^##\s+(?P<title>.+?)\s*$")
META_MARKER = "meta"
SPEC_MARKER = "spec"


class CatalogueError(Exception):
    """A catalogue or test file that cannot be read; the message is one line naming it."""


@dataclass(frozen=True)
class Behaviour:
    id: str
    sentence: str
    section: str
    line: int
    kind: str = ""  # one of KINDS: ZeroMQ's semantics, the example programs, the node contract


@dataclass(frozen=True)
class SpecTest:
    path: str  # relative to the scanned folder: test_reqrep.py, as xfails and reports name it
    name: str  # "test_x", or "TestClass::test_x"
    line: int
    spec_ids: tuple[str, ...]
    markers: frozenset[str]

    @property
    def nodeid(self) -> str:
        return f"{self.path}::{self.name}"


def parse_catalogue(text: str, source: str = "<catalogue>") -> list[Behaviour]:
    """The entries of a catalogue, in order, each with its section and its kind (the ``- KIND: IDS``
    lines; an id without one has kind ""). An id listed twice, or given two kinds, or a kind given
    to an id the catalogue lacks, is a :class:`CatalogueError`."""
    entries: list[Behaviour] = []
    first_seen: dict[str, int] = {}
    kind_of: dict[str, tuple[str, int]] = {}
    section = ""
    current: dict | None = None
    kinds: dict | None = None

    def close() -> None:
        nonlocal current, kinds
        if current is not None:
            entries.append(Behaviour(current["id"], " ".join(current["parts"]), section, current["line"]))
            current = None
        if kinds is not None:
            for spec_id in filter(None, (part.strip() for part in " ".join(kinds["parts"]).split(","))):
                if spec_id in kind_of:
                    raise CatalogueError(f"{source}:{kinds['line']}: {spec_id} is given a kind twice "
                                         f"(first at line {kind_of[spec_id][1]})")
                kind_of[spec_id] = (kinds["kind"], kinds["line"])
            kinds = None

    for number, line in enumerate(text.splitlines(), start=1):
        if current is not None and line[:1].isspace() and line.strip():
            current["parts"].append(line.strip())
            continue
        if kinds is not None and line[:1].isspace() and line.strip():
            kinds["parts"].append(line.strip())
            continue
        close()
        if heading := SECTION.match(line):
            section = heading["title"]
        elif listed := KIND_LINE.match(line):
            kinds = {"kind": listed["kind"], "parts": [listed["ids"]], "line": number}
        elif entry := ENTRY.match(line):
            behaviour_id = entry["id"]
            if behaviour_id in first_seen:
                raise CatalogueError(
                    f"{source}:{number}: {behaviour_id} is listed twice (first at line {first_seen[behaviour_id]})"
                )
            first_seen[behaviour_id] = number
            current = {"id": behaviour_id, "parts": [entry["text"].strip()], "line": number}
    close()
    unknown = sorted(set(kind_of) - set(first_seen))
    if unknown:
        raise CatalogueError(f"{source}:{kind_of[unknown[0]][1]}: a kind is given to {', '.join(unknown)}, "
                             "which the catalogue does not list")
    return [replace(entry, kind=kind_of.get(entry.id, ("", 0))[0]) for entry in entries]


def catalogue_version(path: str | Path = CATALOGUE) -> str:
    """The catalogue's version: ``sha256:`` and the first 12 hex digits of the SHA-256 of its bytes,
    so two reports made from the same catalogue say the same, and any edit to it shows; ``unknown``
    when the file cannot be read."""
    try:
        return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "unknown"


def read_catalogue(path: str | Path) -> list[Behaviour]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"cannot read the catalogue {path}: {exc}") from None
    return parse_catalogue(text, str(path))


# -- tests -------------------------------------------------------------------


def _dotted(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return f"{_dotted(expr.value)}.{expr.attr}"
    return ""


def _mark_name(expr: ast.expr) -> str | None:
    """``X`` for ``pytest.mark.X`` or ``mark.X`` (called or not), else None."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        owner = _dotted(expr.value)
        if owner == "mark" or owner.endswith(".mark"):
            return expr.attr
    return None


class _ModuleScope:
    """Module-level names a mark may refer to: ``SPEC = pytest.mark.spec("X")``, ``ID = "X"``."""

    def __init__(self, tree: ast.Module):
        self.assigned: dict[str, ast.expr] = {}
        for statement in tree.body:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self.assigned[target.id] = statement.value
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
                self.assigned[statement.target.id] = statement.value

    def text(self, expr: ast.expr) -> str:
        if isinstance(expr, ast.Name) and expr.id in self.assigned:
            expr = self.assigned[expr.id]
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        return ast.unparse(expr)  # not a literal: shown as written, and never a catalogue id

    def marks(self, exprs: list[ast.expr]) -> tuple[list[str], set[str]]:
        """The spec ids (in order) and the mark names found anywhere in ``exprs``."""
        ids: list[str] = []
        names: set[str] = set()
        seen_names: set[str] = set()
        pending = list(exprs)
        while pending:
            for node in ast.walk(pending.pop(0)):
                if isinstance(node, ast.Name) and node.id in self.assigned and node.id not in seen_names:
                    seen_names.add(node.id)
                    pending.append(self.assigned[node.id])
                name = _mark_name(node) if isinstance(node, (ast.Call, ast.Attribute)) else None
                if name is None:
                    continue
                names.add(name)
                if name == SPEC_MARKER and isinstance(node, ast.Call) and node.args:
                    spec_id = self.text(node.args[0])
                    if spec_id not in ids:
                        ids.append(spec_id)
        return ids, names


def _pytestmark(body: list[ast.stmt]) -> list[ast.expr]:
    found = []
    for statement in body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in statement.targets
        ):
            found.append(statement.value)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                and statement.target.id == "pytestmark" and statement.value:
            found.append(statement.value)
    return found


def _tests_in(body: list[ast.stmt], inherited: list[ast.expr], prefix: str):
    """(name, line, mark expressions) for each test function pytest would collect from ``body``."""
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name.startswith("test"):
            yield prefix + statement.name, statement.lineno, [*inherited, *statement.decorator_list]
        elif isinstance(statement, ast.ClassDef) and statement.name.startswith("Test"):
            marks = [*inherited, *statement.decorator_list, *_pytestmark(statement.body)]
            yield from _tests_in(statement.body, marks, f"{prefix}{statement.name}::")


def scan_file(path: Path, shown_as: str) -> list[SpecTest]:
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        raise CatalogueError(f"cannot read the test file {path}: {exc}") from None
    scope = _ModuleScope(tree)
    found = []
    for name, line, exprs in _tests_in(tree.body, _pytestmark(tree.body), ""):
        ids, markers = scope.marks(exprs)
        found.append(SpecTest(shown_as, name, line, tuple(ids), frozenset(markers)))
    return found


def is_test_file(path: Path) -> bool:
    return path.suffix == ".py" and (path.name.startswith("test_") or path.stem.endswith("_test"))


def scan_tests(folder: str | Path, base: str | Path | None = None) -> list[SpecTest]:
    """Every test function in the test modules under ``folder``, each named relative to ``base``
    (default: ``folder`` itself, so a spec test is ``test_reqrep.py::test_x``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CatalogueError(f"the tests folder {folder} does not exist")
    base = Path(base or folder).resolve()
    found = []
    for path in sorted(p for p in folder.rglob("*.py") if is_test_file(p)):
        found += scan_file(path, path.resolve().relative_to(base).as_posix())
    return found


# -- the two together ----------------------------------------------------------


@dataclass
class Coverage:
    behaviours: list[Behaviour]
    tests: list[SpecTest]
    checked_by: dict[str, list[SpecTest]] = field(init=False)
    unknown: list[tuple[SpecTest, str]] = field(init=False)  # (test, id the catalogue lacks)
    untagged: list[SpecTest] = field(init=False)  # neither a spec id nor the meta marker

    def __post_init__(self) -> None:
        self.checked_by = {behaviour.id: [] for behaviour in self.behaviours}
        self.unknown = []
        for test in self.tests:
            for spec_id in test.spec_ids:
                if spec_id in self.checked_by:
                    self.checked_by[spec_id].append(test)
                else:
                    self.unknown.append((test, spec_id))
        self.untagged = [test for test in self.tests if not test.spec_ids and META_MARKER not in test.markers]

    @property
    def uncovered(self) -> list[str]:
        return [spec_id for spec_id, tests in self.checked_by.items() if not tests]

    @property
    def kindless(self) -> list[str]:
        """The ids the catalogue gives no kind (semantics, example or contract), once it gives any id a
        kind (a catalogue with no kind lines at all does not sort its ids)."""
        if not any(behaviour.kind for behaviour in self.behaviours):
            return []
        return [behaviour.id for behaviour in self.behaviours if not behaviour.kind]

    @property
    def ok(self) -> bool:
        return not (self.uncovered or self.unknown or self.untagged or self.kindless)


def check(catalogue: str | Path, *folders: str | Path) -> Coverage:
    """The catalogue set against the tests of every folder (each named relative to its folder)."""
    return Coverage(read_catalogue(catalogue), [test for folder in folders for test in scan_tests(folder)])


def self_tests() -> Path | None:
    """The harness's own tests (tests/ of a checkout, beside the package), which check a few ids of
    the harness itself (NC-7, orphans); None where the package is installed without them."""
    checkout = SPEC_DIR.parent.parent
    folder = checkout / "tests"
    return folder if (checkout / "pyproject.toml").is_file() and folder.is_dir() else None
