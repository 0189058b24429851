package org.zmqspec.jeromq;

import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

/**
 * The worker's --wait-connected: wait until a socket's tcp connects have completed their ZMTP
 * handshake, so that its peers have attached it (tasks dealt and a kill published after the ready
 * line reach it).
 *
 * libzmq reports ZMQ_EVENT_HANDSHAKE_SUCCEEDED once the handshake is done, and that is what the
 * reference worker waits for. Neither JeroMQ emits it (0.3.6 ports libzmq 3.2, which has no such
 * event; 0.6.0 defines it and never emits it: its DEVIATIONS.md). So this class waits for the
 * monitor event each version has ({@link Jeromq#CONNECT_EVENT}), then for the step libzmq's event
 * marks, read from JeroMQ's private fields by {@link Jeromq#awaitHandshakes}: the one place these
 * nodes look inside JeroMQ. inproc connects are complete when connect returns.
 */
final class Connections {
    private static int monitors;
    private final ZMQ.Socket socket;
    private final ZMQ.Socket events;
    private final List<String> endpoints;

    private Connections(ZMQ.Socket socket, ZMQ.Socket events, List<String> endpoints) {
        this.socket = socket;
        this.events = events;
        this.endpoints = endpoints;
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
            return new Connections(socket, null, tcp);
        }
        String address = "inproc://monitor-" + name + "-" + (++monitors);
        socket.monitor(address, Jeromq.CONNECT_EVENT);
        ZMQ.Socket events = Kit.context().socket(ZMQ.PAIR);
        events.connect(address);
        return new Connections(socket, events, tcp);
    }

    void await() throws InterruptedException {
        if (events == null) {
            return;
        }
        for (int seen = 0; seen < endpoints.size(); ) {
            ZMQ.Event event = ZMQ.Event.recv(events);
            if (event != null && event.getEvent() == Jeromq.CONNECT_EVENT) {
                seen++;
            }
        }
        socket.monitor(null, 0);
        events.setLinger(0);
        events.close();
        Jeromq.awaitHandshakes(socket, endpoints);
    }
}
