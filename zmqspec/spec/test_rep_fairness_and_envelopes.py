"""A REP facing several requesters, and requests it cannot answer (catalogue RR-14, RR-20; issue #14).

RR-14: a REP fair-queues (RFC 28), so a requester with one request waiting
is not kept behind one with many. RR-20: a request without the empty
delimiter RFC 28 requires (a DEALER, a ROUTER or a raw ZMTP peer can send
one) is dropped, and the REP serves the next well-formed request. The
later, well-formed request's arrival proves the earlier ones were dropped
rather than delayed: one connection keeps its order.
"""

from __future__ import annotations

import pytest
import zmq

from zmqspec.harness import recv_within
from zmqspec.spec.helpers import WAIT, need_inproc, role_lines

pytestmark = pytest.mark.reqrep


@pytest.mark.spec("RR-14")
def test_a_rep_serves_each_of_five_requesters_once(driver):
    """Five REQs, one request each, all waiting: the REP's five receives are one from each."""
    need_inproc(driver)
    rep = driver.socket("REP")
    endpoint = f"inproc://rr14-five-{driver.node.pid}"
    rep.bind(endpoint)
    reqs = [driver.socket("REQ") for _ in range(5)]
    for n, req in enumerate(reqs):
        req.connect(endpoint)
        req.send(f"from {n}")
    served = []
    for _ in range(5):
        served.append(rep.recv_one(WAIT).decode())
        rep.send("ok")
    assert sorted(served) == [f"from {n}" for n in range(5)], f"the REP served {served}, not each REQ once"


@pytest.mark.spec("RR-14")
def test_a_rep_does_not_keep_a_requester_with_one_request_behind_one_with_many(driver):
    """Three DEALERs: one with 20 requests waiting and two with one each. The two quiet ones are
    served among the REP's first three requests (RFC 28: a REP fair-queues; libzmq: busy0, q1, q2)."""
    need_inproc(driver)
    rep = driver.socket("REP")
    endpoint = f"inproc://rr14-busy-{driver.node.pid}"
    rep.bind(endpoint)
    busy, quiet1, quiet2 = (driver.socket("DEALER") for _ in range(3))
    for dealer in (busy, quiet1, quiet2):
        dealer.connect(endpoint)
    driver.batch([busy.command("send", frames=["", f"busy{i}".encode().hex()], timeout=WAIT)
                  for i in range(20)])
    quiet1.send("", "q1")
    quiet2.send("", "q2")
    served = []
    for _ in range(4):
        served.append(rep.recv_one(WAIT).decode())
        rep.send("ok")
    assert {"q1", "q2"} <= set(served[:3]), (
        f"the REP served {served} first: a requester with one request waited behind one with many"
    )


MALFORMED = ([b"no-delimiter"], [b"x", b"y"], [b"hop", b"body"])


def dealer_to(observers, endpoint: str):
    dealer = observers.socket(zmq.DEALER)
    dealer.connect(endpoint)
    for frames in MALFORMED:
        dealer.send_multipart(frames)
    dealer.send_multipart([b"", b"good"])
    return dealer


@pytest.mark.spec("RR-20")
def test_a_rep_drops_a_request_without_a_delimiter_and_serves_the_next(driver, observers):
    """A DEALER sends a REP three requests without an empty delimiter, then ["", good]: the REP's
    first request is `good`, and its reply reaches the DEALER as ["", reply] (RFC 28 request format)."""
    rep = driver.socket("REP")
    dealer = dealer_to(observers, rep.bind())

    assert rep.recv(WAIT) == [b"good"], "the REP handed over a request without a delimiter, or lost the good one"
    rep.send("ok")
    assert recv_within(dealer, WAIT, "the reply to the good request") == [b"", b"ok"]


@pytest.mark.spec("RR-20")
def test_rep_server_answers_the_good_request_after_ones_without_a_delimiter(nodes, observers):
    """rep-server, sent three requests without a delimiter and then a good one, prints
    `RECEIVED: good` as its only request line and answers it."""
    server = nodes.start("rep-server", "--name", "A")
    dealer = dealer_to(observers, server.endpoint("rep"))

    assert recv_within(dealer, WAIT, "rep-server's reply to the good request") == [b"", b"A,good"]
    # the reply can arrive before the harness has read the line the server printed before it
    server.wait_until(lambda out: "RECEIVED: good\n" in out, WAIT, "rep-server's line for the good request")
    received = [line for line in role_lines(server) if line.startswith("RECEIVED")]
    assert received == ["RECEIVED: good"], f"rep-server's request lines were {received}"
