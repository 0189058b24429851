"""The conformance report: one implementation's verdicts, per catalogue id and per test.

``pytest --conformance-report DIR`` writes

    DIR/report.json   for machines (and for ``python -m zmqspec report``)
    DIR/report.md     a table: id | behaviour | verdict | tests

Results are gathered from ``pytest_runtest_logreport``, which under xdist
runs in the controller with the reports the workers send; everything the
verdict needs travels in ``report.user_properties`` (zmqspec/conformance/verdicts.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from zmqspec.conformance.catalogue import CATALOGUE, CatalogueError, read_catalogue
from zmqspec.conformance.verdicts import (
    BROKEN_DRIVER, FAIL, PASS, SHOULD_PROPERTY, SPEC_PROPERTY, TEST_PROPERTY, UNTESTED, WORST_FIRST, XFAIL,
    id_verdict, property_of, rank, verdict_of, worst,
)

FORMAT = "zmqspec-conformance-report/1"
MESSAGE_LINES = 6
MESSAGE_WIDTH = 300
PHASES = ("setup", "call", "teardown")
FAILING = (FAIL, BROKEN_DRIVER)


def first_lines(text: str, count: int = MESSAGE_LINES) -> str:
    lines = [line.rstrip()[:MESSAGE_WIDTH] for line in str(text).strip().splitlines() if line.strip()]
    return "\n".join(lines[:count])


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
        return {"nodeid": self.nodeid, "spec": self.spec, "verdict": self.verdict,
                "duration": round(self.duration, 3), "message": self.message}


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

    def counts(self) -> Counter:
        return Counter(result.verdict for result in self.results.values())


def load_sentences() -> dict[str, str]:
    """Catalogue id -> sentence, from the catalogue the package carries (empty when it cannot be read)."""
    try:
        return {behaviour.id: behaviour.sentence for behaviour in read_catalogue(CATALOGUE)}
    except CatalogueError:
        return {}


def build(collector: Collector, run: dict, sentences: dict[str, str]) -> dict:
    tests = [collector.results[nodeid].as_json() for nodeid in sorted(collector.results)]
    by_id: dict[str, list[dict]] = {spec_id: [] for spec_id in sentences}
    for test in tests:
        for spec_id in test["spec"]:
            by_id.setdefault(spec_id, []).append(test)
    catalogue = {
        spec_id: {"sentence": sentences.get(spec_id, ""),
                  "verdict": id_verdict(test["verdict"] for test in checked) if checked else UNTESTED,
                  "tests": checked}
        for spec_id, checked in by_id.items()
    }
    summary = Counter(test["verdict"] for test in tests)
    return {
        "format": FORMAT,
        **run,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "summary": {verdict: summary[verdict] for verdict in WORST_FIRST if summary[verdict]},
        "catalogue": catalogue,
        "tests": tests,
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def describe_impl(impl: dict | None) -> str:
    if not impl:
        return "none"
    text = " ".join(part for part in (impl.get("name"), impl.get("version")) if part)
    if impl.get("manifest"):
        text += f" (manifest {impl['manifest']})"
    return text


def describe_hello(driver: dict | None) -> str:
    if not driver:
        return "none"
    hello, problem = driver.get("hello"), driver.get("problem")
    if not hello and problem == "not provided":
        return "not provided (the implementation has no driver role)"
    parts = []
    if hello:
        parts.append(", ".join(f"{key} {hello[key]}" for key in ("implementation", "language", "library", "zmq_version")
                               if key in hello))
        if "transports" in hello:
            parts.append("transports " + " ".join(map(str, hello["transports"])))
    if problem:
        parts.append(f"problem: {problem}")
    return "; ".join(parts) or "none"


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
        "",
        "| id | behaviour | verdict | tests |",
        "| --- | --- | --- | --- |",
    ]
    for spec_id, entry in report["catalogue"].items():
        tests = "<br>".join(f"`{test['nodeid'].rsplit('::', 1)[-1]}` ({test['verdict']})" for test in entry["tests"])
        verdict = entry["verdict"]
        shown = f"**{verdict}**" if rank(verdict) > rank(PASS) and verdict != "skipped" else verdict
        lines.append(f"| {spec_id} | {_cell(entry['sentence'])} | {shown} | {tests or '–'} |")
    troubled = [test for test in report["tests"] if test["verdict"] != PASS]
    if troubled:
        lines += ["", "## Tests that did not pass", ""]
        for test in troubled:
            lines += [f"### {test['nodeid']}: {test['verdict']}", ""]
            if test["message"]:
                lines += ["```", test["message"], "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def write(directory: str | Path, report: dict) -> tuple[Path, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    as_json, as_md = directory / "report.json", directory / "report.md"
    as_json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    as_md.write_text(markdown(report), encoding="utf-8")
    return as_json, as_md
