package org.zmqspec.jeromq;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import zmq.Ctx;
import zmq.PollItem;
import zmq.SocketBase;
import zmq.ZMQ;

/**
 * Where JeroMQ 0.3.6 (the port of libzmq 3.2, ZMTP/2.0) differs from JeroMQ 0.6.0 for the nodes
 * in implementations/jeromq-common: every call the shared code makes that the two versions spell
 * or behave differently. implementations/jeromq-0.6 has a class of the same name and methods.
 */
final class Jeromq {
    /** How the nodes name themselves (driver's hello, usage). */
    static final String IMPLEMENTATION = "zmqspec-jeromq";
    /** The library, in messages. */
    static final String LIBRARY = "JeroMQ 0.3.6";
    /** libzmq 3.2 called ZMQ_IMMEDIATE ZMQ_DELAY_ATTACH_ON_CONNECT (same number, 39). */
    static final int ZMQ_IMMEDIATE = ZMQ.ZMQ_DELAY_ATTACH_ON_CONNECT;
    /** Options of the contract that JeroMQ 0.3.6 (libzmq 3.2) does not have. */
    private static final List<String> LACKING = List.of("req_relaxed", "req_correlate");
    /**
     * A wildcard port: JeroMQ 0.3.6 resolves ":*" only in its wrapper, by trying ports upwards
     * from 49152, and binds ":0" without learning the port the kernel chose (its last endpoint
     * stays ":0"). Counting upwards would hand the port a test has just freed to the next node
     * that binds, so ports are drawn at random from the same range until one binds.
     */
    private static final int FIRST_PORT = 49152;
    private static final int LAST_PORT = 65535;
    private static final int ATTEMPTS = 200;

    /** The monitor event {@link Connections} waits for: "connected" (TCP is up; 3.2 has no handshake event). */
    static final int CONNECT_EVENT = ZMQ.ZMQ_EVENT_CONNECTED;

    private Jeromq() {}

    /**
     * After {@link #CONNECT_EVENT}: until each tcp connect's handshake is done, that is until the
     * peer's first frame (its identity, which ZMTP/2.0 sends right after the greeting) has reached
     * the connection's session, which JeroMQ 0.3.6 records in a private field,
     * SessionBase.identityReceived, read here by reflection. Should the field ever be missing, the
     * event alone has to do.
     */
    static void awaitHandshakes(org.zeromq.ZMQ.Socket socket, List<String> endpoints) throws InterruptedException {
        Map<?, ?> sessions;
        Field received;
        try {
            Field field = SocketBase.class.getDeclaredField("endpoints");
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

    /**
     * Make a role's socket drop a peer that is not ZMTP/2.0 (docs/contract.md, "ZMTP 3 only"; 0.3.6
     * speaks no ZMTP 3): JeroMQ 0.3.6 has no ZAP, so ZMQ_DECODER does it ({@link Zmtp2Decoder}).
     */
    static void refuseOldPeers(org.zeromq.ZMQ.Socket socket) {
        socket.setDecoder(Zmtp2Decoder.class);
    }

    /** A poller of the high-level API (0.3.6 makes it directly). */
    static org.zeromq.ZMQ.Poller poller(org.zeromq.ZMQ.Context context, int size) {
        return new org.zeromq.ZMQ.Poller(size);
    }

    /** The options of the contract this JeroMQ has beyond those both versions have: none. */
    static void moreOptions(Map<String, Driver.Option> options) {}

    /** The refusal of an option name not in the table. */
    static ZmqFailure unknownOption(String name) {
        return new ZmqFailure("EINVAL", LACKING.contains(name)
            ? "Invalid argument (" + LIBRARY + " has no ZMQ_" + name.toUpperCase() + ")"
            : "unknown option '" + name + "'");
    }

    /** The value JeroMQ takes for setsockopt_string: the UTF-8 bytes (0.3.6 takes no String). */
    static Object textValue(String given) {
        return Text.utf8(given);
    }

    /**
     * zmq_setsockopt. JeroMQ 0.3.6 sets read-only options without a word and has no return value:
     * the option table's direction is checked here, as libzmq does (EINVAL).
     */
    static void setOption(SocketBase socket, String name, Driver.Option option, Object value) throws ZmqFailure {
        if (!option.settable()) {
            throw new ZmqFailure("EINVAL", "Invalid argument (" + name + " cannot be set)");
        }
        socket.setSocketOpt(option.number(), value);
    }

    /** zmq_getsockopt: write-only options are refused (EINVAL) before JeroMQ is asked. */
    static Object getOption(SocketBase socket, String name, Driver.Option option) throws ZmqFailure {
        if (!option.gettable()) {
            throw new ZmqFailure("EINVAL", "Invalid argument (" + name + " cannot be read)");
        }
        return socket.getsockoptx(option.number());
    }

    /** zmq_getsockopt(ZMQ_LAST_ENDPOINT). */
    static Object lastEndpoint(SocketBase socket) {
        return socket.getsockoptx(ZMQ.ZMQ_LAST_ENDPOINT);
    }

    /**
     * zmq_poll over {@code sockets} for {@code events} (ZMQ_POLLIN | ZMQ_POLLOUT each); returns
     * the events that fired, socket by socket.
     */
    static int[] poll(Ctx context, List<SocketBase> sockets, List<Integer> events, long timeoutMs) {
        List<PollItem> items = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            items.add(new PollItem(sockets.get(i), events.get(i)));
        }
        ZMQ.poll(items.toArray(new PollItem[0]), timeoutMs);
        int[] fired = new int[items.size()];
        for (int i = 0; i < fired.length; i++) {
            fired[i] = (items.get(i).isReadable() ? ZMQ.ZMQ_POLLIN : 0) | (items.get(i).isWritable() ? ZMQ.ZMQ_POLLOUT : 0);
        }
        return fired;
    }

    /** What the driver releases before it terminates its context: nothing here. */
    static void release(Ctx context) {}

    /** Bind, a wildcard port drawn at random (see above); returns the endpoint bound. */
    static String bind(SocketBase socket, String endpoint) throws ZmqFailure {
        String wildcard = wildcardPrefix(endpoint);
        if (wildcard == null) {
            return Endpoints.bindAsIs(socket, endpoint);
        }
        ZmqFailure last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return Endpoints.bindAsIs(socket, wildcard + ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1));
            } catch (ZmqFailure failure) {
                if (!failure.errno.equals("EADDRINUSE")) {
                    throw failure;
                }
                last = failure;
            }
        }
        throw last;
    }

    /** "tcp://HOST:" for "tcp://HOST:*" and "tcp://HOST:0"; null for any other endpoint. */
    private static String wildcardPrefix(String endpoint) {
        if (!Endpoints.transport(endpoint).equals("tcp")) {
            return null;
        }
        int colon = endpoint.lastIndexOf(':');
        String port = endpoint.substring(colon + 1);
        return colon > "tcp://".length() && (port.equals("*") || port.equals("0")) ? endpoint.substring(0, colon + 1) : null;
    }

    /** The errno names this version has beyond those both have: none. */
    static void moreErrnoNames(ZmqFailure.Namer namer) {}

    /**
     * The errno of a Java exception only this version throws, or null: REP's "Cannot send another
     * reply" / "Cannot receive another request" (IllegalStateException) is EFSM in libzmq 3.2.
     */
    static ZmqFailure translate(RuntimeException thrown, String during, String words) {
        if (thrown instanceof IllegalStateException) {
            return new ZmqFailure("EFSM", "Operation cannot be accomplished in current state (JeroMQ: " + words + ")");
        }
        return null;
    }

    /** The message of a ZMQException (its errno's words only). */
    static String zmqExceptionMessage(ZmqFailure failure, String words) {
        return failure.getMessage();
    }
}
