"""The reference nodes' lifeline: a parent that died before the node asked to hear of it (NC-7).

``prctl(PR_SET_PDEATHSIG)`` signals only a parent death that comes after the
request, so a node started by a parent that dies at once would never hear of
it. The kit checks its parent after asking; this self-test plays the late
request by telling the kit that its parent was some other process.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from zmqspec.harness import scaled

pytestmark = pytest.mark.meta

ASK_LATE = (
    "from zmqspec.roles import _kit\n"
    "_kit.PARENT = {parent}\n"
    "_kit.die_with_parent()\n"
    "print('still running')\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_node_whose_parent_died_before_it_asked_for_the_signal_quits_at_once():
    done = subprocess.run([sys.executable, "-c", ASK_LATE.format(parent=2**22 + 1)],
                          capture_output=True, text=True, timeout=scaled(10))
    assert done.returncode == 0 and "still running" not in done.stdout, (done.returncode, done.stdout, done.stderr)


def test_a_node_whose_parent_lives_goes_on_after_asking():
    done = subprocess.run([sys.executable, "-c", ASK_LATE.format(parent="__import__('os').getppid()")],
                          capture_output=True, text=True, timeout=scaled(10))
    assert done.stdout == "still running\n", (done.returncode, done.stdout, done.stderr)
