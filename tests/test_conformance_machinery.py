"""The conformance machinery, judged from outside.

Each test runs pytest in a subprocess against a sample implementation from
tests/impls/ (the reference nodes under another name, one with two roles and
an xfails file, drivers broken on purpose, manifests that cannot be used) and
reads what came out: the exit status, the terminal, the conformance report.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import jsonschema
import pytest

from zmqspec.conformance.report import SCHEMA
from zmqspec.harness.deadline import scaled

from inner import PLAIN_PYTEST, once_per_run, run_folder, run_inner

pytestmark = pytest.mark.meta

ROOT = Path(__file__).resolve().parent.parent
IMPLS = "tests/impls"
SAMPLES = f"{IMPLS}/suite"
RUN_DEADLINE = 150.0


@dataclass
class Run:
    args: tuple[str, ...]
    status: int
    stdout: str
    stderr: str
    seconds: float
    report_dir: Path | None

    @property
    def report(self) -> dict:
        path = self.report_dir / "report.json"
        assert path.exists(), f"pytest {' '.join(self.args)} wrote no {path}\n{self.shown()}"
        return json.loads(path.read_text())

    def verdicts(self) -> dict[str, str]:
        """Test name (without the file) -> verdict."""
        return {test["nodeid"].split("::", 1)[1]: test["verdict"] for test in self.report["tests"]}

    def test(self, name: str) -> dict:
        found = [test for test in self.report["tests"] if test["nodeid"].endswith(f"::{name}")]
        assert len(found) == 1, f"the report has {len(found)} tests named {name}"
        return found[0]

    def shown(self) -> str:
        return f"exit status {self.status}\n--- stdout\n{self.stdout[-6000:]}\n--- stderr\n{self.stderr[-3000:]}"


def run_pytest(*args: str, report_dir: Path | None = None, deadline: float = RUN_DEADLINE) -> Run:
    """pytest in a subprocess from the repository root; never outlives ``deadline``."""
    argv = [*PLAIN_PYTEST, *args]
    if report_dir is not None:
        argv += ["--conformance-report", str(report_dir)]
    started = time.monotonic()
    done = run_inner(argv, deadline=deadline)
    return Run(args, done.returncode, done.stdout, done.stderr, time.monotonic() - started, report_dir)


@pytest.fixture(autouse=True)
def only_with_the_reference(implementation):
    if implementation.name != "reference":
        pytest.skip("a self-test of the harness: it runs when the reference implementation is under test")


def shared_run(tmp_path_factory, name: str, *args: str) -> Run:
    """``run_pytest(*args)`` with a report, made once in a run for every worker that asks
    (:func:`inner.once_per_run`): several tests read each of these runs."""
    def make(folder: Path) -> dict:
        run = run_pytest(*args, report_dir=folder)
        return {**asdict(run), "report_dir": str(folder)}

    made = once_per_run(run_folder(tmp_path_factory), name, make)
    return Run(**{**made, "args": tuple(made["args"]), "report_dir": Path(made["report_dir"])})


@pytest.fixture(scope="module")
def renamed_run(tmp_path_factory) -> Run:
    """The reference nodes as 'renamed-reference 9.9.9', two behaviours (a run under xdist reaches its
    report whole: test_plugin's seed test)."""
    return shared_run(tmp_path_factory, "renamed-run", "--impl", f"{IMPLS}/renamed.toml", "--spec", "RR-2",
                      "--spec", "PP-1")


@pytest.fixture(scope="module")
def graded_run(tmp_path_factory) -> Run:
    """Sample tests with known outcomes, on an implementation with two roles and an xfails file."""
    return shared_run(tmp_path_factory, "graded-run", "--impl", f"{IMPLS}/partial.toml",
                      f"{SAMPLES}/verdict_samples.py")


def test_another_implementation_is_named_in_the_header_and_the_report(renamed_run):
    """A manifest's name, version and path, and its driver's hello, are shown in the session
    header and recorded in report.json; every test the run passed reaches the report."""
    run = renamed_run
    assert run.status == 0, run.shown()
    assert "zmqspec: implementation under test: renamed-reference 9.9.9" in run.stdout, run.shown()
    assert f"zmqspec: manifest: {ROOT / IMPLS / 'renamed.toml'}" in run.stdout
    assert "zmqspec: driver hello: implementation zmqspec-reference" in run.stdout

    report = run.report
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    impl = report["implementation"]
    assert (impl["name"], impl["version"], impl["manifest"]) == (
        "renamed-reference", "9.9.9", str(ROOT / IMPLS / "renamed.toml")), impl
    assert impl["driver"]["problem"] is None and impl["driver"]["hello"]["protocol"] == 1, impl["driver"]
    assert report["peer"] is None
    passed = int(run.stdout.rsplit(" passed", 1)[0].rsplit(" ", 1)[-1].lstrip("="))
    assert len(report["tests"]) == passed, f"pytest passed {passed} tests, the report holds {len(report['tests'])}"
    assert {test["verdict"] for test in report["tests"]} == {"pass"}, report["tests"]
    for spec_id in ("RR-2", "PP-1"):
        entry = report["catalogue"][spec_id]
        assert entry["verdict"] == "pass" and entry["tests"], f"{spec_id}: {entry}"
        assert entry["sentence"], f"{spec_id} has no sentence from docs/behaviours.md"
    assert report["catalogue"]["RR-1"] == {**report["catalogue"]["RR-1"], "verdict": "untested", "tests": []}
    table = (run.report_dir / "report.md").read_text()
    assert "| RR-2 | A client (REQ) connected to k servers" in table and "| pass |" in table, table[:2000]


def test_each_test_gets_a_graded_verdict_and_each_id_the_worst_of_its_tests(graded_run):
    """pass, non-strict (a SHOULD not met), fail, xfail (listed by the implementer), XPASS
    (listed, but passes: verdict pass), not provided (a role or the driver missing) and
    skipped are told apart, in the terminal and in the report."""
    run = graded_run
    assert run.status == 1, f"one sample test fails, so the run must fail\n{run.shown()}"
    assert run.verdicts() == {
        "test_passes": "pass",
        "test_keeps_its_musts_but_not_a_should": "non-strict",
        "test_breaks_a_must": "fail",
        "test_listed_as_an_expected_failure": "xfail",
        "test_listed_but_fixed": "pass",
        "test_needs_a_role_the_implementation_lacks": "not provided",
        "test_needs_the_driver": "not provided",
        "test_needs_a_missing_toolchain": "skipped",
    }, run.shown()
    jsonschema.validate(run.report, json.loads(SCHEMA.read_text()))
    by_id = {spec_id: entry["verdict"] for spec_id, entry in run.report["catalogue"].items() if entry["tests"]}
    assert by_id == {"RR-1": "non-strict", "RR-3": "fail", "RR-4": "pass", "PS-2": "not provided",
                     "PS-3": "not provided", "TR-2": "skipped"}, by_id
    assert run.test("test_keeps_its_musts_but_not_a_should")["message"] == \
        "SHOULD not met: the sample SHOULD is not met"
    assert "the sample MUST is broken" in run.test("test_breaks_a_must")["message"]
    assert "a known deviation of the sample" in run.test("test_listed_as_an_expected_failure")["message"]
    assert run.test("test_listed_but_fixed")["message"].startswith("XPASS")
    assert "partial does not provide the weather-pub role" in \
        run.test("test_needs_a_role_the_implementation_lacks")["message"]
    assert "1 fail, 1 non-strict, 1 xfail, 2 not provided, 1 skipped, 2 pass" in run.stdout, run.shown()
    assert "verdict_samples.py .nFxX--s" in run.stdout, "the progress letters: n non-strict, - not provided"


def test_an_xfails_entry_that_matches_no_test_gives_a_warning_naming_its_line(graded_run):
    """The manifest's xfails file is read (its reasons are shown) and its stale entry ZZ-99
    is reported with the file and line, without failing the run for it."""
    run = graded_run
    assert f"zmqspec: expected failures: {ROOT / IMPLS / 'partial.xfails'} (3 entries)" in run.stdout, run.shown()
    assert "partial.xfails:5: UnmatchedXfail: xfail entry 'ZZ-99' matches no collected test" in run.stdout, run.shown()
    assert run.report["xfails"] == str(ROOT / IMPLS / "partial.xfails")


def test_the_xfails_option_replaces_the_manifests_file(tmp_path):
    """--xfails FILE is used instead of the manifest's xfails; a catalogue id marks every test
    tagged with it, and with the failing test listed the run passes."""
    listed = tmp_path / "only-rr3.xfails"
    listed.write_text("# both RR-3 samples are known deviations\nRR-3   # REQ lock-step not done yet\n")
    run = run_pytest("--impl", f"{IMPLS}/partial.toml", "--xfails", str(listed), f"{SAMPLES}/verdict_samples.py",
                     report_dir=tmp_path / "report")
    assert run.status == 0, f"the only failing test is listed as expected\n{run.shown()}"
    verdicts = run.verdicts()
    assert verdicts["test_breaks_a_must"] == verdicts["test_listed_as_an_expected_failure"] == "xfail", verdicts
    assert verdicts["test_listed_but_fixed"] == "pass" and not run.test("test_listed_but_fixed")["message"]
    assert "RR-3: REQ lock-step not done yet" in run.test("test_breaks_a_must")["message"]
    assert "UnmatchedXfail" not in run.stdout, "the manifest's file (with ZZ-99) must not be read"


BAD_INPUT = {
    "manifest not TOML": (["--impl", f"{IMPLS}/bad/not-toml.toml"], "is not valid TOML"),
    "manifest missing": (["--impl", f"{IMPLS}/bad/no-such-manifest.toml"], "does not exist"),
    "xfails key not a string": (["--impl", f"{IMPLS}/bad/xfails-not-a-string.toml"], "'xfails' must be"),
    "xfails file missing": (["--impl", f"{IMPLS}/bad/xfails-missing.toml"], "nowhere.xfails does not exist"),
    "xfails line with two ids": (["--xfails", f"{IMPLS}/bad/two-ids-on-a-line.xfails"], "line 2"),
    "peer manifest not TOML": (["--peer-impl", f"{IMPLS}/bad/not-toml.toml"], "is not valid TOML"),
    "unknown peer role": (["--peer-impl", "reference", "--peer-roles", "rep-server,dj"], "unknown roles ['dj']"),
    "peer roles without a peer": (["--peer-roles", "rep-server"], "--peer-roles needs --peer-impl"),
}
IN_A_SUBPROCESS = ("manifest not TOML", "xfails file missing", "peer roles without a peer")


def settings_problem(args: list[str]) -> str:
    """What the plugin's option handling says about ``args``, asked in this process."""
    from zmqspec import pytest_plugin

    options = {"impl": None, "peer_impl": None, "peer_roles": [], "xfails": None,
               "validate_protocol": False, "conformance_report": None}
    for flag, value in zip(args[::2], args[1:][::2]):
        name = flag.lstrip("-").replace("-", "_")
        options[name] = [value] if name == "peer_roles" else str(ROOT / value) if "/" in value else value

    class Config:
        @staticmethod
        def getoption(name):
            return options[name]

    with pytest.raises(Exception) as caught:
        pytest_plugin._settings(Config())
    return str(caught.value)


@pytest.mark.parametrize("args, problem", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_unusable_input_is_named_in_one_line(args, problem):
    """Every manifest, xfails file or option that cannot be used gives one line naming it."""
    said = settings_problem(args)
    assert problem in said and "\n" not in said, said


@pytest.mark.parametrize("name", IN_A_SUBPROCESS)
def test_unusable_input_stops_the_run_with_exit_status_2_and_one_line(name):
    """A manifest, xfails file or option that cannot be used ends the run before any test:
    exit status 2, one line naming the problem, no traceback."""
    args, problem = BAD_INPUT[name]
    run = run_pytest(*args, f"{SAMPLES}/driver_samples.py")
    said = [line for line in (run.stdout + run.stderr).splitlines() if "zmqspec: error:" in line]
    assert run.status == 2, run.shown()
    assert len(said) == 1 and problem in said[0], f"expected one line saying {problem!r}\n{run.shown()}"
    assert "Traceback" not in run.stdout + run.stderr and "collected" not in run.stdout, run.shown()


BROKEN = [
    pytest.param("wrong-seq", [], "broken driver", "answered seq 1 (hello)", id="wrong seq"),
    pytest.param("not-json", [], "broken driver", "a line that is not JSON", id="not JSON"),
    pytest.param("dies", [], "broken driver", "ended (exit status 3)", id="dies"),
    pytest.param("hangs-on-quit", [], "broken driver", "answered quit but was still running", id="hangs on quit",
                 marks=pytest.mark.slow),
    pytest.param("off-schema", ["--validate-protocol"], "broken driver", "does not match the protocol",
                 id="off schema, validated"),
    pytest.param("off-schema", [], "fail", "hello said protocol '1'", id="off schema, not validated"),
]


@pytest.mark.parametrize("driver, options, verdict, problem", BROKEN)
def test_a_driver_that_breaks_the_protocol_gets_the_broken_driver_verdict(tmp_path, driver, options, verdict, problem):
    """A driver that answers out of turn, not in JSON, off the schema (with --validate-protocol),
    dies, or does not exit after quit is reported as a broken driver, distinct from a spec
    failure, within the deadlines: never a crash, never a hang."""
    run = run_pytest("--impl", f"{IMPLS}/broken/{driver}.toml", *options, f"{SAMPLES}/driver_samples.py",
                     report_dir=tmp_path)
    assert run.status == 1, run.shown()
    test = run.test("test_the_driver_says_hello")
    assert test["verdict"] == verdict and problem in test["message"], f"{test}\n{run.shown()}"
    assert run.report["catalogue"] is not None and "INTERNAL" not in run.stdout, run.shown()
    if verdict == "broken driver":
        assert "BROKEN DRIVER" in run.stdout, run.shown()
        driver_line = next(line for line in run.stdout.splitlines() if line.startswith("zmqspec: driver hello:"))
        assert "problem: " in driver_line, f"the header must say the driver is broken: {driver_line}"
    assert run.seconds < scaled(60), f"a broken driver took {run.seconds:.0f} s to judge"


@pytest.mark.slow(seconds=11)
def test_a_driver_the_session_found_broken_fails_each_test_at_once(tmp_path):
    """A driver that prints its ready line and then never answers is found broken by the session's
    hello probe, once; every later test that needs it fails at once as a broken driver, naming the
    probe's finding, instead of each waiting out the same deadline (4 tests, well under 4 deadlines)."""
    run = run_pytest("--impl", f"{IMPLS}/broken/mute.toml", f"{SAMPLES}/driver_many.py", report_dir=tmp_path)
    assert run.status == 1, run.shown()
    verdicts = [test["verdict"] for test in run.report["tests"]]
    assert verdicts == ["broken driver"] * 4, f"{verdicts}\n{run.shown()}"
    assert all("found earlier in this session" in test["message"]
               for test in run.report["tests"]), run.shown()
    assert run.seconds < scaled(60), f"a mute driver took {run.seconds:.0f} s to judge on 4 tests"


def test_peer_roles_are_played_by_the_peer_implementation(tmp_path):
    """With --peer-impl reference --peer-roles rep-server, every rep-server comes from the peer
    and every other role from the implementation under test, without changing a test."""
    run = run_pytest("-s", "--impl", f"{IMPLS}/renamed.toml", "--peer-impl", "reference", "--peer-roles", "rep-server",
                     f"{SAMPLES}/interop_samples.py", "zmqspec/spec/test_reqrep.py", "--spec", "RR-2", report_dir=tmp_path)
    assert run.status == 0, run.shown()
    argv = dict(line.split(" ARGV ", 1) for line in run.stdout.replace("ROLE ", "\nROLE ").splitlines()
                if line.startswith("ROLE ") and " ARGV " in line)
    assert " -u -m zmqspec" not in argv["ROLE rep-server"], f"the rep-server came from renamed.toml: {argv}"
    assert " -u -m zmqspec req-client" in argv["ROLE req-client"], f"the req-client came from the peer: {argv}"
    assert "zmqspec: peer implementation: reference 0.1.0; roles from the peer: rep-server" in run.stdout
    report = run.report
    assert report["peer"]["name"] == "reference" and report["peer"]["roles"] == ["rep-server"], report["peer"]
    assert report["catalogue"]["RR-2"]["verdict"] == "pass" and len(report["catalogue"]["RR-2"]["tests"]) > 1


@pytest.mark.parametrize("peer", [[], ["--peer-impl", f"{IMPLS}/tcp-only.toml"]], ids=["alone", "as the peer"])
def test_a_test_needing_a_transport_the_driver_does_not_list_is_skipped_with_the_reason(tmp_path, peer):
    """tcp is the one transport the contract requires: when the driver of an implementation taking
    part (under test, or the peer of an interop run) does not list ipc, a test that asks for an ipc
    endpoint is skipped, saying so, and its tcp variant still runs and passes."""
    impl = "reference" if peer else f"{IMPLS}/tcp-only.toml"
    run = run_pytest("--impl", impl, *peer, "zmqspec/spec/test_reqrep.py", "-k", "answers_on_both", report_dir=tmp_path)
    assert run.status == 0, run.shown()
    verdicts = run.verdicts()
    assert verdicts == {"test_one_server_bound_to_two_endpoints_answers_on_both[tcp]": "pass",
                        "test_one_server_bound_to_two_endpoints_answers_on_both[ipc]": "skipped"}, verdicts
    skipped = run.test("test_one_server_bound_to_two_endpoints_answers_on_both[ipc]")
    assert "ipc is not among the transports" in skipped["message"], skipped


def test_reports_merge_into_a_matrix_worst_implementation_first(renamed_run, graded_run, tmp_path):
    """python -m zmqspec report puts implementations in columns (the failing one first),
    catalogue ids in rows, a summary row last, and exits 1 because one implementation fails."""
    matrix = tmp_path / "matrix.md"
    merged = subprocess.run(
        [sys.executable, "-m", "zmqspec", "report", str(renamed_run.report_dir), str(graded_run.report_dir),
         "--output", str(matrix)], cwd=ROOT, capture_output=True, text=True, timeout=scaled(60),
    )
    assert merged.returncode == 1, f"partial has a fail\n{merged.stdout}{merged.stderr}"
    table, legend = matrix.read_text().split("\n\n")
    lines = table.splitlines()
    assert lines[0] == "| id | partial 0.0.1 | renamed-reference 9.9.9 | behaviour |", lines[0]
    rows = {line.split(" | ")[0].strip("| "): line.strip("| ").split(" | ")[1:] for line in lines[2:]}
    assert rows["RR-3"][:2] == ["fail 0/2", "–"] and rows["RR-2"][0] == "–", rows
    assert rows["RR-2"][1].startswith("pass ") and rows["RR-2"][2].startswith("A client (REQ) connected to k servers")
    assert rows["PS-2"][:2] == ["not provided 0/1", "–"] and rows["RR-1"][:2] == ["non-strict 1/2", "–"], rows
    assert rows["**summary**"][0] == "1 fail, 1 non-strict, 1 xfail, 2 not provided, 1 skipped, 2 pass", rows
    assert legend.startswith("Each cell: the id's verdict") and "–: no test of this run checks the id" in legend

    as_json = subprocess.run([sys.executable, "-m", "zmqspec", "report", str(renamed_run.report_dir),
                              "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=scaled(60))
    assert as_json.returncode == 0, as_json.stderr
    merged_rows = {row["id"]: row["verdicts"] for row in json.loads(as_json.stdout)["rows"]}
    assert merged_rows["PP-1"] == {"renamed-reference 9.9.9": "pass"}, merged_rows["PP-1"]


def test_report_merge_stops_with_exit_status_2_on_a_report_it_cannot_read(tmp_path):
    """An input that is missing or not a report ends the merge with one line and status 2."""
    (tmp_path / "report.json").write_text('{"not": "a report"}')
    for bad in (tmp_path, tmp_path / "missing"):
        merged = subprocess.run([sys.executable, "-m", "zmqspec", "report", str(bad), "--format", "text"],
                                cwd=ROOT, capture_output=True, text=True, timeout=scaled(60))
        assert merged.returncode == 2, merged
        assert merged.stdout == "" and len(merged.stderr.splitlines()) == 1, merged.stderr
        assert merged.stderr.startswith("zmqspec report: error: "), merged.stderr


def test_should_outside_a_test_run_is_a_warning():
    """zmqspec.harness.should used outside pytest returns False and warns with its message."""
    checked = subprocess.run(
        [sys.executable, "-c", "from zmqspec.conformance import should; print(should(1 > 2, 'one is not above two'))"],
        cwd=ROOT, capture_output=True, text=True, timeout=scaled(60),
    )
    assert checked.stdout.strip() == "False", checked
    assert "ShouldNotMet: one is not above two" in checked.stderr, checked.stderr
