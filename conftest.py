"""The suite's root: the zmqspec pytest plugin supplies every fixture (see zmqspec/pytest_plugin.py)."""

pytest_plugins = ["zmqspec.pytest_plugin"]
