"""Not part of the suite: tests/test_plugin.py runs this file to see pytest's own collection error."""

import zmqspec_no_such_module  # noqa: F401  (the point: this import fails)


def test_never_collected():
    pass
