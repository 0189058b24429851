"""``python -m zmqspec catalogue``: every behaviour id, its sentence, and the tests that check it.

Reads the catalogue (zmqspec/spec/behaviours.md, which the package carries)
and scans the specification's test modules statically (no test is run).
Each id shows its kind: ZeroMQ's own semantics, the example programs'
behaviour, or the node contract; ``--kind KIND`` lists one kind alone.
Exits 0 when every id has a test and a kind, every spec id a test names is
in the catalogue, and every test carries a spec id or the meta marker;
exits 1 otherwise, listing what is missing; 2 when a file cannot be read.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from zmqspec import cli
from zmqspec.conformance import catalogue as _catalogue
from zmqspec.conformance.catalogue import Coverage

WIDTH = 100
INDENT = 7


def parse_args(argv: list[str]):
    p = cli.parser("zmqspec catalogue", __doc__)
    p.add_argument("--catalogue", metavar="FILE", default=None,
                   help=f"the catalogue (default: the package's, {_catalogue.CATALOGUE})")
    p.add_argument("--tests", metavar="DIR", action="append", default=None,
                   help=f"a folder of test modules to scan (repeatable; default: the package's, {_catalogue.SPEC_DIR}, "
                        "and in a checkout also its tests/, the harness's own)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                   help="output format (default text)")
    p.add_argument("--uncovered", action="store_true", help="list only the ids no test checks")
    p.add_argument("--kind", choices=_catalogue.KINDS,
                   help="list only the ids of this kind: semantics (ZeroMQ's own), example (the seed's "
                        "programs), contract (the node contract)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    catalogue = args.catalogue or _catalogue.CATALOGUE
    if args.tests:
        scanned = [(Path(folder), Path(folder)) for folder in args.tests]
    else:  # the spec's tests named from the spec package; the harness's own from the checkout
        own = _catalogue.self_tests()
        scanned = [(_catalogue.SPEC_DIR, _catalogue.SPEC_DIR), *([(own, own.parent)] if own else [])]
    tests = ", ".join(str(folder) for folder, _ in scanned)
    try:
        found = [test for folder, base in scanned for test in _catalogue.scan_tests(folder, base)]
        coverage = _catalogue.Coverage(_catalogue.read_catalogue(catalogue), found)
    except _catalogue.CatalogueError as exc:
        sys.stderr.write(f"zmqspec catalogue: error: {exc}\n")
        return 2
    render = {"text": text, "markdown": markdown, "json": as_json}[args.format]
    sys.stdout.write(render(coverage, str(catalogue), str(tests), args.uncovered, args.kind))
    return 0 if coverage.ok else 1


def shown(coverage: Coverage, only_uncovered: bool, kind: str | None = None):
    """The ids to list: all, or those no test checks; of every kind, or of ``kind`` only."""
    return [b for b in coverage.behaviours
            if (not only_uncovered or not coverage.checked_by[b.id]) and (kind is None or b.kind == kind)]


def summary(coverage: Coverage) -> str:
    uncovered = coverage.uncovered
    line = f"{len(coverage.behaviours)} ids: {len(coverage.behaviours) - len(uncovered)} covered, "
    line += f"{len(uncovered)} uncovered" + (f" ({', '.join(uncovered)})" if uncovered else "")
    line += f"; {len(coverage.unknown)} unknown ids used by tests; {len(coverage.untagged)} untagged tests"
    if any(b.kind for b in coverage.behaviours):
        kinds = ", ".join(f"{sum(b.kind == kind for b in coverage.behaviours)} {kind}" for kind in _catalogue.KINDS)
        line += f"; kinds: {kinds}" + (f", {len(coverage.kindless)} without a kind" if coverage.kindless else "")
    return line


def problems(coverage: Coverage) -> list[str]:
    lines = []
    if coverage.unknown:
        lines += ["", "Tests naming an id the catalogue lacks:"]
        lines += [f"  {test.nodeid} (line {test.line}): {spec_id}" for test, spec_id in coverage.unknown]
    if coverage.untagged:
        lines += ["", f"Tests with neither a spec id nor the {_catalogue.META_MARKER} marker:"]
        lines += [f"  {test.nodeid} (line {test.line})" for test in coverage.untagged]
    if coverage.kindless:
        lines += ["", "Ids with no kind (a '- semantics|example|contract: IDS' line of the catalogue):"]
        lines += [f"  {spec_id}" for spec_id in coverage.kindless]
    return lines


def text(coverage: Coverage, catalogue: str, tests: str, only_uncovered: bool,
         kind: str | None = None) -> str:
    lines = [f"catalogue {catalogue}: {len(coverage.behaviours)} ids; {tests}: {len(coverage.tests)} tests"]
    section = None
    for behaviour in shown(coverage, only_uncovered, kind):
        if behaviour.section != section:
            section = behaviour.section
            lines += ["", f"## {section}"]
        lines += [""] + textwrap.wrap(
            behaviour.sentence, WIDTH, initial_indent=f"{behaviour.id:<{INDENT}}", subsequent_indent=" " * INDENT
        )
        if behaviour.kind or coverage.kindless:
            lines.append(" " * INDENT + f"kind: {behaviour.kind or 'NONE'}")
        checked_by = coverage.checked_by[behaviour.id]
        lines += [" " * INDENT + f"checked by {test.nodeid}" for test in checked_by]
        if not checked_by:
            lines.append(" " * INDENT + "NOT CHECKED by any test")
    lines += problems(coverage)
    lines += ["", summary(coverage)]
    return "\n".join(lines) + "\n"


def cell(words: str) -> str:
    return words.replace("|", "\\|")


def markdown(coverage: Coverage, catalogue: str, tests: str, only_uncovered: bool,
             kind: str | None = None) -> str:
    lines = ["# Behaviour catalogue coverage", "", f"Catalogue `{catalogue}`, tests `{tests}`."]
    section = None
    for behaviour in shown(coverage, only_uncovered, kind):
        if behaviour.section != section:
            section = behaviour.section
            lines += ["", f"## {section}", "", "| id | kind | behaviour | checked by |", "|---|---|---|---|"]
        checked_by = "<br>".join(f"`{test.nodeid}`" for test in coverage.checked_by[behaviour.id])
        kind = behaviour.kind or ("**none**" if coverage.kindless else "–")
        lines.append(f"| {behaviour.id} | {kind} | {cell(behaviour.sentence)} | "
                     f"{checked_by or '**no test**'} |")
    extra = problems(coverage)
    if extra:
        lines += ["", "## Problems", *(f"- {line.strip()}" if line.startswith("  ") else line for line in extra[1:])]
    lines += ["", summary(coverage)]
    return "\n".join(lines) + "\n"


def as_json(coverage: Coverage, catalogue: str, tests: str, only_uncovered: bool,
            kind: str | None = None) -> str:
    document = {
        "catalogue": catalogue,
        "tests": tests,
        "ids": [
            {"id": b.id, "section": b.section, "kind": b.kind, "sentence": b.sentence, "line": b.line,
             "checked_by": [test.nodeid for test in coverage.checked_by[b.id]]}
            for b in shown(coverage, only_uncovered, kind)
        ],
        "uncovered": coverage.uncovered,
        "unknown": [{"test": test.nodeid, "id": spec_id} for test, spec_id in coverage.unknown],
        "untagged": [test.nodeid for test in coverage.untagged],
        "kindless": coverage.kindless,
        "ok": coverage.ok,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
