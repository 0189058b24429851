package org.zmqspec.jeromq;

import java.util.concurrent.ThreadLocalRandom;
import zmq.SocketBase;
import zmq.ZMQ;

/**
 * bind and connect with the contract's errors, on JeroMQ's core socket (zmq.SocketBase,
 * the port of libzmq's socket_base_t).
 *
 * Two things differ from libzmq and are handled here:
 * - A wildcard port ("tcp://127.0.0.1:*" or ":0"). JeroMQ 0.3.6 resolves ":*" only in its
 *   wrapper, by trying ports upwards from 49152, and binds ":0" without learning the port the
 *   kernel chose (its last endpoint stays ":0"). Counting upwards would hand the port a test has
 *   just freed to the next node that binds, so ports are drawn at random from the same range,
 *   49152..65535, until one binds.
 * - ipc. JeroMQ 0.3.6 accepts ipc://PATH but listens on TCP, on 127.0.0.1 at port
 *   hash(PATH) % 55536 + 10000: no socket file, nothing another ZeroMQ can reach, and a port
 *   that may belong to someone else. These nodes refuse it as a transport they lack.
 */
final class Endpoints {
    static final String DEFAULT_BIND = "tcp://127.0.0.1:*";
    private static final int FIRST_PORT = 49152;
    private static final int LAST_PORT = 65535;
    private static final int ATTEMPTS = 200;

    private Endpoints() {}

    static String transport(String endpoint) {
        int at = endpoint.indexOf("://");
        return at < 0 ? "" : endpoint.substring(0, at);
    }

    /** Bind; return the endpoint actually bound (a wildcard port resolved). */
    static String bind(SocketBase socket, String endpoint) throws ZmqFailure {
        refuseFakeIpc(endpoint);
        String wildcard = wildcardPrefix(endpoint);
        if (wildcard == null) {
            call(socket, endpoint, true);
            return lastEndpoint(socket, endpoint);
        }
        ZmqFailure last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String concrete = wildcard + ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1);
            try {
                call(socket, concrete, true);
                return lastEndpoint(socket, concrete);
            } catch (ZmqFailure failure) {
                if (!failure.errno.equals("EADDRINUSE")) {
                    throw failure;
                }
                last = failure;
            }
        }
        throw last;
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

    private static String lastEndpoint(SocketBase socket, String asked) {
        Object last = socket.getsockoptx(ZMQ.ZMQ_LAST_ENDPOINT);
        return last instanceof String text && !text.isEmpty() ? text : asked;
    }

    /** "tcp://HOST:" for "tcp://HOST:*" and "tcp://HOST:0"; null for any other endpoint. */
    private static String wildcardPrefix(String endpoint) {
        if (!transport(endpoint).equals("tcp")) {
            return null;
        }
        int colon = endpoint.lastIndexOf(':');
        String port = endpoint.substring(colon + 1);
        return colon > "tcp://".length() && (port.equals("*") || port.equals("0")) ? endpoint.substring(0, colon + 1) : null;
    }

    private static void refuseFakeIpc(String endpoint) throws ZmqFailure {
        if (transport(endpoint).equals("ipc")) {
            throw new ZmqFailure("EPROTONOSUPPORT",
                "Protocol not supported (JeroMQ 0.3.6 has no ipc: its ipc:// is TCP on a loopback port hashed from the path)");
        }
    }
}
