"""Not part of the suite: tests/test_protocol.py runs this file to see pytest-timeout's limit scaled."""

import time

import pytest


@pytest.mark.meta
@pytest.mark.timeout(1)
def test_outlives_one_second():
    time.sleep(1.5)  # noqa: sleep-ok (what is measured here is the limit itself: 1 s, stretched by the scale, or not)
