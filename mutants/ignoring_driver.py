"""The driver-ignores-* mutants' one bug, written once: a reference driver that answers ``setsockopt``
of one option with ok, after checking the socket exists, and never sets it. A stack that accepts an
option it does not implement looks like this from outside (docs/mutants.md).

Each such mutant's node.py names its option and its ``SEAMS`` and calls :func:`main`.
"""

from __future__ import annotations

from zmqspec.roles import driver


def main(ignored: str, argv: list[str]) -> int:
    """Run the reference driver with ``setsockopt <ignored>`` ignored; returns its exit status."""

    class Ignores(driver.Driver):
        def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
            if option == ignored:
                self.socket(socket)  # the bug: the option is checked, answered ok, and never set
                return {}
            return super().cmd_setsockopt(socket, option, value)

    driver.Driver = Ignores
    return driver.main(argv)
