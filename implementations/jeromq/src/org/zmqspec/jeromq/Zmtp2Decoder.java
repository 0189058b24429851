package org.zmqspec.jeromq;

import zmq.IMsgSink;
import zmq.V1Decoder;

/**
 * The decoder of every role's sockets (docs/contract.md, "ZMTP 3 only"): ZMTP/2.0 as JeroMQ
 * decodes it, and nothing for a ZMTP/1.0 peer.
 *
 * JeroMQ 0.3.6, like libzmq 3.2, takes any connection whose first byte is not 0xFF for a
 * ZMTP/1.0 peer (an HTTP request, noise), and has no ZAP to refuse it. What it has is
 * ZMQ_DECODER (Socket.setDecoder): once the greeting is read, the engine builds the decoder
 * through one of two constructors, (bufsize, maxmsgsize) for ZMTP/1.0 and (bufsize,
 * maxmsgsize, sink, version) for ZMTP/2.0. The first one here makes a decoder that fails on
 * the peer's first byte, and the engine then drops the connection; the second decodes as
 * JeroMQ's own ZMTP/2.0 decoder does, ZMQ_MAXMSGSIZE included.
 *
 * JeroMQ calls both constructors by reflection on its I/O thread: they must stay public and
 * must not throw.
 */
public final class Zmtp2Decoder extends V1Decoder {
    private final boolean zmtp1;

    /** For a ZMTP/1.0 peer: refuses its first byte. */
    public Zmtp2Decoder(int bufsize, long maxmsgsize) {
        super(bufsize, maxmsgsize, null);
        this.zmtp1 = true;
    }

    /** For a ZMTP/2.0 peer (JeroMQ passes version 1): JeroMQ's decoding. */
    public Zmtp2Decoder(int bufsize, long maxmsgsize, IMsgSink sink, int version) {
        super(bufsize, maxmsgsize, sink);
        this.zmtp1 = false;
    }

    @Override
    protected boolean next() {
        if (zmtp1) {
            decodingError();
            return false;
        }
        return super.next();
    }
}
