"""``zmqspec check --impl MANIFEST``: judge an implementation against the specification, id by id.

Runs the specification that ships in the package (``pytest --pyargs
zmqspec.spec``: the pattern tests only, never the harness's own
self-tests) against the implementation a manifest describes, from a
scratch folder, so it gives the same answer from a checkout, from an
installed wheel, and from any directory. pytest's own output comes first
(each failure with its evidence); then one line per catalogue id, grouped by
pattern: the id's verdict, how many of its tests passed, and its sentence.

Exit status: 0 when no id fails, 1 when an id fails or its driver broke the
protocol, 2 on bad input (a manifest that cannot be used, an unknown id, a
report folder that is a file, pytest-xdist missing for -n), with one line on
standard error.

Examples::

    zmqspec check --impl implementations/asyncio/manifest.toml --report out/
    zmqspec check --impl my/manifest.toml --spec RR-1 PP-4
    zmqspec check --impl reference --peer-impl my/manifest.toml --peer-roles rep-server -n 2
    zmqspec check --impl my/manifest.toml -- --tb=short -x     (after --: passed to pytest)
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from pathlib import Path

from zmqspec import cli
from zmqspec.conformance.catalogue import CATALOGUE, SPEC_DIR, CatalogueError, read_catalogue
from zmqspec.conformance.verdicts import BROKEN_DRIVER, FAIL, NON_STRICT, PASS, UNTESTED, WORST_FIRST, XFAIL
from zmqspec.harness.implementations import ManifestError, load_manifest

PROG = "zmqspec check"
FAILING = (FAIL, BROKEN_DRIVER)
JUDGED = (PASS, FAIL, BROKEN_DRIVER, XFAIL, NON_STRICT)
WIDTH = 100
SPEC_PACKAGE = "zmqspec.spec"


class BadInput(Exception):
    """Input ``check`` cannot use; the message is one line."""


def parse_args(argv: list[str]):
    parser = cli.parser(PROG, __doc__)
    parser.add_argument("--impl", metavar="MANIFEST", required=True,
                        help="the implementation under test: its manifest, or 'reference' for the reference nodes")
    parser.add_argument("--peer-impl", metavar="MANIFEST", help="a second implementation for interop runs")
    parser.add_argument("--peer-roles", metavar="ROLES", help="comma-separated roles the peer plays")
    parser.add_argument("--xfails", metavar="FILE", help="expected failures (default: the manifest's)")
    parser.add_argument("--spec", metavar="ID", action="extend", nargs="+", default=[],
                        help="check only these catalogue ids (--spec RR-1 PP-4, or --spec repeated)")
    parser.add_argument("--report", metavar="DIR",
                        help="write report.json, report.md and report.html to DIR (default: none kept)")
    parser.add_argument("-n", metavar="N", dest="workers", type=cli.workers,
                        help="run the tests in N processes, or 'auto' for one per core (needs pytest-xdist)")
    parser.add_argument("pytest_args", nargs="*", metavar="-- PYTEST-ARGS",
                        help="more pytest options, after --")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)} (pytest's own options go after --, "
                     f"as in: {PROG} --impl MANIFEST -- {' '.join(unknown)} ...)")
    return args


def _manifest(value: str | None, option: str) -> str | None:
    """The manifest as an absolute path (the run happens in another folder), checked loadable."""
    if value is None or value == "reference":
        return value
    try:
        load_manifest(value)
    except ManifestError as exc:
        raise BadInput(f"{option}: {exc}") from None
    return str(Path(value).resolve())


def _known_ids() -> list:
    try:
        return read_catalogue(CATALOGUE)
    except CatalogueError as exc:
        raise BadInput(str(exc)) from None


def pytest_command(args, report_dir: Path) -> list[str]:
    """The pytest command line ``check`` runs (from a scratch folder)."""
    # --rootdir: pytest would otherwise take the folder shared by the paths among the options (the
    # report folder, the manifest) as its root, and name the tests relative to it.
    command = [sys.executable, "-m", "pytest", "--pyargs", SPEC_PACKAGE, "-p", "no:cacheprovider",
               "--rootdir", str(SPEC_DIR), "--impl", _manifest(args.impl, "--impl"),
               "--conformance-report", str(report_dir)]
    if args.peer_impl:
        command += ["--peer-impl", _manifest(args.peer_impl, "--peer-impl")]
    if args.peer_roles:
        command += ["--peer-roles", args.peer_roles]
    if args.xfails:
        if not Path(args.xfails).is_file():
            raise BadInput(f"--xfails {args.xfails}: no such file")
        command += ["--xfails", str(Path(args.xfails).resolve())]
    known = {behaviour.id for behaviour in _known_ids()}
    unknown = [spec_id for spec_id in args.spec if spec_id not in known]
    if unknown:
        raise BadInput(f"--spec {', '.join(unknown)}: no such id (zmqspec catalogue lists them)")
    for spec_id in args.spec:
        command += ["--spec", spec_id]
    if args.workers is not None:
        if importlib.util.find_spec("xdist") is None:
            raise BadInput("-n needs pytest-xdist, which is not installed (pip install pytest-xdist)")
        command += ["-n", args.workers]
    return command + list(args.pytest_args)


def summary(report: dict, wanted: list[str]) -> tuple[str, bool]:
    """The per-id text, grouped by the catalogue's sections, and whether any id fails."""
    sections = {behaviour.id: behaviour.section for behaviour in _known_ids()}
    lines, section, counts, failing = [], None, Counter(), False
    for spec_id, entry in report["catalogue"].items():
        if wanted and spec_id not in wanted:
            continue
        verdict = entry.get("verdict", UNTESTED)
        counts[verdict] += 1
        failing = failing or verdict in FAILING
        if sections.get(spec_id, "") != section:
            section = sections.get(spec_id, "")
            lines += ["", section or "(not in the catalogue)"]
        tests = entry.get("tests", [])
        passed = sum(test["verdict"] == PASS for test in tests)
        shown = verdict.upper() if verdict in FAILING else verdict
        head = f"  {shown:<13} {spec_id:<6} {f'{passed}/{len(tests)}':>5}  "
        lines += textwrap.wrap(entry.get("sentence", "") or "(no sentence)", WIDTH, initial_indent=head,
                               subsequent_indent=" " * len(head))
    impl = report["implementation"]
    name = " ".join(part for part in (impl.get("name"), impl.get("version")) if part)
    told = ", ".join(f"{counts[v]} {v}" for v in (*WORST_FIRST, UNTESTED) if counts[v]) or "no ids"
    title = f"zmqspec check: {name}: {sum(counts.values())} ids: {told}"
    legend = ("(verdict, tests of the id that passed / tests of the id run, sentence; "
              "'untested': no test of this run checks the id)")
    return "\n".join([title, legend, *lines]) + "\n", failing


def run_to_the_end(command: list[str], cwd: Path, announce: bool = True) -> int:
    """Run the specification's pytest and return its status; minus the signal's number when ``check``
    itself was told to stop (SIGTERM, SIGHUP, SIGINT), after passing the signal on and waiting for
    the run to end, so that neither the run nor its nodes outlive ``check`` (NC-7)."""
    env = dict(os.environ)
    if not announce:
        env["ZMQSPEC_REPORT_UNANNOUNCED"] = "1"  # the report folder is check's scratch, removed at the end
    child = subprocess.Popen(command, cwd=cwd, env=env)
    received: list[int] = []

    def pass_on(signum, _frame) -> None:
        received.append(signum)
        if child.poll() is None and signum != signal.SIGINT:  # Ctrl-C reaches the whole process group itself
            child.send_signal(signal.SIGTERM)

    previous = {signum: signal.signal(signum, pass_on) for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        status = child.wait()  # a signal's handler runs, then the wait goes on (PEP 475)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return -received[0] if received else status


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.report and Path(args.report).exists() and not Path(args.report).is_dir():
        sys.stderr.write(f"{PROG}: error: --report {args.report}: that is a file, not a folder\n")
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="zmqspec-check-"))
    try:
        report_dir = Path(args.report).resolve() if args.report else scratch / "report"
        try:
            command = pytest_command(args, report_dir)
        except BadInput as exc:
            sys.stderr.write(f"{PROG}: error: {exc}\n")
            return 2
        sys.stdout.flush()
        status = run_to_the_end(command, scratch, announce=bool(args.report))
        if status < 0:
            sys.stderr.write(f"{PROG}: stopped by signal {-status}; the specification's run and its nodes "
                             f"were stopped with it\n")
            return 128 - status
        report_file = report_dir / "report.json"
        if status not in (0, 1) or not report_file.is_file():
            sys.stderr.write(f"{PROG}: error: the specification's run ended with status {status} "
                             f"and no verdicts (its output above says why)\n")
            return 2
        report = json.loads(report_file.read_text(encoding="utf-8"))
        text, failing = summary(report, args.spec)
        sys.stdout.write("\n" + text)
        if args.report:
            sys.stdout.write(f"\nreport: {report_dir}/report.json, report.md, report.html\n")
        else:
            sys.stdout.write("\n(no --report: the report of this run was not kept)\n")
        judged = [entry for spec_id, entry in report["catalogue"].items()
                  if (not args.spec or spec_id in args.spec) and entry.get("verdict") in JUDGED]
        if not judged:
            sys.stderr.write(f"{PROG}: error: no id got a verdict (every one untested, skipped or not provided): "
                             f"nothing of the implementation was judged\n")
            return 1
        return 1 if failing else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
