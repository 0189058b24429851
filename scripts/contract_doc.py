#!/usr/bin/env python3
"""Write the role table (zmqspec/contract.py) into docs/contract.md section 6.

Each generated block sits between the two marker lines of ``contract.doc_markers(key)``: the
order of the argument checks and the exit codes (``checks``), then one block per role (its
sockets, every option with its type, range, default, required-ness and repeatability, and when it
ends by itself). Run it after changing the table; ``tests/test_contract_doc.py`` fails until the
page and the table agree. Exit status 1 (one line on stderr) when a marker is missing.

Usage: python scripts/contract_doc.py [--check] [PATH]   (PATH: docs/contract.md by default)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zmqspec.contract import doc_markers, generated_blocks  # noqa: E402


def render(text: str) -> str:
    """``text`` with every generated block replaced by what the table gives; ValueError for a missing marker."""
    for key, block in generated_blocks().items():
        begin, end = doc_markers(key)
        if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
            raise ValueError(f"docs/contract.md needs exactly one block {begin!r} ... {end!r}")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{block}\n{end}{tail}"
    return text


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", nargs="?", type=Path, default=ROOT / "docs" / "contract.md")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the page is not up to date")
    args = p.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    try:
        new = render(text)
    except ValueError as exc:
        sys.stderr.write(f"contract_doc: {exc}\n")
        return 1
    if args.check:
        if new != text:
            sys.stderr.write(f"contract_doc: {args.path} is not what the role table gives; run scripts/contract_doc.py\n")
            return 1
        return 0
    if new != text:
        args.path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
