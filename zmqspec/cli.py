"""What every zmqspec command line shares: a usage error is one line on stderr and exit status 2.

The nodes (:mod:`zmqspec.roles`) and the tools (``catalogue``, ``demo``,
``report``) each build their own parser from :func:`parser`; none of them
offers options of another. This module imports nothing of zmqspec.
"""

from __future__ import annotations

import argparse
import os
import sys


class OneLineParser(argparse.ArgumentParser):
    """An ``argparse`` parser whose errors are one line, ``PROG: error: MESSAGE``, and exit status 2
    (argparse's own prints the usage screen first)."""

    def error(self, message: str) -> None:  # argparse's hook; exits 2
        self.exit(2, f"{self.prog}: error: {message}\n")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, as wide as argparse makes it ($COLUMNS, else the terminal, else 80
    columns, less 2), found without importing :mod:`shutil`: argparse imports it for every parser,
    and every node builds one at start-up, where shutil's import is a twentieth of the start-up."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            try:
                columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
            except (AttributeError, ValueError, OSError):
                columns = 80
        super().__init__(prog, width=max(columns, 1) - 2)


def parser(prog: str, description: str | None) -> OneLineParser:
    """A parser named ``prog`` whose ``--help`` shows ``description`` as written."""
    return OneLineParser(prog=prog, description=description, formatter_class=_HelpFormatter)


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
