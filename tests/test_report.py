"""report.json against its shipped JSON Schema; report.md and report.html from one report; the merged
matrix as Markdown and HTML.

The reports here are built from phase reports made by hand (no run), one per
verdict, so that every verdict's shape reaches the schema and the pages;
tests/test_conformance_machinery.py checks reports of real runs against the
schema too.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from types import SimpleNamespace

import jsonschema
import pytest

from zmqspec.conformance import html, matrix
from zmqspec.conformance import report as _report
from zmqspec.conformance.catalogue import CATALOGUE, catalogue_version, read_catalogue
from zmqspec.conformance.verdicts import SPEC_PROPERTY, TEST_PROPERTY, VERDICT_PROPERTY

pytestmark = pytest.mark.meta

LONG = "\n".join(f"line {n} of the evidence" for n in range(1, 41))


def phase(nodeid: str, spec: list[str], verdict: str, when: str = "call", message: str = "", sections=()):
    crash = SimpleNamespace(message=message)
    return SimpleNamespace(
        nodeid=nodeid, when=when, duration=0.01, sections=list(sections),
        passed=verdict == "pass", failed=verdict in ("fail", "broken driver"), skipped=verdict in ("skipped", "xfail"),
        longrepr=SimpleNamespace(reprcrash=crash) if message else None,
        user_properties=[(VERDICT_PROPERTY, verdict), (SPEC_PROPERTY, spec), (TEST_PROPERTY, nodeid)],
    )


def made_report(name: str = "sample", failing: bool = True) -> dict:
    collector = _report.Collector()
    collector.add(phase("test_reqrep.py::test_a", ["RR-1"], "pass"))
    collector.add(phase("test_reqrep.py::test_b", ["RR-1"], "fail" if failing else "pass", message=LONG,
                        sections=[("zmqspec nodes (call)", "--- node rep-server: pid 1, running"),
                                  ("zmqspec re-run (call)", "python -m pytest 'test_reqrep.py::test_b'")]))
    collector.add(phase("test_pubsub.py::test_c", ["PS-2"], "not provided"))
    collector.add(phase("test_pipeline.py::test_d", ["PP-1", "PP-2"], "broken driver", message="broken driver: x"))
    run = {"implementation": {"name": name, "version": "1.0", "manifest": "/x/manifest.toml",
                              "driver": {"hello": None, "problem": "not provided"}},
           "peer": None, "xfails": None, "validate_protocol": False, "arguments": [], "exit_status": 1}
    return _report.build(collector, run, _report.load_catalogue())


def schema() -> dict:
    return json.loads(_report.SCHEMA.read_text(encoding="utf-8"))


def test_the_report_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_a_report_validates_against_its_shipped_schema_and_names_its_versions():
    from zmqspec import __version__

    report = made_report()
    jsonschema.validate(report, schema())
    assert report["zmqspec_version"] == __version__
    assert report["catalogue_version"] == catalogue_version() and catalogue_version().startswith("sha256:")
    assert report["catalogue"]["RR-1"]["passed"] == 1 and len(report["catalogue"]["RR-1"]["tests"]) == 2
    assert report["catalogue"]["RR-1"]["section"].startswith("REQ-REP")


def test_the_schema_refuses_a_report_without_versions_or_with_an_unknown_verdict():
    report = made_report()
    for broken in ({k: v for k, v in report.items() if k != "catalogue_version"},
                   {**report, "tests": [{**report["tests"][0], "verdict": "sort of"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema())


def test_report_md_keeps_the_whole_evidence_a_legend_the_sentences_and_the_fraction_passed():
    report = made_report()
    text = _report.markdown(report)
    assert LONG in text, "the message was cut"
    assert "**fail**: a MUST is broken" in text and "**untested**" in text
    sentence = {b.id: b.sentence for b in read_catalogue(CATALOGUE)}["RR-1"]
    assert f"| RR-1 | {_report._cell(sentence)} | **fail** | 1/2 |" in text
    assert "--- node rep-server: pid 1, running" in text and "python -m pytest 'test_reqrep.py::test_b'" in text


class Cells(HTMLParser):
    """The matrix cells of a page (td class cell), and every id and link target."""

    def __init__(self):
        super().__init__()
        self.cells, self.ids, self.links = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "td" and "cell" in (attrs.get("class") or "").split():
            self.cells.append((attrs["data-id"], attrs["data-impl"], attrs["class"]))
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.links.append(attrs["href"][1:])


def parsed(page: str) -> Cells:
    found = Cells()
    found.feed(page)
    return found


def test_report_html_has_one_cell_per_id_coloured_by_verdict_and_links_to_the_evidence():
    report = made_report()
    page = html.render_report(report)
    found = parsed(page)
    ids = list(report["catalogue"])
    assert [cell[0] for cell in found.cells] == ids, "one cell per catalogue id, in the catalogue's order"
    classes = {spec_id: cls for spec_id, _, cls in found.cells}
    assert "v-fail" in classes["RR-1"] and "v-broken-driver" in classes["PP-2"] and "v-untested" in classes["RR-2"]
    assert set(found.links) <= found.ids, f"links to nowhere: {set(found.links) - found.ids}"
    assert {"ev-0-rr-1", "ev-0-pp-1", "ev-0-ps-2"} <= set(found.links)
    assert "line 40 of the evidence" in page and "<script" not in page and "http" not in page.split("<body>")[0]


def test_the_merged_matrix_has_one_cell_per_id_and_implementation(tmp_path):
    for name, failing in (("alpha", True), ("beta", False)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "report.json").write_text(json.dumps(made_report(name, failing)))
    cols = matrix.columns([str(tmp_path / "alpha"), str(tmp_path / "beta")])
    found = parsed(matrix.as_html(cols))
    ids = [spec_id for spec_id, _ in matrix.rows(cols)]
    assert len(found.cells) == len(ids) * 2
    assert {(spec_id, impl) for spec_id, impl, _ in found.cells} == {(i, c.label) for i in ids for c in cols}
    assert set(found.links) <= found.ids
    text = matrix.as_markdown(cols)
    assert "| RR-1 | fail 1/2 | pass 2/2 | A server (REP)" in text, text[:600]
    assert "Verdicts, worst first: fail: a MUST is broken" in text


def test_a_sentence_shows_its_code_spans_as_code_and_escapes_the_rest():
    """The HTML report shows a catalogue sentence's `code` as <code>, never the backticks, and
    escapes what is not markup (two spaces kept: the page sets pre-wrap)."""
    from zmqspec.conformance.html import code_spans

    shown = str(code_spans("prints `SENDING:  {name},{m}` for <b> and `a<b>`"))
    assert shown == "prints <code>SENDING:  {name},{m}</code> for &lt;b&gt; and <code>a&lt;b&gt;</code>"
