"""Conformance reports as one self-contained HTML page (jinja2; no script, no external file).

``render(columns)`` draws the implementations x catalogue ids matrix: one
column per implementation, one row per id grouped by the catalogue's
sections, each row with the id's sentence, each cell coloured by the id's
verdict for that implementation and showing how many of its tests passed. A
cell whose id did not pass links to the evidence below the matrix: per
implementation and id, every test that did not pass, with its whole message,
the nodes it started and the command that re-runs it.

``render_report(report)`` is the page of one run (report.html, one
column); ``zmqspec report --format html`` merges several. Every matrix cell
is a ``<td class="cell v-VERDICT" data-id=ID data-impl=LABEL>``, so a test
(or a browser) can count them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

import jinja2
import markupsafe

from zmqspec.conformance.describe import describe_impl
from zmqspec.conformance.verdicts import LEGEND, PASS, UNTESTED, WORST_FIRST

TEMPLATE = "report.html.j2"
ABSENT = "–"


@dataclass
class Column:
    """One implementation's run: its label and its report.json as a dict."""

    label: str
    report: dict


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


def code_spans(text: str) -> markupsafe.Markup:
    """A catalogue sentence as HTML: escaped, with its Markdown code spans (`...`) as <code>."""
    parts = re.split(r"`([^`]*)`", text)
    return markupsafe.Markup("").join(
        markupsafe.Markup("<code>{}</code>").format(part) if odd else markupsafe.escape(part)
        for odd, part in ((i % 2 == 1, part) for i, part in enumerate(parts)))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("zmqspec", "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["slug"] = slug
    env.filters["code_spans"] = code_spans
    return env


def _sections(columns: list[Column]) -> list[dict]:
    """The rows, grouped: [{title, rows: [{id, sentence, cells: [{verdict, passed, total, anchor}]}]}]."""
    found: dict[str, dict] = {}
    for column in columns:
        for spec_id, entry in column.report["catalogue"].items():
            row = found.setdefault(spec_id, {"id": spec_id, "sentence": "", "section": "", "kind": ""})
            for key in ("sentence", "section", "kind"):
                row[key] = row[key] or entry.get(key, "")
    sections: dict[str, dict] = {}
    for spec_id, row in found.items():
        cells = []
        for index, column in enumerate(columns):
            entry = column.report["catalogue"].get(spec_id)
            tests = entry.get("tests", []) if entry else []
            verdict = entry.get("verdict", UNTESTED) if entry else UNTESTED
            passed = sum(test.get("verdict") == PASS for test in tests)
            troubled = any(test.get("verdict") != PASS for test in tests)
            cells.append({"verdict": verdict, "passed": passed, "total": len(tests), "impl": column.label,
                          "anchor": f"ev-{index}-{slug(spec_id)}" if troubled else None})
        title = row["section"] or "Other ids"
        sections.setdefault(title, {"title": title, "rows": []})["rows"].append({**row, "cells": cells})
    return list(sections.values())


def _evidence(columns: list[Column]) -> list[dict]:
    """Per implementation, per id with a test that did not pass: those tests."""
    made = []
    for index, column in enumerate(columns):
        ids = []
        for spec_id, entry in column.report["catalogue"].items():
            troubled = [test for test in entry.get("tests", []) if test.get("verdict") != PASS]
            if troubled:
                ids.append({"id": spec_id, "sentence": entry.get("sentence", ""), "verdict": entry.get("verdict"),
                            "anchor": f"ev-{index}-{slug(spec_id)}", "tests": troubled})
        made.append({"label": column.label, "ids": ids})
    return made


def _summary(report: dict) -> str:
    counts = {verdict: 0 for verdict in WORST_FIRST}
    for test in report.get("tests", []):
        counts[test.get("verdict")] = counts.get(test.get("verdict"), 0) + 1
    return ", ".join(f"{count} {verdict}" for verdict, count in counts.items() if count) or "no tests"


def render(columns: list[Column], title: str = "zmqspec conformance") -> str:
    """The page for these columns (in the order given)."""
    from zmqspec import __version__

    return _environment().get_template(TEMPLATE).render(
        title=title,
        generated=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        zmqspec_version=__version__,
        columns=[{"label": c.label, "summary": _summary(c.report), "about": describe_impl(c.report["implementation"]),
                  "timestamp": c.report.get("timestamp", ""), "zmqspec_version": c.report.get("zmqspec_version", "?"),
                  "catalogue_version": c.report.get("catalogue_version", "?")} for c in columns],
        sections=_sections(columns),
        evidence=_evidence(columns),
        legend=LEGEND,
        absent=ABSENT,
        untested=UNTESTED,
    )


def render_report(report: dict) -> str:
    """report.html: one run's page."""
    impl = report["implementation"]
    label = " ".join(part for part in (impl.get("name") or "?", impl.get("version") or "") if part)
    return render([Column(label, report)], title=f"zmqspec conformance: {label}")
