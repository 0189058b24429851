"""The conformance report: one implementation's verdicts, per catalogue id and per test.

``pytest --conformance-report DIR`` writes

    DIR/report.json   for machines (and for ``python -m zmqspec report``); its JSON Schema is
                      zmqspec/schemas/conformance-report.json (:data:`SCHEMA`)
    DIR/report.md     a legend, then a table: id | behaviour | verdict | tests passed | tests,
                      then the whole evidence of every test that did not pass
    DIR/report.html   the same as one self-contained page (zmqspec/conformance/html.py)

Each report records the zmqspec version and the catalogue's version (a hash
of behaviours.md, :func:`zmqspec.conformance.catalogue.catalogue_version`)
it was made with. Results are gathered from ``pytest_runtest_logreport``,
which under xdist runs in the controller with the reports the workers send;
everything the verdict needs travels in ``report.user_properties``
(zmqspec/conformance/verdicts.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from zmqspec.conformance.catalogue import CATALOGUE, CatalogueError, catalogue_version, read_catalogue
from zmqspec.conformance.describe import describe_hello, describe_impl
from zmqspec.conformance.verdicts import (
    LEGEND, BROKEN_DRIVER, FAIL, PASS, ROLES_PROPERTY, SHOULD_PROPERTY, SPEC_PROPERTY, TEST_PROPERTY, UNTESTED, WORST_FIRST, XFAIL,
    id_verdict, property_of, rank, verdict_of, worst,
)

FORMAT = "zmqspec-conformance-report/2"
SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "conformance-report.json"
PHASES = ("setup", "call", "teardown")
FAILING = (FAIL, BROKEN_DRIVER)
EVIDENCE_PREFIX = "zmqspec nodes"  # the report sections (pytest_plugin) that show the nodes of a failed test
RERUN_PREFIX = "zmqspec re-run"


def first_lines(text: str) -> str:
    """The message whole, without blank lines at either end (evidence is never cut)."""
    return str(text).strip("\n").rstrip()


def message_of(report, verdict: str) -> str:
    if verdict == PASS:
        if report.passed and hasattr(report, "wasxfail"):
            return first_lines(f"XPASS: listed as an {report.wasxfail}, yet it passed")
        return ""
    shoulds = property_of(report, SHOULD_PROPERTY)
    if shoulds and not report.failed:
        return "SHOULD not met: " + "; ".join(shoulds)
    if verdict == XFAIL and hasattr(report, "wasxfail"):
        return first_lines(report.wasxfail)
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return first_lines(re.sub(r"^Skipped: ", "", str(longrepr[2])))
    crash = getattr(longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(longrepr or "")
    return first_lines(text)


@dataclass
class TestResult:
    nodeid: str
    spec: list[str] = field(default_factory=list)
    phases: dict[str, tuple[str, str]] = field(default_factory=dict)  # when -> (verdict, message)
    duration: float = 0.0
    nodes: str = ""  # the nodes the test started, when it failed and they are not in its message
    rerun: str = ""  # the command that re-runs just this test against the same implementation
    roles: set[str] = field(default_factory=set)  # the roles of the nodes it started

    @property
    def verdict(self) -> str:
        return worst(verdict for verdict, _ in self.phases.values())

    @property
    def message(self) -> str:
        verdict = self.verdict
        for when in PHASES:
            phase_verdict, message = self.phases.get(when, (None, ""))
            if phase_verdict == verdict and message:
                return message if when == "call" or verdict not in FAILING else f"({when}) {message}"
        return ""

    def as_json(self) -> dict:
        made = {"nodeid": self.nodeid, "spec": self.spec, "verdict": self.verdict,
                "duration": round(self.duration, 3), "message": self.message, "roles": sorted(self.roles)}
        if self.verdict != PASS:
            made.update(nodes=self.nodes, rerun=self.rerun)
        return made


class Collector:
    """Per-test verdicts, fed one phase report at a time."""

    def __init__(self):
        self.results: dict[str, TestResult] = {}

    def add(self, report) -> None:
        """Take one phase report; a test is named by the id the plugin recorded (stable wherever
        the suite is installed), else by pytest's node id."""
        nodeid = property_of(report, TEST_PROPERTY) or report.nodeid
        result = self.results.setdefault(nodeid, TestResult(nodeid))
        result.spec = list(property_of(report, SPEC_PROPERTY, result.spec) or [])
        verdict = verdict_of(report)
        result.phases[report.when] = (verdict, message_of(report, verdict))
        result.duration += getattr(report, "duration", 0.0) or 0.0
        result.roles.update(property_of(report, ROLES_PROPERTY, []) or [])
        for title, content in getattr(report, "sections", ()):
            if title.startswith(EVIDENCE_PREFIX) and content.strip():
                result.nodes = (result.nodes + "\n" + content).strip("\n")
            elif title.startswith(RERUN_PREFIX):
                result.rerun = content.strip()

    def counts(self) -> Counter:
        return Counter(result.verdict for result in self.results.values())


def load_sentences() -> dict[str, str]:
    """Catalogue id -> sentence, from the catalogue the package carries (empty when it cannot be read)."""
    return {spec_id: about["sentence"] for spec_id, about in load_catalogue().items()}


def load_catalogue() -> dict[str, dict]:
    """Catalogue id -> {sentence, section, kind}, from the catalogue the package carries (empty when
    it cannot be read)."""
    try:
        return {b.id: {"sentence": b.sentence, "section": b.section, "kind": getattr(b, "kind", "")}
                for b in read_catalogue(CATALOGUE)}
    except CatalogueError:
        return {}


def passed_of(tests: list[dict]) -> int:
    return sum(test["verdict"] == PASS for test in tests)


def build(collector: Collector, run: dict, sentences: dict[str, str] | dict[str, dict]) -> dict:
    """The report as a dict (report.json). ``sentences`` maps each catalogue id to its sentence, or to
    {sentence, section, kind} (:func:`load_catalogue`)."""
    from zmqspec import __version__

    about = {spec_id: value if isinstance(value, dict) else {"sentence": value}
             for spec_id, value in sentences.items()}
    tests = [collector.results[nodeid].as_json() for nodeid in sorted(collector.results)]
    by_id: dict[str, list[dict]] = {spec_id: [] for spec_id in about}
    for test in tests:
        for spec_id in test["spec"]:
            by_id.setdefault(spec_id, []).append(test)
    catalogue = {
        spec_id: {"sentence": about.get(spec_id, {}).get("sentence", ""),
                  "section": about.get(spec_id, {}).get("section", ""),
                  "kind": about.get(spec_id, {}).get("kind", ""),
                  "verdict": id_verdict(test["verdict"] for test in checked) if checked else UNTESTED,
                  "passed": passed_of(checked),
                  "tests": checked}
        for spec_id, checked in by_id.items()
    }
    summary = Counter(test["verdict"] for test in tests)
    return {
        "format": FORMAT,
        "zmqspec_version": __version__,
        "catalogue_version": catalogue_version(),
        **run,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "summary": {verdict: summary[verdict] for verdict in WORST_FIRST if summary[verdict]},
        "catalogue": catalogue,
        "tests": tests,
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def legend_lines() -> list[str]:
    return ["Verdicts, worst first: " + "; ".join(f"**{verdict}**: {meaning}" for verdict, meaning in LEGEND.items())
            + ". *passed* counts the id's tests whose verdict is pass."]


def markdown(report: dict) -> str:
    impl = report["implementation"]
    peer = report.get("peer")
    summary = ", ".join(f"{count} {verdict}" for verdict, count in report["summary"].items()) or "no tests"
    lines = [
        f"# zmqspec conformance report: {impl.get('name')} {impl.get('version') or ''}".rstrip(),
        "",
        f"- Implementation: {describe_impl(impl)}",
        f"- Driver: {describe_hello(impl.get('driver'))}",
        f"- Peer: {describe_impl(peer)}" + (f", roles from the peer: {', '.join(peer['roles']) or 'none'}"
                                           if peer else ""),
        f"- Expected failures: {report.get('xfails') or 'none'}",
        f"- Run: {report['timestamp']}, {len(report['tests'])} tests: {summary}",
        f"- zmqspec {report.get('zmqspec_version', '?')}, catalogue {report.get('catalogue_version', '?')}",
        "",
        *legend_lines(),
        "",
        "| id | behaviour | verdict | passed | tests |",
        "| --- | --- | --- | --- | --- |",
    ]
    for spec_id, entry in report["catalogue"].items():
        tests = "<br>".join(f"`{test['nodeid'].rsplit('::', 1)[-1]}` ({test['verdict']})" for test in entry["tests"])
        verdict = entry["verdict"]
        shown = f"**{verdict}**" if rank(verdict) > rank(PASS) and verdict != "skipped" else verdict
        passed = f"{passed_of(entry['tests'])}/{len(entry['tests'])}" if entry["tests"] else "–"
        lines.append(f"| {spec_id} | {_cell(entry['sentence'])} | {shown} | {passed} | {tests or '–'} |")
    troubled = [test for test in report["tests"] if test["verdict"] != PASS]
    if troubled:
        lines += ["", "## Tests that did not pass", ""]
        for test in troubled:
            ids = ", ".join(test["spec"])
            lines += [f"### {test['nodeid']}: {test['verdict']}" + (f" ({ids})" if ids else ""), ""]
            for spec_id in test["spec"]:
                sentence = report["catalogue"].get(spec_id, {}).get("sentence")
                if sentence:
                    lines += [f"> {spec_id}: {sentence}", ""]
            if test["message"]:
                lines += ["```", test["message"], "```", ""]
            if test.get("nodes"):
                lines += ["The nodes it started:", "", "```", test["nodes"], "```", ""]
            if test.get("rerun"):
                lines += ["```sh", test["rerun"], "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def write(directory: str | Path, report: dict) -> tuple[Path, ...]:
    """Write report.json, report.md and report.html to ``directory``; return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    as_json, as_md, as_html = directory / "report.json", directory / "report.md", directory / "report.html"
    as_json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    as_md.write_text(markdown(report), encoding="utf-8")
    from zmqspec.conformance import html  # jinja2: imported by the runs that write a report, not by every run

    as_html.write_text(html.render_report(report), encoding="utf-8")
    return as_json, as_md, as_html
