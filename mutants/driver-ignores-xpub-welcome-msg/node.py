"""Mutant driver: accepts ``xpub_welcome_msg`` and does nothing with it.

The bug: an XPUB that never sends the welcome message it was given. Caught by PS-27.
"""

import sys

from zmqspec.roles import driver


SEAMS = ["setsockopt xpub_welcome_msg"]  # the only command the bug changes: tests that never send it run as in the control


class Ignores(driver.Driver):
    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        if option == "xpub_welcome_msg":
            self.socket(socket)  # the bug: the option is checked, answered ok, and never set
            return {}
        return super().cmd_setsockopt(socket, option, value)


driver.Driver = Ignores

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
