"""Mutant rep-server: its SIGTERM handler sets a flag that nothing reads.

The bug: a "graceful shutdown" handler whose flag the main loop, blocked
in recv(), never checks. Caught by NC-4 (a node ends promptly on SIGTERM).
"""

import signal
import sys
import threading

from zmqspec.roles import rep_server

shutdown_requested = threading.Event()
signal.signal(signal.SIGTERM, lambda signum, frame: shutdown_requested.set())  # the bug

if __name__ == "__main__":
    sys.exit(rep_server.main(sys.argv[1:]))
