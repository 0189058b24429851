package org.zmqspec.jeromq6;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;
import zmq.io.mechanism.Mechanism;

/**
 * The worker's --wait-connected: wait until a socket's tcp connects have completed their ZMTP
 * handshake, so that its peers have attached it (tasks dealt and a kill published after the ready
 * line reach it).
 *
 * libzmq reports ZMQ_EVENT_HANDSHAKE_SUCCEEDED once the security handshake (for NULL: the READY
 * commands) is done, and that is what the reference worker waits for. JeroMQ 0.6.0 defines that
 * constant but never emits it (nothing calls SocketBase.eventHandshakeSucceeded; DEVIATIONS.md,
 * "No ZMQ_EVENT_HANDSHAKE_SUCCEEDED"). What it emits is its own ZMQ_EVENT_HANDSHAKE_PROTOCOL, when
 * the two greetings have been exchanged: one step too early, since a libzmq peer attaches the
 * connection only once it has the READY command. Waiting for that event alone left a third worker
 * without tasks against the reference ventilator (scripts/interop, reference x jeromq-0.6: worker).
 *
 * So this class waits for the event, then for the step libzmq's event marks: the connection's
 * security mechanism reporting READY. JeroMQ keeps it in private fields (SocketBase.endpoints ->
 * the session -> SessionBase.engine -> StreamEngine.mechanism), read here by reflection, within a
 * deadline: the one place these nodes look inside JeroMQ. Should the fields ever be missing, the
 * event alone has to do. inproc connects are complete when connect returns.
 */
final class Connections {
    /** The most the wait for a mechanism may take after its handshake event; then the event has to do. */
    private static final long MECHANISM_DEADLINE_NS = 5_000_000_000L;
    private static int monitors;
    private final ZMQ.Socket socket;
    private final ZMQ.Socket events;
    private final List<String> endpoints;
    private final int expected;

    private Connections(ZMQ.Socket socket, ZMQ.Socket events, List<String> endpoints, int expected) {
        this.socket = socket;
        this.events = events;
        this.endpoints = endpoints;
        this.expected = expected;
    }

    /** Start watching {@code socket} (before it connects) for its tcp connects among {@code endpoints}. */
    static Connections watch(ZMQ.Socket socket, String name, List<String> endpoints) {
        List<String> tcp = new ArrayList<>();
        for (String endpoint : endpoints) {
            if (endpoint.startsWith("tcp://")) {
                tcp.add(endpoint);
            }
        }
        if (tcp.isEmpty()) {
            return new Connections(socket, null, tcp, 0);
        }
        String address = "inproc://monitor-" + name + "-" + (++monitors);
        socket.monitor(address, zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_PROTOCOL);
        ZMQ.Socket events = Kit.context().socket(ZMQ.PAIR);
        events.connect(address);
        return new Connections(socket, events, tcp, tcp.size());
    }

    void await() throws InterruptedException {
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
        awaitMechanisms();
    }

    /** Until the security mechanism of every watched connection says READY, or the deadline. */
    private void awaitMechanisms() throws InterruptedException {
        Field endpointsField;
        Field sessionField;
        Field engineField;
        Field mechanismField;
        try {
            endpointsField = zmq.SocketBase.class.getDeclaredField("endpoints");
            sessionField = Class.forName("zmq.SocketBase$EndpointPipe").getDeclaredField("endpoint");
            engineField = zmq.io.SessionBase.class.getDeclaredField("engine");
            mechanismField = zmq.io.StreamEngine.class.getDeclaredField("mechanism");
            for (Field field : List.of(endpointsField, sessionField, engineField, mechanismField)) {
                field.setAccessible(true);
            }
        } catch (ReflectiveOperationException | RuntimeException notThisJeromq) {
            return;
        }
        long deadline = System.nanoTime() + MECHANISM_DEADLINE_NS;
        for (String endpoint : endpoints) {
            while (!ready(endpoint, endpointsField, sessionField, engineField, mechanismField)
                   && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }

    private boolean ready(String endpoint, Field endpointsField, Field sessionField, Field engineField,
                          Field mechanismField) {
        try {
            zmq.util.MultiMap<?, ?> all = (zmq.util.MultiMap<?, ?>) endpointsField.get(socket.base());
            // MultiMap.entries() pairs each value with its key: (EndpointPipe, endpoint string)
            for (java.util.Map.Entry<?, ?> entry : all.entries()) {
                if (!endpoint.equals(entry.getValue())) {
                    continue;
                }
                Object session = sessionField.get(entry.getKey());
                Object engine = session instanceof zmq.io.SessionBase ? engineField.get(session) : null;
                Object mechanism = engine instanceof zmq.io.StreamEngine ? mechanismField.get(engine) : null;
                return mechanism instanceof Mechanism m && m.status() == Mechanism.Status.READY;
            }
            return true;  // not an endpoint JeroMQ keeps a session for: nothing to wait for
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            return true;
        }
    }
}
