"""The control's driver: the reference driver, which also records, when asked, what each test had it do.

With ``ZMQSPEC_MUTANT_TRACE=DIR`` in its environment it appends one line per distinct command to
``DIR/<pid>.tsv``: the test that started it (pytest's ``PYTEST_CURRENT_TEST``, inherited by every
node), a tab, and the command with its option or socket type (``setsockopt immediate``,
``socket SUB``, ``poll``), batched commands included. tests/test_mutants.py reads these lines to
find the tests that send a mutant's seam (docs/mutants.md): a test that never sends it runs as in
the control. Without the variable it is the reference driver, nothing added; either way every
reply is the reference's.
"""

import os
import sys

from zmqspec.roles import driver

TRACE = os.environ.get("ZMQSPEC_MUTANT_TRACE")
TEST = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]


class Traced(driver.Driver):
    def __init__(self):
        super().__init__()
        self.traced: set[str] = set()
        self.trace = open(os.path.join(TRACE, f"{os.getpid()}.tsv"), "a", encoding="utf-8")  # noqa: SIM115

    def __getattribute__(self, name: str):
        found = super().__getattribute__(name)
        if not name.startswith("cmd_") or not callable(found):
            return found

        def traced(**fields):
            detail = fields.get("option", fields.get("type"))
            self.record(name[4:] if not isinstance(detail, str) else f"{name[4:]} {detail}")
            return found(**fields)

        return traced

    def record(self, command: str) -> None:
        if command not in self.traced:
            self.traced.add(command)
            self.trace.write(f"{TEST}\t{command}\n")
            self.trace.flush()  # the node may be killed; what it did so far is on disk


if TRACE:
    driver.Driver = Traced

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
