"""Sample tests with known outcomes, for tests/test_conformance_machinery.py to run in a subprocess.

Not collected by the main run (the file name does not start with test_). Run against
tests/impls/partial.toml, whose xfails file lists two of them, each test earns one verdict.
"""

import pytest

from zmqspec.conformance import should


@pytest.mark.spec("RR-1")
def test_passes(nodes):
    server = nodes.start("rep-server", "--name", "A")
    assert server.endpoint("rep").startswith("tcp://127.0.0.1:")


@pytest.mark.spec("RR-1")
def test_keeps_its_musts_but_not_a_should():
    assert should(True, "a SHOULD that holds is never reported")
    assert not should(1 == 2, "the sample SHOULD is not met")


@pytest.mark.spec("RR-3")
def test_breaks_a_must():
    assert 1 + 1 == 3, "the sample MUST is broken"


@pytest.mark.spec("RR-3")
def test_listed_as_an_expected_failure():
    assert False, "a known deviation"


@pytest.mark.spec("RR-4")
def test_listed_but_fixed():
    assert True


@pytest.mark.spec("PS-2")
def test_needs_a_role_the_implementation_lacks(nodes):
    nodes.start("weather-pub")


@pytest.mark.spec("PS-3")
def test_needs_the_driver(driver):
    driver.hello()


@pytest.mark.spec("TR-2")
def test_needs_a_missing_toolchain():
    pytest.skip("pgm is not supported here")
