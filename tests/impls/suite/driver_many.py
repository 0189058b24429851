"""Several tests that each need the driver: how long a known-broken driver costs a run."""

import pytest


@pytest.mark.parametrize("n", range(4))
def test_the_driver_says_hello_again(driver, n):
    assert driver.hello()["protocol"] == 1
