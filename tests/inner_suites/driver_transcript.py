"""Not part of the suite: tests/test_protocol.py runs this file to see a failure's driver transcript."""

import pytest


@pytest.mark.meta
def test_a_test_that_fails_after_talking_to_a_driver(driver):
    pair = driver.socket("PAIR")
    pair.bind()
    assert False, "this test fails on purpose"
