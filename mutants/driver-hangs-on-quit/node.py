"""Mutant driver: on `quit` it loses track of its sockets, then hangs in ctx.term().

The bug: `quit` empties the socket table without closing the sockets, and
a ZeroMQ context's term() waits for every socket to be closed. It also
ignores SIGTERM ("finish the work first"), so once stuck only SIGKILL ends
it: the harness's stop() must get that far. Caught by NC-8 (quit ends the
driver promptly).
"""

import signal
import sys

from zmqspec.roles import driver


class ForgetsItsSockets(driver.Driver):
    def cmd_quit(self) -> dict:
        self.forgotten = list(self.sockets.values())  # the bug: still open, no longer closed
        self.sockets.clear()
        return {}


driver.Driver = ForgetsItsSockets
signal.signal(signal.SIGTERM, signal.SIG_IGN)

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
