"""Mutant rep-server: prints argparse's usage screen above the error on bad arguments.

The bug: argparse's stock error(), two lines or more, where the contract
asks for one. Caught by NC-5 (bad arguments: exit 2, one line on stderr).
"""

import argparse
import sys

from zmqspec import cli
from zmqspec.roles import rep_server

cli.OneLineParser.error = argparse.ArgumentParser.error  # the bug

if __name__ == "__main__":
    sys.exit(rep_server.main(sys.argv[1:]))
