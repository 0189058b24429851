"""Mutant driver: keeps each socket's subscriptions in a set.

The bug: subscribing a prefix twice subscribes once, so one unsubscribe
removes it altogether, where RFC 29 counts them. Caught by PS-7.
"""

import sys

from zmqspec.roles import driver


SEAMS = ["setsockopt subscribe", "setsockopt unsubscribe"]  # the only commands the bug changes: tests that never send one run as in the control


class SetOfSubscriptions(driver.Driver):
    def cmd_setsockopt(self, socket: str, option: str, value) -> dict:
        if option in ("subscribe", "unsubscribe"):
            held = self.__dict__.setdefault("subscriptions", set())
            key = (socket, value)
            if (option == "subscribe") == (key in held):
                return {}  # the bug: a repeated subscribe (or an unknown unsubscribe) is dropped
            (held.add if option == "subscribe" else held.discard)(key)
        return super().cmd_setsockopt(socket, option, value)


driver.Driver = SetOfSubscriptions

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
