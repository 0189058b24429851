"""PUB-SUB: the seed's weather publisher and subscribers (catalogue PS-*)."""

from __future__ import annotations

import pytest

from zmqspec.harness import DriverError

pytestmark = pytest.mark.pubsub

PROOF_MESSAGES = 100


def seq_of(update: bytes) -> int:
    return int(update.split()[3])


@pytest.mark.spec("PS-3")
@pytest.mark.spec("PS-4")
def test_sub_without_a_subscription_receives_nothing_while_an_empty_filter_receives_everything(nodes, driver):
    """A SUB socket with no subscription receives nothing, while a SUB with the empty
    subscription on the same publisher receives every update in the same window."""
    publisher = nodes.start("weather-pub", "--rate", "2000")
    silent = driver.socket("SUB")
    silent.connect(publisher.endpoint("pub"))
    everything = driver.socket("SUB")
    everything.connect(publisher.endpoint("pub"))
    everything.subscribe(b"")

    proof = [everything.recv_one() for _ in range(PROOF_MESSAGES)]
    seqs = [seq_of(update) for update in proof]
    assert seqs == list(range(seqs[0], seqs[0] + PROOF_MESSAGES)), f"the empty filter missed updates: {seqs}"

    with pytest.raises(DriverError) as nothing:
        silent.recv(timeout=0)
    assert nothing.value.errno == "EAGAIN", f"a SUB with no subscription received {nothing.value}"

    silent.subscribe(b"")
    assert silent.recv_one(), "the silent SUB was connected all along: subscribing makes updates arrive"
