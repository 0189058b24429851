"""The reference nodes: one module per role of the node contract, and their kit (``_kit``).

Run one with ``python -m zmqspec ROLE``. They take their role table and ready
line from :mod:`zmqspec.contract` and know nothing of the harness or of
conformance.
"""
