"""Mutant gateway: a ROUTER facing out and a DEALER facing in, requests forwarded as they come.

The bug: a "faster" gateway that forwards each request at once instead of
waiting for the reply to the last, and hands the replies back to the
clients in the order their requests came (a queue of client identities).
The wire looks like a REQ's (a delimiter, then the request), and with one
client at a time it is invisible; a second client's request reaches the
servers while the first is still unanswered. Caught by RR-24.
"""

import collections
import sys

from zmqspec.roles import _kit
from zmqspec.roles import gateway


def relay(args) -> int:
    import zmq

    ctx = _kit.context(args)
    frontend, backend = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER)
    bound_front = _kit.attach_socket(frontend, args, gateway.ROLE, "frontend")
    bound_back = _kit.attach_socket(backend, args, gateway.ROLE, "backend")
    _kit.ready(frontend=bound_front, backend=bound_back)
    _kit.quit_on_stdin_eof()
    waiting = collections.deque()  # the envelopes of the clients whose requests went in, oldest first
    poller = zmq.Poller()
    poller.register(frontend, zmq.POLLIN)
    poller.register(backend, zmq.POLLIN)
    while True:
        ready = dict(poller.poll())
        if frontend in ready:
            frames = frontend.recv_multipart()
            cut = frames.index(b"") + 1
            waiting.append(frames[:cut])
            backend.send_multipart([b"", *frames[cut:]])  # the bug: sent before the last reply came
        if backend in ready:
            frames = backend.recv_multipart()
            if waiting:
                frontend.send_multipart([*waiting.popleft(), *frames[frames.index(b"") + 1:]])


gateway.relay = relay

if __name__ == "__main__":
    sys.exit(gateway.main(sys.argv[1:]))
