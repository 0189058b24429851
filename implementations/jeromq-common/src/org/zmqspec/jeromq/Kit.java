package org.zmqspec.jeromq;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.zeromq.ZMQ;

/**
 * What every node shares (docs/contract.md, sections 1-3): UTF-8 output flushed line by line,
 * the ready line, the lifelines that end a node whose parent is gone, one-line errors and
 * the exit statuses 0 (done), 1 (cannot go on) and 2 (bad arguments).
 */
final class Kit {
    static final String READY_PREFIX = "ZMQSPEC READY ";
    /** How long a role's sockets may deliver what they hold once it is done (ventilator, sync-pub: for ever). */
    static final int CLOSE_LINGER_MS = 1000;
    /** ZMQ_MAXMSGSIZE of the sink's results and the worker's tasks and kill sockets (contract, "Size bound"). */
    static final long MAX_MESSAGE_BYTES = 64 * 1024;
    private static final int SHOWN_BYTES = 40;

    private static final PrintStream OUT = new PrintStream(
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
    private static final PrintStream ERR = new PrintStream(
        new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    /** A problem the node reports in one line, then exits 1. */
    static final class NodeError extends Exception {
        NodeError(String message) {
            super(message);
        }
    }

    interface Body {
        int run() throws Exception;
    }

    private static String role = "node";
    private static ZMQ.Context context;
    private static final List<ZMQ.Socket> SOCKETS = new ArrayList<>();

    private Kit() {}

    // -- output ---------------------------------------------------------------

    static void say(String line) {
        synchronized (OUT) {
            OUT.print(line);
            OUT.print('\n');
            OUT.flush();
        }
    }

    /** Text without a newline (a prompt, a progress mark), flushed at once. */
    static void out(String text) {
        synchronized (OUT) {
            OUT.print(text);
            OUT.flush();
        }
    }

    /** Bytes as a line on stderr shows them: quoted, the first few, and the size when cut. */
    static String shown(byte[] data) {
        if (data.length <= SHOWN_BYTES) {
            return "'" + Text.decode(data) + "'";
        }
        return "'" + Text.decode(Arrays.copyOf(data, SHOWN_BYTES)) + "'... (" + data.length + " bytes)";
    }

    /** One line on stderr: what the role skipped, or a problem it goes on despite. */
    static void warn(String text) {
        ERR.print("zmqspec " + role + ": " + text + "\n");
        ERR.flush();
    }

    /** The ready line: each socket's name and the endpoints it bound, keys sorted. */
    static void ready(Map<String, List<String>> bound) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, List<String>> socket : new TreeMap<>(bound).entrySet()) {
            if (json.length() > 1) {
                json.append(", ");
            }
            json.append(Text.jsonString(socket.getKey())).append(": [");
            List<String> endpoints = socket.getValue();
            for (int i = 0; i < endpoints.size(); i++) {
                json.append(i > 0 ? ", " : "").append(Text.jsonString(endpoints.get(i)));
            }
            json.append(']');
        }
        say(READY_PREFIX + json.append('}'));
    }

    // -- sockets --------------------------------------------------------------

    static synchronized ZMQ.Context context() {
        if (context == null) {
            context = ZMQ.context(1);
        }
        return context;
    }

    /**
     * A socket of the role, closed with {@link #CLOSE_LINGER_MS} unless the role sets another linger,
     * that drops a peer older than the ZMTP its JeroMQ speaks ({@link Jeromq#refuseOldPeers}: on 0.6.0
     * a ZAP domain, which refuses ZMTP/1.0 and 2.0 greetings as libzmq does; on 0.3.6, which speaks
     * ZMTP/2.0, a decoder that refuses ZMTP/1.0).
     */
    static ZMQ.Socket socket(int type) {
        ZMQ.Socket socket = context().socket(type);
        socket.setLinger(CLOSE_LINGER_MS);
        Jeromq.refuseOldPeers(socket);
        SOCKETS.add(socket);
        return socket;
    }

    /**
     * Bind and connect one socket as its options say; with neither, bind {@code fallback}
     * (none when null). Returns the endpoints actually bound.
     */
    static List<String> attach(ZMQ.Socket socket, List<String> binds, List<String> connects, String fallback)
            throws NodeError {
        if (binds.isEmpty() && connects.isEmpty() && fallback != null) {
            binds = List.of(fallback);
        }
        List<String> bound = new ArrayList<>();
        for (String endpoint : binds) {
            refuseBeyondLastPort("bind", endpoint);
            try {
                bound.add(Endpoints.bind(socket.base(), endpoint));
            } catch (ZmqFailure failure) {
                throw new NodeError("cannot bind " + endpoint + ": " + failure.getMessage() + " (" + failure.errno + ")");
            }
        }
        for (String endpoint : connects) {
            refuseBeyondLastPort("connect", endpoint);
            try {
                Endpoints.connect(socket.base(), endpoint);
            } catch (ZmqFailure failure) {
                throw new NodeError("cannot connect " + endpoint + ": " + failure.getMessage() + " (" + failure.errno + ")");
            }
        }
        return bound;
    }

    /**
     * A tcp port beyond 65535 is an endpoint no socket can take: the node refuses it itself (exit 1),
     * as libzmq would take it modulo 65536 (contract section 1; NC-9).
     */
    private static void refuseBeyondLastPort(String verb, String endpoint) throws NodeError {
        if (!endpoint.startsWith("tcp://")) {
            return;
        }
        String port = endpoint.substring(endpoint.lastIndexOf(':') + 1).replaceFirst("^0+(?=.)", "");
        boolean digits = !port.isEmpty();
        for (int i = 0; i < port.length(); i++) {
            digits &= port.charAt(i) >= '0' && port.charAt(i) <= '9';
        }
        if (digits && (port.length() > 5 || Integer.parseInt(port) > 65535)) {
            throw new NodeError("cannot " + verb + " " + endpoint + ": Invalid argument: tcp port " + port
                + " is beyond 65535 (EINVAL)");
        }
    }

    static List<String> attach(ZMQ.Socket socket, Cli options, String prefix) throws NodeError {
        return attach(socket, options.all(prefix + "bind"), options.all(prefix + "connect"), Endpoints.DEFAULT_BIND);
    }

    /** One whole message: every frame. */
    static List<byte[]> receive(ZMQ.Socket socket) {
        List<byte[]> frames = new ArrayList<>();
        do {
            frames.add(socket.recv(0));
        } while (socket.hasReceiveMore());
        return frames;
    }

    static void send(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    // -- lifelines --------------------------------------------------------------

    /** For roles that never read standard input: its end-of-file means "quit now" (status 0). */
    static void quitOnStdinEof() {
        daemon(new Thread("stdin-lifeline") {
            @Override
            public void run() {
                byte[] sink = new byte[4096];
                try {
                    while (System.in.read(sink) >= 0) {
                        // what arrives on stdin means nothing to these roles
                    }
                } catch (IOException closed) {
                    // as good as end-of-file
                }
                exit(0);
            }
        });
    }

    /**
     * Java cannot ask for prctl(PR_SET_PDEATHSIG); this thread does its job: when the parent
     * process is gone, end as SIGTERM would (status 143).
     */
    private static void quitWhenOrphaned() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        daemon(new Thread("parent-lifeline") {
            @Override
            public void run() {
                while (parent.isAlive()) {
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
                exit(143);
            }
        });
    }

    private static void daemon(Thread thread) {
        thread.setDaemon(true);
        thread.start();
    }

    // -- ending -----------------------------------------------------------------

    /** Run a role with the contract's exit rules; never returns. */
    static void run(String roleName, Body body) {
        role = roleName;
        quitWhenOrphaned();
        int code;
        try {
            code = body.run();
        } catch (NodeError | Cli.Usage problem) {
            OUT.flush();
            ERR.print("zmqspec " + role + ": error: " + problem.getMessage() + "\n");
            ERR.flush();
            exit(problem instanceof Cli.Usage ? 2 : 1);
            return;
        } catch (Exception unexpected) {
            OUT.flush();
            ERR.print("zmqspec " + role + ": error: " + unexpected + "\n");
            ERR.flush();
            exit(1);
            return;
        }
        finish();
        exit(code);
    }

    /** Close every socket (each delivers what it holds within its linger), then the context. */
    static void finish() {
        synchronized (Kit.class) {
            for (ZMQ.Socket socket : SOCKETS) {
                socket.close();
            }
            SOCKETS.clear();
            if (context != null) {
                context.term();
                context = null;
            }
        }
    }

    static void exit(int code) {
        OUT.flush();
        ERR.flush();
        Runtime.getRuntime().halt(code);
    }
}
