package org.zmqspec.jeromq;

import java.lang.reflect.Field;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import zmq.Ctx;
import zmq.SocketBase;
import zmq.ZError;
import zmq.ZMQ;
import zmq.io.SessionBase;
import zmq.io.StreamEngine;
import zmq.io.mechanism.Mechanism;
import zmq.poll.PollItem;

/**
 * Where JeroMQ 0.6.0 (ZMTP 3.1, the ZeroMQ 4.1.7 API) differs from JeroMQ 0.3.6 for the nodes in
 * implementations/jeromq-common: every call the shared code makes that the two versions spell or
 * behave differently. implementations/jeromq has a class of the same name and methods.
 */
final class Jeromq {
    /** How the nodes name themselves (driver's hello, usage). */
    static final String IMPLEMENTATION = "zmqspec-jeromq-0.6";
    /** The library, in messages. */
    static final String LIBRARY = "JeroMQ 0.6.0";
    /**
     * JeroMQ's own number for ZMQ_IMMEDIATE (1039). Its 39, ZMQ_DELAY_ATTACH_ON_CONNECT, libzmq's
     * number for the same option, sets the opposite (Options: immediate = !value).
     */
    static final int ZMQ_IMMEDIATE = ZMQ.ZMQ_IMMEDIATE;
    /** The ZAP domain of every role socket: what turns ZMTP/1.0 and 2.0 peers away. */
    private static final String ZAP_DOMAIN = "zmqspec";
    /** The selector zmq.ZMQ.poll needs, opened once and reused (JeroMQ's advice). */
    private static Selector selector;

    /**
     * The monitor event {@link Connections} waits for: JeroMQ's own ZMQ_EVENT_HANDSHAKE_PROTOCOL
     * (0.6.0 never emits ZMQ_EVENT_HANDSHAKE_SUCCEEDED: DEVIATIONS.md), sent once the two greetings
     * have been exchanged.
     */
    static final int CONNECT_EVENT = ZMQ.ZMQ_EVENT_HANDSHAKE_PROTOCOL;
    /** The most the wait for a mechanism may take after its handshake event; then the event has to do. */
    private static final long MECHANISM_DEADLINE_NS = 5_000_000_000L;

    private Jeromq() {}

    /**
     * After {@link #CONNECT_EVENT}, which is one step too early (a libzmq peer attaches the
     * connection only once it has the READY command; waiting for the event alone left a third
     * worker without tasks against the reference ventilator, scripts/interop): until each tcp
     * connect's security mechanism says READY, or a deadline. JeroMQ keeps it in private fields
     * (SocketBase.endpoints -> the session -> SessionBase.engine -> StreamEngine.mechanism), read
     * here by reflection. Should the fields ever be missing, the event alone has to do.
     */
    static void awaitHandshakes(org.zeromq.ZMQ.Socket socket, List<String> endpoints) throws InterruptedException {
        Field endpointsField;
        Field sessionField;
        Field engineField;
        Field mechanismField;
        try {
            endpointsField = SocketBase.class.getDeclaredField("endpoints");
            sessionField = Class.forName("zmq.SocketBase$EndpointPipe").getDeclaredField("endpoint");
            engineField = SessionBase.class.getDeclaredField("engine");
            mechanismField = StreamEngine.class.getDeclaredField("mechanism");
            for (Field field : List.of(endpointsField, sessionField, engineField, mechanismField)) {
                field.setAccessible(true);
            }
        } catch (ReflectiveOperationException | RuntimeException notThisJeromq) {
            return;
        }
        long deadline = System.nanoTime() + MECHANISM_DEADLINE_NS;
        for (String endpoint : endpoints) {
            while (!ready(socket, endpoint, endpointsField, sessionField, engineField, mechanismField)
                   && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }

    private static boolean ready(org.zeromq.ZMQ.Socket socket, String endpoint, Field endpointsField,
                                 Field sessionField, Field engineField, Field mechanismField) {
        try {
            zmq.util.MultiMap<?, ?> all = (zmq.util.MultiMap<?, ?>) endpointsField.get(socket.base());
            // MultiMap.entries() pairs each value with its key: (EndpointPipe, endpoint string)
            for (Map.Entry<?, ?> entry : all.entries()) {
                if (!endpoint.equals(entry.getValue())) {
                    continue;
                }
                Object session = sessionField.get(entry.getKey());
                Object engine = session instanceof SessionBase ? engineField.get(session) : null;
                Object mechanism = engine instanceof StreamEngine ? mechanismField.get(engine) : null;
                return mechanism instanceof Mechanism m && m.status() == Mechanism.Status.READY;
            }
            return true;  // not an endpoint JeroMQ keeps a session for: nothing to wait for
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            return true;
        }
    }

    /**
     * Make a role's socket take only ZMTP 3 peers (docs/contract.md, "ZMTP 3 only"). As in libzmq,
     * whose design JeroMQ 0.6 ports, a ZAP domain makes the engine refuse a ZMTP/1.0 or ZMTP/2.0
     * greeting (zmq.io.StreamEngine: "if (session.zapEnabled())"); no ZAP handler runs, so the NULL
     * mechanism lets ZMTP 3 peers in. The reference nodes do the same (zmqspec/_node.py).
     */
    static void refuseOldPeers(org.zeromq.ZMQ.Socket socket) {
        socket.setZAPDomain(ZAP_DOMAIN);
    }

    /** A poller of the high-level API (0.6 makes it through the context). */
    static org.zeromq.ZMQ.Poller poller(org.zeromq.ZMQ.Context context, int size) {
        return context.poller(size);
    }

    /** The options of the contract this JeroMQ has beyond those 0.3.6 has too. */
    static void moreOptions(Map<String, Driver.Option> options) {
        options.put("req_relaxed", new Driver.Option(ZMQ.ZMQ_REQ_RELAXED, Driver.Kind.INT, true, true));
        options.put("req_correlate", new Driver.Option(ZMQ.ZMQ_REQ_CORRELATE, Driver.Kind.INT, true, true));
    }

    /** The refusal of an option name not in the table. */
    static ZmqFailure unknownOption(String name) {
        return new ZmqFailure("EINVAL", "unknown option '" + name + "'");
    }

    /** The value JeroMQ takes for setsockopt_string: the String itself (its string API encodes it, ZMQ.CHARSET). */
    static Object textValue(String given) {
        return given;
    }

    /** zmq_setsockopt: JeroMQ itself refuses what libzmq refuses, with an errno. */
    static void setOption(SocketBase socket, String name, Driver.Option option, Object value) throws ZmqFailure {
        if (!socket.setSocketOpt(option.number(), value)) {
            throw ZmqFailure.errno(socket.errno());
        }
    }

    /** zmq_getsockopt, as JeroMQ answers it. */
    static Object getOption(SocketBase socket, String name, Driver.Option option) {
        return socket.getSocketOptx(option.number());
    }

    /** zmq_getsockopt(ZMQ_LAST_ENDPOINT). */
    static Object lastEndpoint(SocketBase socket) {
        return socket.getSocketOptx(ZMQ.ZMQ_LAST_ENDPOINT);
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
        if (selector == null) {
            selector = context.createSelector();
        }
        ZMQ.poll(selector, items.toArray(new PollItem[0]), timeoutMs);
        int[] fired = new int[items.size()];
        for (int i = 0; i < fired.length; i++) {
            fired[i] = (items.get(i).isReadable() ? ZMQ.ZMQ_POLLIN : 0) | (items.get(i).isWritable() ? ZMQ.ZMQ_POLLOUT : 0);
        }
        return fired;
    }

    /** What the driver releases before it terminates its context: the poll selector. */
    static void release(Ctx context) {
        if (selector != null) {
            context.closeSelector(selector);
            selector = null;
        }
    }

    /** Bind; JeroMQ 0.6 resolves a wildcard port itself and reports it as its last endpoint. */
    static String bind(SocketBase socket, String endpoint) throws ZmqFailure {
        return Endpoints.bindAsIs(socket, endpoint);
    }

    /** The errno names this version has beyond those 0.3.6 has too. */
    static void moreErrnoNames(ZmqFailure.Namer namer) {
        namer.name(ZError.ENOENT, "ENOENT", "No such file or directory");
        namer.name(ZError.ECANCELED, "ECANCELED", "Operation canceled");
        namer.name(ZError.EMSGSIZE, "EMSGSIZE", "Message too long");
        namer.name(ZError.EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol");
        namer.name(ZError.ENETUNREACH, "ENETUNREACH", "Network is unreachable");
        namer.name(ZError.ECONNABORTED, "ECONNABORTED", "Software caused connection abort");
        namer.name(ZError.ECONNRESET, "ECONNRESET", "Connection reset by peer");
        namer.name(ZError.ETIMEDOUT, "ETIMEDOUT", "Connection timed out");
        namer.name(ZError.ENETRESET, "ENETRESET", "Connection aborted by network");
        namer.name(ZError.EPROTO, "EPROTO", "Protocol error");
    }

    /**
     * The errno of a Java exception only this version throws, or null: an unknown transport in
     * some paths of 0.6.0 is an IllegalArgumentException "Unknown protocol" (EPROTONOSUPPORT).
     */
    static ZmqFailure translate(RuntimeException thrown, String during, String words) {
        boolean endpoint = during.equals("bind") || during.equals("connect");
        if (endpoint && thrown.getMessage() != null && thrown.getMessage().startsWith("Unknown protocol")) {
            return new ZmqFailure("EPROTONOSUPPORT", "Protocol not supported (JeroMQ: " + words + ")");
        }
        return null;
    }

    /** The message of a ZMQException: its errno's words, then JeroMQ's. */
    static String zmqExceptionMessage(ZmqFailure failure, String words) {
        return failure.getMessage() + " (JeroMQ: " + words + ")";
    }
}
