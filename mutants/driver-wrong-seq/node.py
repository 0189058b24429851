"""Mutant driver: numbers its replies itself, from 0, instead of echoing each request's seq.

A broken driver, not a broken ZeroMQ rule: every test that uses it must
say "broken driver", at once, and never hang. Caught by NC-8, and by any
socket test (PS-3 is the one run).
"""

import sys

from zmqspec.roles import driver


class OwnNumbering(driver.Driver):
    answered = 0

    def handle(self, line: str):
        reply, done = super().handle(line)
        reply["seq"], self.answered = self.answered, self.answered + 1  # the bug
        return reply, done


driver.Driver = OwnNumbering

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
