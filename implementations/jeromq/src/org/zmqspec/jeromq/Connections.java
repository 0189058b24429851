package org.zmqspec.jeromq;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * The worker's --wait-connected: wait until a socket's tcp connects have completed their
 * ZMTP handshake, so that its peers have attached it (tasks dealt and a kill published after
 * the ready line reach it).
 *
 * JeroMQ 0.3.6 (libzmq 3.2) has no "handshake succeeded" event. Its monitor says "connected"
 * when the TCP connection is up; the handshake is done once the peer's first frame (its
 * identity, which ZMTP/2.0 sends right after the greeting) has reached the connection's session,
 * which JeroMQ records in a private field, SessionBase.identityReceived. This class waits for
 * the monitor's event, then for that field, read by reflection: the one place these nodes
 * look inside JeroMQ. Should the field ever be missing, the event alone has to do.
 * inproc connects are complete when connect returns.
 */
final class Connections {
    private static int monitors;
    private final ZMQ.Socket socket;
    private final List<String> endpoints;
    private final ZMQ.Socket events;
    private final int expected;

    private Connections(ZMQ.Socket socket, List<String> endpoints, ZMQ.Socket events, int expected) {
        this.socket = socket;
        this.endpoints = endpoints;
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
            return new Connections(socket, endpoints, null, 0);
        }
        String address = "inproc://monitor-" + name + "-" + (++monitors);
        socket.monitor(address, zmq.ZMQ.ZMQ_EVENT_CONNECTED);
        ZMQ.Socket events = Kit.context().socket(ZMQ.PAIR);
        events.connect(address);
        return new Connections(socket, endpoints, events, expected);
    }

    void await() throws InterruptedException {
        if (events == null) {
            return;
        }
        for (int seen = 0; seen < expected; ) {
            ZMQ.Event event = ZMQ.Event.recv(events);
            if (event != null && event.getEvent() == zmq.ZMQ.ZMQ_EVENT_CONNECTED) {
                seen++;
            }
        }
        socket.monitor(null, 0);
        events.setLinger(0);
        events.close();
        awaitPeerIdentities();
    }

    private void awaitPeerIdentities() throws InterruptedException {
        Map<?, ?> sessions;
        Field received;
        try {
            Field field = zmq.SocketBase.class.getDeclaredField("endpoints");
            field.setAccessible(true);
            sessions = (Map<?, ?>) field.get(socket.base());
            received = Class.forName("zmq.SessionBase").getDeclaredField("identityReceived");
            received.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException notThisJeromq) {
            return;
        }
        for (String endpoint : endpoints) {
            Object session = sessions.get(endpoint);
            if (session == null || !received.getDeclaringClass().isInstance(session)) {
                continue;
            }
            try {
                while (!received.getBoolean(session)) {
                    Thread.sleep(1);
                }
            } catch (IllegalAccessException notReadable) {
                return;
            }
        }
    }
}
