"""Inner suite for tests/test_plugin.py: each test checks that its scenario's seed is the one the run's
seed and its test id give (the outer test runs it under xdist, so the workers must share the run seed)."""

import zlib

import pytest


@pytest.mark.parametrize("n", range(4))
def test_the_scenario_seed_comes_from_the_run_seed_and_the_test_id(nodes, request, n):
    run_seed = request.config.getoption("zmqspec_seed")
    assert nodes.seed == zlib.crc32(f"{run_seed}:{request.node.nodeid}".encode())
