"""What a run started inside a test inherits: the suite's self-tests start pytest, ``zmqspec check``,
the scripts and bad nodes as child processes, and none of them may see the outer run's choices."""

from __future__ import annotations

import os

# The outer run's implementation, xfails, peer and pytest options; xdist's and pytest's own markers.
OUTER_ONLY = ("ZMQSPEC_IMPL", "ZMQSPEC_XFAILS", "ZMQSPEC_PEER_IMPL", "ZMQSPEC_PEER_ROLES", "PYTEST_ADDOPTS")
OUTER_PREFIXES = ("PYTEST_XDIST", "PYTEST_CURRENT")


def inner_env(*also: str, **extra: str) -> dict[str, str]:
    """This process's environment without what belongs to the outer run (and without the names in
    ``also``), with ``extra`` set."""
    dropped = OUTER_ONLY + also
    clean = {key: value for key, value in os.environ.items()
             if key not in dropped and not key.startswith(OUTER_PREFIXES)}
    return {**clean, **extra}
