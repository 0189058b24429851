"""Mutant driver: accepts ``conflate`` and does nothing with it.

The bug: a stack that takes the option but queues every message. Caught by TR-8.
"""

import sys

from zmqspec.roles import driver


SEAMS = ["setsockopt conflate"]  # the only command the bug changes: tests that never send it run as in the control


class Ignores(driver.Driver):
    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        if option == "conflate":
            self.socket(socket)  # the bug: the option is checked, answered ok, and never set
            return {}
        return super().cmd_setsockopt(socket, option, value)


driver.Driver = Ignores

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
