"""The specification: ZeroMQ's patterns as tests, and the catalogue they check (behaviours.md).

Each test module is one pattern or one part of the node contract; each test
is a sentence of the catalogue, tagged ``@pytest.mark.spec("ID")``. They run
from a checkout (``pytest``) or from the installed package, against any
implementation (``python -m pytest --pyargs zmqspec.spec --impl
path/to/manifest.toml``). ``helpers`` is the tests' shared vocabulary and
``model`` the pure models the property-based tests predict with.
"""
