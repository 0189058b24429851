"""Mutant driver: accepts ``req_correlate`` and does nothing with it.

The bug: a REQ that sends no request id and takes any reply. Caught by RR-18.
"""

import sys

from zmqspec.roles import driver


SEAMS = ["setsockopt req_correlate"]  # the only command the bug changes: tests that never send it run as in the control


class Ignores(driver.Driver):
    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        if option == "req_correlate":
            self.socket(socket)  # the bug: the option is checked, answered ok, and never set
            return {}
        return super().cmd_setsockopt(socket, option, value)


driver.Driver = Ignores

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
