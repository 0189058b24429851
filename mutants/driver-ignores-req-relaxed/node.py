"""Mutant driver: accepts ``req_relaxed`` and does nothing with it.

The bug: a REQ that keeps RFC 28's strict lock-step whatever the option says, so a second send fails EFSM. Caught by RR-17.
"""

import sys

from zmqspec.roles import driver


SEAMS = ["setsockopt req_relaxed"]  # the only command the bug changes: tests that never send it run as in the control


class Ignores(driver.Driver):
    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        if option == "req_relaxed":
            self.socket(socket)  # the bug: the option is checked, answered ok, and never set
            return {}
        return super().cmd_setsockopt(socket, option, value)


driver.Driver = Ignores

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
