"""What every zmqspec command line shares: a usage error is one line on stderr and exit status 2.

The nodes (:mod:`zmqspec.roles`) and the tools (``catalogue``, ``demo``,
``report``) each build their own parser from :func:`parser`; none of them
offers options of another. This module imports nothing of zmqspec.
"""

from __future__ import annotations

import argparse


class OneLineParser(argparse.ArgumentParser):
    """An ``argparse`` parser whose errors are one line, ``PROG: error: MESSAGE``, and exit status 2
    (argparse's own prints the usage screen first)."""

    def error(self, message: str) -> None:  # argparse's hook; exits 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def parser(prog: str, description: str | None) -> OneLineParser:
    """A parser named ``prog`` whose ``--help`` shows ``description`` as written."""
    return OneLineParser(prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter)


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def workers(text: str) -> str:
    """An argparse type for pytest-xdist's ``-n``: ``auto``, ``logical`` or an integer of 0 or more.

    Returned as text, ready for pytest's command line."""
    if text in ("auto", "logical"):
        return text
    try:
        return str(non_negative_int(text))
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(f"must be 'auto', 'logical' or a number of 0 or more, got {text!r}") from None


def non_negative_int(text: str) -> int:
    """An argparse type: an integer of 0 or more."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value
