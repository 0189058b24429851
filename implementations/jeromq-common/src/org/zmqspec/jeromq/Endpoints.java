package org.zmqspec.jeromq;

import zmq.SocketBase;
import zmq.ZMQ;

/**
 * bind and connect with the contract's errors, on JeroMQ's core socket (zmq.SocketBase, the port
 * of libzmq's socket_base_t): a call that returns false is reported with the socket's errno, a
 * Java exception as the errno libzmq sets on the same path ({@link ZmqFailure#of}).
 *
 * A wildcard port ("tcp://127.0.0.1:*" or ":0") is resolved by {@link Jeromq#bind}: JeroMQ 0.6.0
 * binds port 0 and reports the port the kernel chose, as libzmq does; 0.3.6 does not, and its
 * adapter draws ports itself.
 *
 * ipc is refused: JeroMQ's ipc://PATH (0.3.6 and 0.6.0 alike) is TCP on a loopback address at
 * port hash(PATH) % 55536 + 10000, not a Unix domain socket: no socket file, nothing another
 * ZeroMQ can reach over ipc, and a port that may belong to another program. The driver does not
 * list ipc in its hello, and these nodes refuse it as a transport the library lacks
 * (each stack's DEVIATIONS.md).
 */
final class Endpoints {
    static final String DEFAULT_BIND = "tcp://127.0.0.1:*";

    private Endpoints() {}

    static String transport(String endpoint) {
        int at = endpoint.indexOf("://");
        return at < 0 ? "" : endpoint.substring(0, at);
    }

    /** Bind; return the endpoint actually bound (a wildcard port resolved). */
    static String bind(SocketBase socket, String endpoint) throws ZmqFailure {
        refuseFakeIpc(endpoint);
        return Jeromq.bind(socket, endpoint);
    }

    /** Bind exactly {@code endpoint}; return the socket's last endpoint (or {@code endpoint}). */
    static String bindAsIs(SocketBase socket, String endpoint) throws ZmqFailure {
        call(socket, endpoint, true);
        Object last = Jeromq.lastEndpoint(socket);
        return last instanceof String text && !text.isEmpty() ? text : endpoint;
    }

    static void connect(SocketBase socket, String endpoint) throws ZmqFailure {
        refuseFakeIpc(endpoint);
        call(socket, endpoint, false);
    }

    private static void call(SocketBase socket, String endpoint, boolean bind) throws ZmqFailure {
        boolean done;
        try {
            done = bind ? ZMQ.bind(socket, endpoint) : ZMQ.connect(socket, endpoint);
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, bind ? "bind" : "connect");
        }
        if (!done) {
            throw ZmqFailure.errno(socket.errno());
        }
    }

    private static void refuseFakeIpc(String endpoint) throws ZmqFailure {
        if (transport(endpoint).equals("ipc")) {
            throw new ZmqFailure("EPROTONOSUPPORT", "Protocol not supported (" + Jeromq.LIBRARY
                + " has no ipc: its ipc:// is TCP on a loopback port hashed from the path)");
        }
    }
}
