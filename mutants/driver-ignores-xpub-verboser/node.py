"""Mutant driver: accepts ``xpub_verboser`` and does nothing with it.

The bug: an XPUB that merges unsubscribes whatever the option says. Caught by PS-22.
"""

import sys

from zmqspec.roles import driver


SEAMS = ["setsockopt xpub_verboser"]  # the only command the bug changes: tests that never send it run as in the control


class Ignores(driver.Driver):
    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        if option == "xpub_verboser":
            self.socket(socket)  # the bug: the option is checked, answered ok, and never set
            return {}
        return super().cmd_setsockopt(socket, option, value)


driver.Driver = Ignores

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
