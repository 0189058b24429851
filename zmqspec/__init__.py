"""zmqspec: ZeroMQ's messaging patterns, written down as a specification that runs.

Nodes: ``python -m zmqspec ROLE``. Harness: :mod:`zmqspec.harness`.
This module stays empty so that starting a node imports nothing it does not need.
"""

__version__ = "0.1.0"
