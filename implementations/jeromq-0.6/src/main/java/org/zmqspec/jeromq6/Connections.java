package org.zmqspec.jeromq6;

import java.util.List;
import org.zeromq.ZMQ;

/**
 * The worker's --wait-connected: wait until a socket's tcp connects have completed their ZMTP
 * handshake, so that its peers have attached it (tasks dealt and a kill published after the ready
 * line reach it).
 *
 * libzmq reports ZMQ_EVENT_HANDSHAKE_SUCCEEDED once the security handshake (for NULL: the READY
 * commands) is done. JeroMQ 0.6.0 defines that constant but never emits it (nothing calls
 * SocketBase.eventHandshakeSucceeded); the one handshake event it emits is its own
 * ZMQ_EVENT_HANDSHAKE_PROTOCOL, when the two greetings have been exchanged and the ZMTP version is
 * known (StreamEngine.handshake). That is what this class waits for: the nearest fact JeroMQ offers,
 * one step (the READY commands) earlier than libzmq's event (DEVIATIONS.md, "monitor events").
 * inproc connects are complete when connect returns.
 */
final class Connections {
    private static int monitors;
    private final ZMQ.Socket socket;
    private final ZMQ.Socket events;
    private final int expected;

    private Connections(ZMQ.Socket socket, ZMQ.Socket events, int expected) {
        this.socket = socket;
        this.events = events;
        this.expected = expected;
    }

    /** Start watching {@code socket} (before it connects) for its tcp connects among {@code endpoints}. */
    static Connections watch(ZMQ.Socket socket, String name, List<String> endpoints) {
        int expected = 0;
        for (String endpoint : endpoints) {
            expected += endpoint.startsWith("tcp://") ? 1 : 0;
        }
        if (expected == 0) {
            return new Connections(socket, null, 0);
        }
        String address = "inproc://monitor-" + name + "-" + (++monitors);
        socket.monitor(address, zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_PROTOCOL);
        ZMQ.Socket events = Kit.context().socket(ZMQ.PAIR);
        events.connect(address);
        return new Connections(socket, events, expected);
    }

    void await() {
        if (events == null) {
            return;
        }
        for (int seen = 0; seen < expected; ) {
            ZMQ.Event event = ZMQ.Event.recv(events);
            if (event != null && event.getEvent() == zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_PROTOCOL) {
                seen++;
            }
        }
        socket.monitor(null, 0);
        events.setLinger(0);
        events.close();
    }
}
