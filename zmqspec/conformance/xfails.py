"""Expected failures: the implementer's own list of known deviations.

An xfails file is text, one entry a line:

    PS-12                      # no high-water mark on PUB yet
    test_reqrep.py::test_req_refuses_a_second_send   # our REQ is relaxed
    test_pipeline.py           # the whole file

An entry is a catalogue id (every test tagged with it) or a test id, or the
beginning of one (every test whose id starts with it). A test of the
specification is named from the spec package, ``test_reqrep.py::test_x``,
wherever the suite is installed and whatever folder the run starts in. ``#`` starts
a comment; a comment after an entry is the reason shown for it. Matching
tests are marked xfail, non-strict: a deviation that gets fixed shows up as
XPASS and does not fail the run. An entry that matches no collected test is
reported with a warning, so stale entries do not pile up.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

CATALOGUE_ID = re.compile(r"^[A-Z]{2,}-\d+$")
_LINE = re.compile(r"(?P<id>\S+)(?:\s+#\s*(?P<reason>.*))?")


class XfailsError(Exception):
    """An xfails file that cannot be used; the message is one line naming the problem."""


class UnmatchedXfail(pytest.PytestWarning):
    """An entry of the xfails file that matches no collected test."""


@dataclass(frozen=True)
class Entry:
    id: str
    reason: str
    line: int

    def matches(self, test_id: str, spec_ids: list[str]) -> bool:
        if CATALOGUE_ID.match(self.id):
            return self.id in spec_ids
        return test_id.startswith(self.id)


@dataclass(frozen=True)
class Xfails:
    path: Path
    entries: tuple[Entry, ...]

    def mark(self, items, test_id_of, spec_ids_of) -> list[Entry]:
        """Mark the matching items xfail; return the entries that matched nothing.
        ``test_id_of(item)`` is the id an entry is matched against, ``spec_ids_of(item)`` its catalogue ids."""
        matched: set[Entry] = set()
        for item in items:
            hits = [entry for entry in self.entries if entry.matches(test_id_of(item), spec_ids_of(item))]
            if not hits:
                continue
            matched.update(hits)
            reason = "; ".join(f"{entry.id}: {entry.reason}" if entry.reason
                               else f"{entry.id} is listed in {self.path.name}" for entry in hits)
            item.add_marker(pytest.mark.xfail(reason=f"expected failure ({reason})", strict=False))
        return [entry for entry in self.entries if entry not in matched]

    def warn_unmatched(self, unmatched: list[Entry]) -> None:
        for entry in unmatched:
            warnings.warn_explicit(
                UnmatchedXfail(f"xfail entry {entry.id!r} matches no collected test"),
                UnmatchedXfail, filename=str(self.path), lineno=entry.line,
            )


def load(path: str | os.PathLike) -> Xfails:
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise XfailsError(f"xfails file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise XfailsError(f"xfails file {path} cannot be read: {exc}") from None
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise XfailsError(
                f"xfails file {path}, line {number}: expected one catalogue id or test id, "
                f"then optionally '# reason'; got {line!r}"
            )
        entries.append(Entry(match["id"], (match["reason"] or "").strip(), number))
    return Xfails(path, tuple(entries))
