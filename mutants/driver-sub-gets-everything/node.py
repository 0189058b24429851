"""Mutant driver: a new SUB socket starts subscribed to everything.

The bug: a "convenient" default subscription, where ZeroMQ's SUB starts
with none. Caught by PS-3 (a SUB with no subscription receives nothing).
"""

import sys

from zmqspec.roles import driver


SEAMS = ["socket SUB"]  # the only commands the bug changes: tests that never send one run as in the control


class SubscribedByDefault(driver.Driver):
    def cmd_socket(self, type: str) -> dict:
        made = super().cmd_socket(type)
        if type == "SUB":
            self.sockets[made["socket"]].subscribe(b"")  # the bug
        return made


driver.Driver = SubscribedByDefault

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
