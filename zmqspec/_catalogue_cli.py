"""``python -m zmqspec catalogue``: every behaviour id, its sentence, and the tests that check it.

Reads docs/behaviours.md and scans the tests folder statically (no test is
run). Exits 0 when every id has a test, every spec id a test names is in
the catalogue, and every test carries a spec id or the meta marker;
exits 1 otherwise, listing what is missing; 2 when a file cannot be read.
"""

from __future__ import annotations

import json
import sys
import textwrap

from zmqspec import _catalogue, _node
from zmqspec._catalogue import Coverage

WIDTH = 100
INDENT = 7


def parse_args(argv: list[str]):
    p = _node.parser("catalogue", __doc__)
    p.add_argument("--catalogue", metavar="FILE", default=None,
                   help="the catalogue (default: docs/behaviours.md here, else in the zmqspec checkout)")
    p.add_argument("--tests", metavar="DIR", default=None,
                   help="the tests folder to scan (default: ./tests, else the checkout's tests)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                   help="output format (default text)")
    p.add_argument("--uncovered", action="store_true", help="list only the ids no test checks")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    catalogue = args.catalogue or _catalogue.default_path("docs/behaviours.md")
    tests = args.tests or _catalogue.default_path("tests")
    try:
        coverage = _catalogue.check(catalogue, tests)
    except _catalogue.CatalogueError as exc:
        sys.stderr.write(f"zmqspec catalogue: error: {exc}\n")
        return 2
    render = {"text": text, "markdown": markdown, "json": as_json}[args.format]
    sys.stdout.write(render(coverage, str(catalogue), str(tests), args.uncovered))
    return 0 if coverage.ok else 1


def shown(coverage: Coverage, only_uncovered: bool):
    return [b for b in coverage.behaviours if not only_uncovered or not coverage.checked_by[b.id]]


def summary(coverage: Coverage) -> str:
    uncovered = coverage.uncovered
    line = f"{len(coverage.behaviours)} ids: {len(coverage.behaviours) - len(uncovered)} covered, "
    line += f"{len(uncovered)} uncovered" + (f" ({', '.join(uncovered)})" if uncovered else "")
    line += f"; {len(coverage.unknown)} unknown ids used by tests; {len(coverage.untagged)} untagged tests"
    return line


def problems(coverage: Coverage) -> list[str]:
    lines = []
    if coverage.unknown:
        lines += ["", "Tests naming an id the catalogue lacks:"]
        lines += [f"  {test.nodeid} (line {test.line}): {spec_id}" for test, spec_id in coverage.unknown]
    if coverage.untagged:
        lines += ["", f"Tests with neither a spec id nor the {_catalogue.META_MARKER} marker:"]
        lines += [f"  {test.nodeid} (line {test.line})" for test in coverage.untagged]
    return lines


def text(coverage: Coverage, catalogue: str, tests: str, only_uncovered: bool) -> str:
    lines = [f"catalogue {catalogue}: {len(coverage.behaviours)} ids; {tests}: {len(coverage.tests)} tests"]
    section = None
    for behaviour in shown(coverage, only_uncovered):
        if behaviour.section != section:
            section = behaviour.section
            lines += ["", f"## {section}"]
        lines += [""] + textwrap.wrap(
            behaviour.sentence, WIDTH, initial_indent=f"{behaviour.id:<{INDENT}}", subsequent_indent=" " * INDENT
        )
        checked_by = coverage.checked_by[behaviour.id]
        lines += [" " * INDENT + f"checked by {test.nodeid}" for test in checked_by]
        if not checked_by:
            lines.append(" " * INDENT + "NOT CHECKED by any test")
    lines += problems(coverage)
    lines += ["", summary(coverage)]
    return "\n".join(lines) + "\n"


def cell(words: str) -> str:
    return words.replace("|", "\\|")


def markdown(coverage: Coverage, catalogue: str, tests: str, only_uncovered: bool) -> str:
    lines = ["# Behaviour catalogue coverage", "", f"Catalogue `{catalogue}`, tests `{tests}`."]
    section = None
    for behaviour in shown(coverage, only_uncovered):
        if behaviour.section != section:
            section = behaviour.section
            lines += ["", f"## {section}", "", "| id | behaviour | checked by |", "|---|---|---|"]
        checked_by = "<br>".join(f"`{test.nodeid}`" for test in coverage.checked_by[behaviour.id])
        lines.append(f"| {behaviour.id} | {cell(behaviour.sentence)} | {checked_by or '**no test**'} |")
    extra = problems(coverage)
    if extra:
        lines += ["", "## Problems", *(f"- {line.strip()}" if line.startswith("  ") else line for line in extra[1:])]
    lines += ["", summary(coverage)]
    return "\n".join(lines) + "\n"


def as_json(coverage: Coverage, catalogue: str, tests: str, only_uncovered: bool) -> str:
    document = {
        "catalogue": catalogue,
        "tests": tests,
        "ids": [
            {"id": b.id, "section": b.section, "sentence": b.sentence, "line": b.line,
             "checked_by": [test.nodeid for test in coverage.checked_by[b.id]]}
            for b in shown(coverage, only_uncovered)
        ],
        "uncovered": coverage.uncovered,
        "unknown": [{"test": test.nodeid, "id": spec_id} for test, spec_id in coverage.unknown],
        "untagged": [test.nodeid for test in coverage.untagged],
        "ok": coverage.ok,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
