"""Mutant driver: a driver without the ``poll`` command, as on a stack with no poller.

Not a bug of ZeroMQ's rules but a gap in the driver: ``poll`` answers ENOTSUP
("unknown command") and ``hello`` does not list it. Tests that only observe
"did something arrive within t" fall back to a receive with a deadline, so
only the ids about poll itself may fail (RR-9: a REQ with no peer polls not
writable).
"""

import sys

from zmqspec.roles import driver


class WithoutPoll(driver.Driver):
    cmd_poll = None  # the gap: handle() finds no method and answers ENOTSUP

    def cmd_hello(self) -> dict:
        hello = super().cmd_hello()
        hello["commands"] = [name for name in hello["commands"] if name != "poll"]
        return hello


driver.Driver = WithoutPoll

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
