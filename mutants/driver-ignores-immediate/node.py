"""Mutant driver: accepts ``immediate`` and does nothing with it.

The bug: a stack that lists the option for compatibility but queues to every connection, made or not, as without it. Caught by TR-7.
"""

import sys

from zmqspec.roles import driver


SEAMS = ["setsockopt immediate"]  # the only command the bug changes: tests that never send it run as in the control


class Ignores(driver.Driver):
    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        if option == "immediate":
            self.socket(socket)  # the bug: the option is checked, answered ok, and never set
            return {}
        return super().cmd_setsockopt(socket, option, value)


driver.Driver = Ignores

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
