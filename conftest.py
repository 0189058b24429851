"""The checkout's root. The zmqspec pytest plugin (zmqspec/pytest_plugin.py) is not registered here:
it comes from the package's ``pytest11`` entry point, so that every run finds it, from any folder
and with any test path, the checkout's or an installed wheel's (``--pyargs zmqspec.spec``)."""
