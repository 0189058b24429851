"""Filter-fuzz throughput: hypothesis examples a second against live nodes.

    python benchmarks/fuzz_throughput.py                  # 600 examples per run, median of 3 runs
    python benchmarks/fuzz_throughput.py --examples 2000 --repeats 5 --impl path/to/manifest.toml

Runs the scenarios of zmqspec/spec/test_fuzz_filters.py outside pytest, exactly as
the tests play them (same strategies, same rigs, every round checked against
the model), on nodes started once; start-up is not counted. One line per
rig, then, last, the headline: the implementation's SUB fed by the test's
XPUB, whose goal is at least 300 examples a second on a 2-core machine.
The load average is printed too: the figure is only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402

from zmqspec.harness import Nodes, Observers, load_manifest, reference  # noqa: E402


def load_fuzz_module():
    path = ROOT / "zmqspec" / "spec" / "test_fuzz_filters.py"
    spec = importlib.util.spec_from_file_location("zmqspec_fuzz_filters", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def examples_per_second(rig, strategy, check, examples: int) -> float:
    played = 0

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(scenario=strategy)
    def play(scenario):
        nonlocal played
        played += 1
        check(rig, scenario)

    started = time.perf_counter()
    play()
    return played / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--examples", type=int, default=600, help="examples per run (default 600)")
    p.add_argument("--repeats", type=int, default=3, help="runs per rig; the median is reported (default 3)")
    p.add_argument("--impl", metavar="MANIFEST", help="the implementation under test (default: the reference nodes)")
    args = p.parse_args(argv)

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    set_hypothesis_home_dir(cache / "zmqspec" / "hypothesis")  # hypothesis's files stay out of the tree
    fuzz = load_fuzz_module()
    nodes = Nodes(load_manifest(args.impl) if args.impl else reference())
    observers = Observers()
    rigs = [
        ("PUB under test -> test's XSUB", fuzz.PubUnderTest, fuzz.scenarios(fuzz.fragments)),
        ("SUB under test, text prefixes", fuzz.SubUnderTest, fuzz.scenarios(fuzz.texts)),
        ("SUB under test <- test's XPUB", fuzz.SubUnderTest, fuzz.scenarios(fuzz.fragments)),
    ]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores",
          flush=True)
    try:
        for name, make, strategy in rigs:
            rig = make(nodes, observers)
            rates = [examples_per_second(rig, strategy, fuzz.check_scenario, args.examples)
                     for _ in range(args.repeats)]
            runs = ", ".join(f"{rate:.0f}" for rate in rates)
            print(f"{name}: {statistics.median(rates):.0f} examples/s (median of {args.repeats} runs "
                  f"of {args.examples}: {runs})", flush=True)
    finally:
        nodes.stop_all()
        observers.close()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print(f"headline (SUB under test, bytes): {statistics.median(rates):.0f} examples/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
