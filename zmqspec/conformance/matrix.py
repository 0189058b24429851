"""``python -m zmqspec report DIR1 DIR2 ...``: several conformance reports as one matrix.

Each argument is a folder written by ``pytest --conformance-report DIR`` (or
its report.json). The matrix has one column per implementation, worst
first, one row per catalogue id with its sentence, and a summary row. Each
cell is the id's verdict (the worst of its tests that ran) and how many of
its tests passed, ``fail 2/3``; ``–`` when no test of that run checked the id.
A legend follows the table.

Formats: markdown (default), text, json, and html (one self-contained page:
the matrix coloured by verdict, each cell linked to the evidence of its
failing tests; zmqspec/conformance/html.py).
Exit status: 0 when no implementation fails, 1 when one has a fail or a
broken driver, 2 when an input cannot be read.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from zmqspec import cli
from zmqspec.conformance import html
from zmqspec.conformance.verdicts import BROKEN_DRIVER, FAIL, LEGEND, PASS, UNTESTED, WORST_FIRST

FORMATS = ("markdown", "json", "text", "html")
FAILING = (FAIL, BROKEN_DRIVER)
ABSENT = "–"


class ReportError(Exception):
    """A report that cannot be read; the message is one line naming it."""


@dataclass
class Column:
    label: str
    source: str
    report: dict

    @property
    def verdicts(self) -> dict[str, str]:
        return {spec_id: entry.get("verdict", UNTESTED) for spec_id, entry in self.report["catalogue"].items()}

    @property
    def counts(self) -> Counter:
        return Counter(test.get("verdict") for test in self.report.get("tests", []))

    def sort_key(self) -> tuple:
        """Worst first: more fails first, then more broken drivers, ... then fewer passes."""
        counts = self.counts
        return (*(-counts[verdict] for verdict in WORST_FIRST if verdict != PASS), counts[PASS], self.label)

    @property
    def failing(self) -> bool:
        return any(self.counts[verdict] for verdict in FAILING)


def read(argument: str) -> dict:
    path = Path(argument)
    if path.is_dir():
        path = path / "report.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path} does not exist (expected a folder written by pytest --conformance-report)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path} is not JSON: {exc}") from None
    if not (isinstance(report, dict) and isinstance(report.get("implementation"), dict)
            and isinstance(report.get("catalogue"), dict)):
        raise ReportError(f"{path} is not a zmqspec conformance report (no 'implementation' or 'catalogue')")
    return report


def label_of(report: dict) -> str:
    impl = report["implementation"]
    label = " ".join(part for part in (impl.get("name") or "?", impl.get("version") or "") if part)
    peer = report.get("peer")
    if peer:
        roles = ",".join(peer.get("roles") or []) or "peer=True"
        label += f" x {peer.get('name')} ({roles})"
    return label


def columns(arguments: list[str]) -> list[Column]:
    made: list[Column] = []
    seen: Counter[str] = Counter()
    for argument in arguments:
        report = read(argument)
        label = label_of(report)
        seen[label] += 1
        if seen[label] > 1:
            label += f" #{seen[label]}"
        made.append(Column(label, argument, report))
    return sorted(made, key=Column.sort_key)


def rows(cols: list[Column]) -> list[tuple[str, str]]:
    """(catalogue id, sentence) in the order of the first report that lists it."""
    found: dict[str, str] = {}
    for column in cols:
        for spec_id, entry in column.report["catalogue"].items():
            if not found.get(spec_id):
                found[spec_id] = entry.get("sentence", "")
    return list(found.items())


def summary_of(column: Column) -> str:
    counts = column.counts
    return ", ".join(f"{counts[verdict]} {verdict}" for verdict in WORST_FIRST if counts[verdict]) or "no tests"


def fraction(column: Column, spec_id: str) -> tuple[int, int]:
    """(tests of the id that passed, tests of the id in the run)."""
    tests = column.report["catalogue"].get(spec_id, {}).get("tests", [])
    return sum(test.get("verdict") == PASS for test in tests), len(tests)


def cell(column: Column, spec_id: str) -> str:
    verdict = column.verdicts.get(spec_id, UNTESTED)
    if verdict == UNTESTED:
        return ABSENT
    passed, total = fraction(column, spec_id)
    return f"{verdict} {passed}/{total}" if total else verdict


def legend() -> str:

    told = "; ".join(f"{ABSENT if verdict == UNTESTED else verdict}: {meaning}" for verdict, meaning in LEGEND.items())
    return (f"Each cell: the id's verdict (the worst of its tests that ran) and its tests that passed / "
            f"its tests run. Verdicts, worst first: {told}.")


def as_json(cols: list[Column]) -> str:
    return json.dumps({
        "implementations": [{"label": c.label, "source": c.source, "implementation": c.report["implementation"],
                             "peer": c.report.get("peer"), "timestamp": c.report.get("timestamp"),
                             "summary": {v: c.counts[v] for v in WORST_FIRST if c.counts[v]}} for c in cols],
        "rows": [{"id": spec_id, "sentence": sentence,
                  "verdicts": {c.label: c.verdicts.get(spec_id, UNTESTED) for c in cols},
                  "passed": {c.label: list(fraction(c, spec_id)) for c in cols}}
                 for spec_id, sentence in rows(cols)],
    }, indent=2) + "\n"


def as_markdown(cols: list[Column]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(text).replace("|", "\\|") for text in cells) + " |"

    out = [line(["id", *[c.label for c in cols], "behaviour"]), line(["---"] * (len(cols) + 2))]
    out += [line([spec_id, *[cell(c, spec_id) for c in cols], sentence.replace("\n", " ")])
            for spec_id, sentence in rows(cols)]
    out.append(line(["**summary**", *[summary_of(c) for c in cols], "tests per verdict"]))
    return "\n".join(out) + "\n\n" + legend() + "\n"


def as_html(cols: list[Column]) -> str:
    return html.render([html.Column(c.label, c.report) for c in cols], title="zmqspec conformance matrix")


def as_text(cols: list[Column]) -> str:
    table = [["id", *[c.label for c in cols]]]
    table += [[spec_id, *[cell(c, spec_id) for c in cols]] for spec_id, _ in rows(cols)]
    table.append(["summary", *[summary_of(c) for c in cols]])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    body = "\n".join("  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip() for row in table)
    return body + "\n\n" + legend() + "\n"


RENDER = {"markdown": as_markdown, "json": as_json, "text": as_text, "html": as_html}


def main(argv: list[str]) -> int:
    parser = cli.parser("python -m zmqspec report", __doc__)
    parser.add_argument("reports", nargs="+", metavar="DIR", help="a report folder, or its report.json")
    parser.add_argument("--format", choices=FORMATS, default="markdown")
    parser.add_argument("--output", metavar="FILE", help="write the matrix here instead of standard output")
    args = parser.parse_args(argv)
    try:
        cols = columns(args.reports)
    except ReportError as exc:
        sys.stderr.write(f"zmqspec report: error: {exc}\n")
        return 2
    text = RENDER[args.format](cols)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            sys.stderr.write(f"zmqspec report: error: cannot write {args.output}: {exc.strerror}\n")
            return 2
    else:
        sys.stdout.write(text)
    failing = [c.label for c in cols if c.failing]
    if failing:
        sys.stderr.write(f"zmqspec report: failing: {', '.join(failing)}\n")
    return 1 if failing else 0
