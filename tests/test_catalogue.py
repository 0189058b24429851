"""The catalogue (zmqspec/spec/behaviours.md) and the suite agree: every test names real ids, every id gets a test."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zmqspec.conformance import catalogue as _catalogue
from zmqspec.conformance import catalogue_cli as _catalogue_cli
from zmqspec.harness import scaled

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = _catalogue.CATALOGUE
SPEC = _catalogue.SPEC_DIR
TESTS = ROOT / "tests"  # the harness's own tests: each is marked meta
SEED_IDS = [f"{prefix}-{n}" for prefix, count in (("RR", 12), ("PS", 12), ("PP", 10), ("TR", 5))
            for n in range(1, count + 1)]


@pytest.fixture(scope="module")
def coverage() -> _catalogue.Coverage:
    return _catalogue.Coverage(_catalogue.read_catalogue(CATALOGUE),
                               _catalogue.scan_tests(SPEC) + _catalogue.scan_tests(TESTS))


def listed(tests) -> str:
    return "\n  ".join(f"{test.nodeid} (line {test.line})" for test in tests)


def test_every_test_function_carries_a_spec_id_or_the_meta_marker(coverage):
    """Every test function of the specification and of tests/ names the catalogue ids it checks, or is marked meta."""
    assert coverage.tests, f"no test functions found in {SPEC} or {TESTS}"
    assert not coverage.untagged, f"tests with neither a spec id nor the meta marker:\n  {listed(coverage.untagged)}"


def test_every_spec_id_a_test_names_is_in_the_catalogue(coverage):
    """A spec mark names an id of the catalogue: no typo, no id the catalogue has not adopted."""
    unknown = [f"{test.nodeid} (line {test.line}): {spec_id}" for test, spec_id in coverage.unknown]
    assert not unknown, f"ids missing from {CATALOGUE}:\n  " + "\n  ".join(unknown)


def test_every_catalogue_id_is_checked_by_at_least_one_test(coverage):
    """Every id of the catalogue is named by the spec mark of at least one test."""
    assert not coverage.uncovered, f"ids no test checks: {', '.join(coverage.uncovered)}"


def test_the_parser_reads_every_seed_id_of_the_catalogue_with_its_sentence():
    """The catalogue yields RR-1..12, PS-1..12, PP-1..10 and TR-1..5, each with its whole sentence."""
    behaviours = {b.id: b for b in _catalogue.read_catalogue(CATALOGUE)}
    missing = [spec_id for spec_id in SEED_IDS if spec_id not in behaviours]
    assert not missing, f"ids missing from {CATALOGUE}: {missing}"
    short = {b.id: b.sentence for b in behaviours.values() if len(b.sentence) < 40}
    assert not short, f"sentences that look cut short: {short}"
    rr1 = behaviours["RR-1"].sentence
    assert rr1.startswith("A server (REP) started with a name") and rr1.endswith("(two spaces)."), \
        f"RR-1 should be read across its continuation lines, got {rr1!r}"
    assert "\n" not in rr1 and "  SENDING" not in rr1, f"continuation lines are joined with one space: {rr1!r}"
    assert behaviours["PP-9"].section.startswith("PUSH-PULL"), f"PP-9 is filed under {behaviours['PP-9'].section!r}"


# -- the parser and the scanner on small made-up inputs ------------------------


def test_the_parser_joins_continuation_lines_and_ignores_other_bullets():
    """An entry runs from its `- ID` line over the indented lines after it; other bullets are not entries."""
    text = textwrap.dedent("""\
        # Title
        - not an entry
        ## First
        - AB-1  One sentence
          that goes on.
        - AB-2 Short.

          Not a continuation.
        ## Second (notes)
        - AB-10 Last one,
            indented deeper.
        - `pytest --spec AB-1` is not an entry either
        """)
    behaviours = _catalogue.parse_catalogue(text)
    found = [(b.id, b.sentence, b.section, b.line) for b in behaviours]
    assert found == [
        ("AB-1", "One sentence that goes on.", "First", 4),
        ("AB-2", "Short.", "First", 6),
        ("AB-10", "Last one, indented deeper.", "Second (notes)", 10),
    ], f"parsed {found}"


def test_the_parser_rejects_an_id_listed_twice():
    """Ids are unique: a second entry with the same id is an error naming both lines."""
    with pytest.raises(_catalogue.CatalogueError, match=r"x\.md:3: AB-1 is listed twice \(first at line 1\)"):
        _catalogue.parse_catalogue("- AB-1  First.\n\n- AB-1  Again.\n", "x.md")


def write_tests(folder: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


MADE_UP_TESTS = {
    "tests/test_one.py": """\
        import pytest
        from pytest import mark

        pytestmark = [pytest.mark.reqrep, pytest.mark.spec("AB-1")]
        SECOND = pytest.mark.spec("AB-2")
        THIRD = "AB-3"

        @pytest.mark.spec("AB-2")
        @pytest.mark.spec("AB-9")
        def test_direct():
            pass

        @SECOND
        async def test_through_a_name():
            pass

        @mark.spec(THIRD)
        def test_through_a_constant():
            pass

        @pytest.mark.parametrize("x", [pytest.param(1, marks=pytest.mark.spec("AB-4"))])
        def test_through_a_param(x):
            pass

        def helper_not_a_test():
            pass
        """,
    "tests/sub/test_two.py": """\
        import pytest

        @pytest.mark.spec("AB-4")
        class TestGroup:
            pytestmark = pytest.mark.slow

            def test_in_class(self):
                pass

            def not_a_test(self):
                pass

        @pytest.mark.meta
        def test_of_the_harness():
            pass

        def test_untagged():
            pass
        """,
    "tests/helpers.py": """\
        import pytest

        @pytest.mark.spec("AB-1")
        def test_not_collected_here():
            pass
        """,
}


def test_the_scanner_finds_spec_ids_on_functions_classes_modules_and_params(tmp_path):
    """Spec ids count from decorators, class marks, module and class pytestmark, names, and pytest.param marks;
    a test is named relative to the scanned folder, as xfails files and reports name it."""
    tests = _catalogue.scan_tests(write_tests(tmp_path, MADE_UP_TESTS) / "tests")
    found = {test.nodeid: test.spec_ids for test in tests}
    assert found == {
        "sub/test_two.py::TestGroup::test_in_class": ("AB-4",),
        "sub/test_two.py::test_of_the_harness": (),
        "sub/test_two.py::test_untagged": (),
        "test_one.py::test_direct": ("AB-1", "AB-2", "AB-9"),
        "test_one.py::test_through_a_name": ("AB-1", "AB-2"),
        "test_one.py::test_through_a_constant": ("AB-1", "AB-3"),
        "test_one.py::test_through_a_param": ("AB-1", "AB-4"),
    }, f"scanned {found}"
    markers = {test.name: test.markers for test in tests}
    assert {"slow", "spec"} <= markers["TestGroup::test_in_class"], markers["TestGroup::test_in_class"]
    assert "reqrep" in markers["test_direct"] and "meta" in markers["test_of_the_harness"], markers


def test_coverage_names_uncovered_ids_unknown_ids_and_untagged_tests(tmp_path):
    """check() sets the catalogue against the tests: what no test checks, what it lacks, what is untagged."""
    write_tests(tmp_path, MADE_UP_TESTS)
    (tmp_path / "behaviours.md").write_text("- AB-1  One.\n- AB-2  Two.\n- AB-3  Three.\n- AB-4  Four.\n"
                                            "- AB-5  Five.\n", encoding="utf-8")
    coverage = _catalogue.check(tmp_path / "behaviours.md", tmp_path / "tests")
    assert coverage.uncovered == ["AB-5"], f"uncovered {coverage.uncovered}"
    assert [(test.name, spec_id) for test, spec_id in coverage.unknown] == [("test_direct", "AB-9")], coverage.unknown
    assert [test.name for test in coverage.untagged] == ["test_untagged"], coverage.untagged
    assert not coverage.ok


# -- python -m zmqspec catalogue --------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zmqspec", "catalogue", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=scaled(60))


def test_the_catalogue_command_lists_each_id_with_its_tests_and_exits_0_when_all_agree(tmp_path):
    """With every id covered and every test tagged, the command lists each id and its tests and says '0 uncovered'."""
    write_tests(tmp_path, {"tests/test_x.py": """\
        import pytest

        @pytest.mark.spec("AB-1")
        @pytest.mark.spec("AB-2")
        def test_both():
            pass
        """})
    (tmp_path / "behaviours.md").write_text("## Pattern\n\n- AB-1  One\n  continued.\n- AB-2  Two.\n")

    done = run_cli("--catalogue", str(tmp_path / "behaviours.md"), "--tests", str(tmp_path / "tests"), cwd=tmp_path)

    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    assert "AB-1   One continued.\n       checked by test_x.py::test_both\n" in done.stdout, done.stdout
    assert done.stdout.rstrip().endswith("2 ids: 2 covered, 0 uncovered; 0 unknown ids used by tests; "
                                         "0 untagged tests"), done.stdout


def test_the_catalogue_command_exits_1_naming_uncovered_and_unknown_ids(tmp_path):
    """An id no test checks, or a test naming an id the catalogue lacks, makes the command exit 1 and name it."""
    write_tests(tmp_path, MADE_UP_TESTS)
    catalogue = tmp_path / "behaviours.md"
    catalogue.write_text("- AB-1  One.\n- AB-2  Two.\n- AB-3  Three.\n- AB-4  Four.\n- AB-5  Five.\n")
    args = ["--catalogue", str(catalogue), "--tests", str(tmp_path / "tests")]

    text = run_cli(*args, "--uncovered", cwd=tmp_path)
    assert text.returncode == 1, f"exit {text.returncode}\n{text.stdout}{text.stderr}"
    assert "AB-5   Five.\n       NOT CHECKED by any test" in text.stdout and "AB-1 " not in text.stdout, text.stdout
    assert "test_one.py::test_direct (line 10): AB-9" in text.stdout, text.stdout
    assert "sub/test_two.py::test_untagged" in text.stdout, text.stdout
    assert "1 uncovered (AB-5)" in text.stdout, text.stdout

    document = json.loads(run_cli(*args, "--format", "json", cwd=tmp_path).stdout)
    assert document["uncovered"] == ["AB-5"] and not document["ok"], document
    assert document["unknown"] == [{"test": "test_one.py::test_direct", "id": "AB-9"}], document["unknown"]
    assert [entry["id"] for entry in document["ids"]] == ["AB-1", "AB-2", "AB-3", "AB-4", "AB-5"], document["ids"]

    table = run_cli(*args, "--format", "markdown", cwd=tmp_path).stdout
    assert "| AB-5 | – | Five. | **no test** |" in table, table


def test_the_catalogue_command_exits_2_when_the_catalogue_is_missing(tmp_path):
    """A catalogue that cannot be read is a one-line error and exit status 2."""
    (tmp_path / "tests").mkdir()
    done = run_cli("--catalogue", str(tmp_path / "nowhere.md"), "--tests", str(tmp_path / "tests"), cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, f"exit {done.returncode}: {done.stderr!r}"
    assert "nowhere.md" in done.stderr, done.stderr


def test_the_catalogue_command_reads_the_packaged_specification_by_default_from_any_folder(capsys, monkeypatch,
                                                                                          tmp_path):
    """From any folder, the command reads the catalogue and the tests the package carries
    (zmqspec/spec/) and lists every seed id, each test named from the spec package."""
    monkeypatch.chdir(tmp_path)
    code = _catalogue_cli.main(["--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == (0 if document["ok"] else 1), f"exit {code} with ok={document['ok']}"
    assert {entry["id"] for entry in document["ids"]} >= set(SEED_IDS), document["ids"]
    checked_by = {entry["id"]: entry["checked_by"] for entry in document["ids"]}
    assert any(test.startswith("test_reqrep.py::") for test in checked_by["RR-2"]), checked_by["RR-2"]
