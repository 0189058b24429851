"""tests/inner.py, the self-tests' own helper for what they run inside a test, checked."""

from __future__ import annotations

import threading

import pytest

from inner import once_per_run

pytestmark = pytest.mark.meta


def test_once_per_run_makes_the_value_once_for_every_caller_and_hands_each_the_same(tmp_path):
    made = []

    def make(folder):
        made.append(folder)
        return {"folder": str(folder), "lines": ["a", "b"]}

    values = []
    callers = [threading.Thread(target=lambda: values.append(once_per_run(tmp_path, "x", make))) for _ in range(4)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=30)
    assert len(made) == 1 and made[0] == tmp_path / "once-x" and made[0].is_dir(), made
    assert values == [{"folder": str(tmp_path / "once-x"), "lines": ["a", "b"]}] * 4, values
