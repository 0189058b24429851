"""One sample test that needs a working driver; run against the broken drivers of tests/impls/broken/."""


def test_the_driver_says_hello(driver):
    hello = driver.hello()
    assert hello["protocol"] == 1, f"hello said protocol {hello['protocol']!r}"
