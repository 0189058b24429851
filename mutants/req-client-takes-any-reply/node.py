"""Mutant req-client: a DEALER playing REQ, which prints whatever message comes back next.

The bug: the client "keeps REQ's envelope" by hand (an empty delimiter in
front of each request, stripped from each reply) on a DEALER, so nothing
ties a reply to the request it answers. With servers that answer once it
looks like the reference; a second reply to one line is printed as the
reply to the next. Caught by RR-23.
"""

import sys

import zmq

from zmqspec.roles import _kit
from zmqspec.roles import req_client


class DealerAsReq(zmq.Socket):
    def send(self, data, flags=0, copy=True, track=False, **kwargs):
        super().send(b"", flags | zmq.SNDMORE)
        return super().send(data, flags, copy=copy, track=track, **kwargs)

    def recv_multipart(self, flags=0, copy=True, track=False):
        frames = super().recv_multipart(flags=flags, copy=copy, track=track)
        return frames[frames.index(b"") + 1:] if b"" in frames else frames


context = _kit.context


def dealer_context(args):
    ctx = context(args)

    class Swapping:
        def socket(self, socket_type):
            if socket_type == zmq.REQ:
                return ctx.socket(zmq.DEALER, socket_class=DealerAsReq)
            return ctx.socket(socket_type)

    return Swapping()


_kit.context = dealer_context

if __name__ == "__main__":
    sys.exit(req_client.main(sys.argv[1:]))
