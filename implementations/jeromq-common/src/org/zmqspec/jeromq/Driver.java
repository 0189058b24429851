package org.zmqspec.jeromq;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import zmq.Ctx;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;

/**
 * driver: JeroMQ sockets scripted over JSON lines (docs/contract.md, section 5).
 *
 * One request per line on standard input, one reply per line on standard output. Sockets are
 * JeroMQ's core sockets (zmq.SocketBase through the static calls of zmq.ZMQ, the port of
 * libzmq's C API), so every failure has an errno, which {@link ZmqFailure} names.
 */
final class Driver {
    static final String ROLE = "driver";
    private static final int PROTOCOL = 1;
    private static final long DEFAULT_TIMEOUT_MS = 5000;
    private static final List<String> SOCKET_TYPES =
        List.of("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB");
    private static final List<String> COMMANDS = List.of(
        "batch", "bind", "close", "connect", "disconnect", "getsockopt", "hello", "poll", "quit", "recv",
        "recv_many", "recv_until", "send", "send_many", "setsockopt", "setsockopt_string", "socket", "unbind");

    /** An option as zmq_setsockopt names it, JeroMQ's number for it, and how its value travels. */
    record Option(int number, Kind kind, boolean settable, boolean gettable) {}

    enum Kind { INT, LONG, BYTES }

    private static final Map<String, Option> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("sndhwm", new Option(ZMQ.ZMQ_SNDHWM, Kind.INT, true, true));
        OPTIONS.put("rcvhwm", new Option(ZMQ.ZMQ_RCVHWM, Kind.INT, true, true));
        OPTIONS.put("linger", new Option(ZMQ.ZMQ_LINGER, Kind.INT, true, true));
        OPTIONS.put("rcvtimeo", new Option(ZMQ.ZMQ_RCVTIMEO, Kind.INT, true, true));
        OPTIONS.put("sndtimeo", new Option(ZMQ.ZMQ_SNDTIMEO, Kind.INT, true, true));
        // each version's own number for ZMQ_IMMEDIATE (Jeromq.ZMQ_IMMEDIATE)
        OPTIONS.put("immediate", new Option(Jeromq.ZMQ_IMMEDIATE, Kind.INT, true, true));
        OPTIONS.put("maxmsgsize", new Option(ZMQ.ZMQ_MAXMSGSIZE, Kind.LONG, true, true));
        OPTIONS.put("xpub_verbose", new Option(ZMQ.ZMQ_XPUB_VERBOSE, Kind.INT, true, false));
        OPTIONS.put("router_mandatory", new Option(ZMQ.ZMQ_ROUTER_MANDATORY, Kind.INT, true, false));
        OPTIONS.put("rcvmore", new Option(ZMQ.ZMQ_RCVMORE, Kind.INT, false, true));
        OPTIONS.put("type", new Option(ZMQ.ZMQ_TYPE, Kind.INT, false, true));
        OPTIONS.put("subscribe", new Option(ZMQ.ZMQ_SUBSCRIBE, Kind.BYTES, true, false));
        OPTIONS.put("unsubscribe", new Option(ZMQ.ZMQ_UNSUBSCRIBE, Kind.BYTES, true, false));
        // ZMQ_ROUTING_ID is libzmq 4.2's name for ZMQ_IDENTITY (same number, 5); JeroMQ has the old name
        OPTIONS.put("routing_id", new Option(ZMQ.ZMQ_IDENTITY, Kind.BYTES, true, true));
        OPTIONS.put("last_endpoint", new Option(ZMQ.ZMQ_LAST_ENDPOINT, Kind.BYTES, false, true));
        Jeromq.moreOptions(OPTIONS);  // ZMQ_REQ_RELAXED and ZMQ_REQ_CORRELATE, where the version has them
    }

    /** The fields each command takes besides cmd (and seq, outside a batch); any other is EINVAL. */
    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
        Map.entry("hello", Set.of()),
        Map.entry("socket", Set.of("type")),
        Map.entry("bind", Set.of("socket", "endpoint")),
        Map.entry("connect", Set.of("socket", "endpoint")),
        Map.entry("unbind", Set.of("socket", "endpoint")),
        Map.entry("disconnect", Set.of("socket", "endpoint")),
        Map.entry("setsockopt", Set.of("socket", "option", "value")),
        Map.entry("setsockopt_string", Set.of("socket", "option", "value")),
        Map.entry("getsockopt", Set.of("socket", "option")),
        Map.entry("send", Set.of("socket", "frames", "timeout_ms")),
        Map.entry("recv", Set.of("socket", "timeout_ms")),
        Map.entry("poll", Set.of("items", "timeout_ms")),
        Map.entry("close", Set.of("socket", "linger_ms")),
        Map.entry("send_many", Set.of("socket", "messages", "timeout_ms")),
        Map.entry("recv_until", Set.of("socket", "sentinel", "timeout_ms")),
        Map.entry("recv_many", Set.of("socket", "count", "timeout_ms")),
        Map.entry("batch", Set.of("requests")),
        Map.entry("quit", Set.of()));
    /** The largest timeout_ms or linger_ms: what a libzmq socket option (a C int) holds. */
    private static final long MAX_DURATION_MS = Integer.MAX_VALUE;

    private final Ctx context = ZMQ.createContext();
    private final Map<String, SocketBase> sockets = new LinkedHashMap<>();
    private final Gson gson = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private int created;
    private boolean quitting;

    private Driver() {}

    static int run(String[] args) throws Exception {
        new Cli(ROLE, "JeroMQ sockets scripted over JSON lines on standard input and output (docs/contract.md, section 5).")
            .parse(args);
        return serve(System.in);
    }

    static int serve(InputStream input) throws IOException {
        return new Driver().answer(input);
    }

    private int answer(InputStream input) throws IOException {
        Kit.ready(Map.of());
        BufferedReader lines = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        String line;
        while (!quitting && (line = lines.readLine()) != null) {
            Kit.say(gson.toJson(handle(line)));  // every line gets one reply, an empty one included
        }
        for (SocketBase socket : sockets.values()) {
            socket.setSocketOpt(ZMQ.ZMQ_LINGER, 0);
            ZMQ.close(socket);
        }
        Jeromq.release(context);
        ZMQ.term(context);
        return 0;
    }

    // -- one request -------------------------------------------------------------

    private JsonObject handle(String line) {
        JsonElement seq = JsonNull.INSTANCE;
        JsonObject reply = new JsonObject();
        try {
            if (line.isBlank()) {
                throw new ZmqFailure("EPROTO", "an empty line is no request");
            }
            JsonObject request = parse(line);
            if (!integral(request.get("seq"))) {
                throw new ZmqFailure("EPROTO", "a request must have seq, an integer");
            }
            seq = request.get("seq");
            JsonElement cmd = request.get("cmd");
            if (cmd == null || !cmd.isJsonPrimitive() || !cmd.getAsJsonPrimitive().isString()) {
                throw new ZmqFailure("ENOTSUP", "unknown command " + cmd);
            }
            JsonObject ok = execute(cmd.getAsString(), request, false);
            reply.add("seq", seq);
            reply.add("ok", ok);
        } catch (ZmqFailure failure) {
            reply.add("seq", seq);
            reply.add("error", error(failure));
        }
        return reply;
    }

    private JsonObject parse(String line) throws ZmqFailure {
        try {
            JsonReader reader = new JsonReader(new StringReader(line));
            reader.setLenient(false);
            JsonElement parsed = gson.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new ZmqFailure("EPROTO", "not JSON: more after the first value");
            }
            if (parsed == null || !parsed.isJsonObject()) {
                throw new ZmqFailure("EPROTO", "a request must be a JSON object");
            }
            return parsed.getAsJsonObject();
        } catch (IOException | RuntimeException notJson) {
            throw new ZmqFailure("EPROTO", "not JSON: " + notJson.getMessage());
        }
    }

    private static JsonObject error(ZmqFailure failure) {
        JsonObject error = new JsonObject();
        error.addProperty("errno", failure.errno);
        error.addProperty("message", failure.getMessage());
        if (failure instanceof BatchFailure batch) {
            error.addProperty("index", batch.index);
        }
        return error;
    }

    private JsonObject execute(String cmd, JsonObject request, boolean inBatch) throws ZmqFailure {
        boolean outsideOnly = cmd.equals("batch") || cmd.equals("quit");
        if (!FIELDS.containsKey(cmd) || (inBatch && outsideOnly)) {
            throw new ZmqFailure("ENOTSUP", "unknown command '" + cmd + "'" + (inBatch ? " in a batch" : ""));
        }
        checkFields(cmd, request, inBatch);
        switch (cmd) {
            case "hello": return hello();
            case "socket": return socket(text(request, "type"));
            case "bind": return bind(request);
            case "connect": return connect(request);
            case "unbind": return unbind(request, "unbind");
            case "disconnect": return unbind(request, "disconnect");
            case "setsockopt": return setsockopt(request, false);
            case "setsockopt_string": return setsockopt(request, true);
            case "getsockopt": return getsockopt(request);
            case "send": return send(request);
            case "recv": return recv(request);
            case "poll": return poll(request);
            case "close": return close(request);
            case "send_many": return sendMany(request);
            case "recv_until": return recvUntil(request);
            case "recv_many": return recvMany(request);
            case "batch": return batch(request);
            default:  // quit
                quitting = true;
                return new JsonObject();
        }
    }

    /**
     * Before a command runs: every field is one it takes, and its durations are in range, so that a
     * malformed request changes nothing (a close with an unknown field leaves the socket open).
     */
    private static void checkFields(String cmd, JsonObject request, boolean inBatch) throws ZmqFailure {
        Set<String> takes = FIELDS.get(cmd);
        for (String field : request.keySet()) {
            if (!takes.contains(field) && !field.equals("cmd") && !(field.equals("seq") && !inBatch)) {
                throw new ZmqFailure("EINVAL", "unknown field '" + field + "' for " + cmd);
            }
        }
        for (String field : List.of("timeout_ms", "linger_ms")) {
            if (request.has(field)) {
                duration(request, field, 0);
            }
        }
    }

    // -- the commands --------------------------------------------------------------

    private JsonObject hello() {
        JsonObject ok = new JsonObject();
        ok.addProperty("protocol", PROTOCOL);
        ok.addProperty("implementation", Jeromq.IMPLEMENTATION);
        ok.addProperty("language", "java " + Runtime.version());
        ok.addProperty("library", "jeromq " + jeromqVersion());
        ok.addProperty("zmq_version", org.zeromq.ZMQ.getVersionString());
        ok.add("transports", strings(List.of("tcp", "inproc")));
        ok.add("socket_types", strings(SOCKET_TYPES));
        ok.add("commands", strings(COMMANDS));
        return ok;
    }

    private static String jeromqVersion() {
        Properties pom = new Properties();
        try (InputStream in = ZMQ.class.getResourceAsStream("/META-INF/maven/org.zeromq/jeromq/pom.properties")) {
            if (in != null) {
                pom.load(in);
            }
        } catch (IOException unreadable) {
            // the version is only shown, never relied on
        }
        return pom.getProperty("version", "unknown");
    }

    private JsonObject socket(String type) throws ZmqFailure {
        int number = SOCKET_TYPES.indexOf(type);
        if (number < 0) {
            throw new ZmqFailure("EINVAL", "unknown socket type '" + type + "'");
        }
        SocketBase socket;
        try {
            socket = ZMQ.socket(context, number);
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, "socket");
        }
        if (socket == null) {
            throw new ZmqFailure("EMFILE", "Too many open files (JeroMQ made no socket)");
        }
        String name = "s" + (++created);
        sockets.put(name, socket);
        JsonObject ok = new JsonObject();
        ok.addProperty("socket", name);
        return ok;
    }

    private JsonObject bind(JsonObject request) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        JsonObject ok = new JsonObject();
        ok.addProperty("endpoint", Endpoints.bind(socket, text(request, "endpoint")));
        return ok;
    }

    private JsonObject connect(JsonObject request) throws ZmqFailure {
        Endpoints.connect(socketOf(request), text(request, "endpoint"));
        return new JsonObject();
    }

    private JsonObject unbind(JsonObject request, String what) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        String endpoint = text(request, "endpoint");
        boolean done;
        try {
            done = what.equals("unbind") ? ZMQ.unbind(socket, endpoint) : ZMQ.disconnect(socket, endpoint);
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, what);
        }
        if (!done) {
            throw ZmqFailure.errno(socket.errno());
        }
        return new JsonObject();
    }

    private Option option(String name) throws ZmqFailure {
        Option option = OPTIONS.get(name);
        if (option == null) {
            throw Jeromq.unknownOption(name);
        }
        return option;
    }

    private JsonObject setsockopt(JsonObject request, boolean asText) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        String name = text(request, "option");
        Option option = option(name);
        Object value;
        if (option.kind() == Kind.BYTES) {
            String given = text(request, "value");
            value = asText ? Jeromq.textValue(given) : hexBytes(given, "value");
        } else if (asText) {
            throw new ZmqFailure("EINVAL", "'" + name + "' is not a bytes option");
        } else {
            long number = integer(request, "value", null, Long.MIN_VALUE);
            if (option.kind() == Kind.INT && (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE)) {
                throw new ZmqFailure("EINVAL", "Invalid argument (" + number + " does not fit " + name + ")");
            }
            value = option.kind() == Kind.LONG ? (Object) number : (Object) (int) number;
        }
        try {
            Jeromq.setOption(socket, name, option, value);
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, "setsockopt");
        } catch (StackOverflowError overflow) {
            throw ZmqFailure.overflow(overflow);
        }
        return new JsonObject();
    }

    private JsonObject getsockopt(JsonObject request) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        String name = text(request, "option");
        Option option = option(name);
        Object value;
        try {
            value = Jeromq.getOption(socket, name, option);
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, "getsockopt");
        }
        JsonObject ok = new JsonObject();
        if (value instanceof byte[] bytes) {
            ok.addProperty("value", Text.hex(bytes));
        } else if (value instanceof String string) {
            ok.addProperty("value", Text.hex(Text.utf8(string)));
        } else if (value instanceof Number number) {
            ok.addProperty("value", number.longValue());
        } else if (value instanceof Boolean flag) {
            ok.addProperty("value", flag ? 1 : 0);
        } else if (value == null && option.kind() == Kind.BYTES) {
            ok.addProperty("value", "");
        } else {
            throw new ZmqFailure("EINVAL", "Invalid argument (JeroMQ returned " + value + " for " + name + ")");
        }
        return ok;
    }

    private JsonObject send(JsonObject request) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        sendMessage(socket, framesOf(request.get("frames"), "frames"), duration(request, "timeout_ms", DEFAULT_TIMEOUT_MS));
        return new JsonObject();
    }

    private JsonObject recv(JsonObject request) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        List<byte[]> frames = receiveMessage(socket, duration(request, "timeout_ms", DEFAULT_TIMEOUT_MS));
        JsonObject ok = new JsonObject();
        ok.add("frames", hexes(frames));
        return ok;
    }

    private JsonObject poll(JsonObject request) throws ZmqFailure {
        JsonElement given = request.get("items");
        if (given == null || !given.isJsonArray()) {
            throw new ZmqFailure("EINVAL", "'items' must be a list");
        }
        List<String> names = new ArrayList<>();
        List<SocketBase> polled = new ArrayList<>();
        List<Integer> wanted = new ArrayList<>();
        for (JsonElement element : given.getAsJsonArray()) {
            if (!element.isJsonObject()) {
                throw new ZmqFailure("EINVAL", "each poll item must be an object");
            }
            JsonObject item = element.getAsJsonObject();
            String name = text(item, "socket");
            int events = 0;
            JsonElement asked = item.get("events");
            for (JsonElement event : asked == null ? strings(List.of("in")) : arrayOf(asked, "events")) {
                String which = event.isJsonPrimitive() ? event.getAsString() : "";
                switch (which) {
                    case "in" -> events |= ZMQ.ZMQ_POLLIN;
                    case "out" -> events |= ZMQ.ZMQ_POLLOUT;
                    default -> throw new ZmqFailure("EINVAL", "unknown poll event " + event);
                }
            }
            names.add(name);
            polled.add(socketNamed(name));
            wanted.add(events);
        }
        long timeout = duration(request, "timeout_ms", DEFAULT_TIMEOUT_MS);
        int[] revents;
        try {
            revents = Jeromq.poll(context, polled, wanted, timeout);
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, "poll");
        }
        JsonArray ready = new JsonArray();
        for (int i = 0; i < revents.length; i++) {
            List<String> fired = new ArrayList<>();
            if ((revents[i] & ZMQ.ZMQ_POLLIN) != 0) {
                fired.add("in");
            }
            if ((revents[i] & ZMQ.ZMQ_POLLOUT) != 0) {
                fired.add("out");
            }
            if (!fired.isEmpty()) {
                JsonObject one = new JsonObject();
                one.addProperty("socket", names.get(i));
                one.add("events", strings(fired));
                ready.add(one);
            }
        }
        JsonObject ok = new JsonObject();
        ok.add("ready", ready);
        return ok;
    }

    private JsonObject close(JsonObject request) throws ZmqFailure {
        String name = text(request, "socket");
        SocketBase socket = socketNamed(name);
        long linger = duration(request, "linger_ms", 0);
        try {
            socket.setSocketOpt(ZMQ.ZMQ_LINGER, (int) linger);
            ZMQ.close(socket);
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, "close");
        }
        sockets.remove(name);
        return new JsonObject();
    }

    private JsonObject sendMany(JsonObject request) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        JsonArray messages = arrayOf(request.get("messages"), "messages");
        long timeout = duration(request, "timeout_ms", DEFAULT_TIMEOUT_MS);
        List<List<byte[]>> decoded = new ArrayList<>();
        for (JsonElement message : messages) {
            decoded.add(framesOf(message, "messages"));
        }
        for (List<byte[]> frames : decoded) {
            sendMessage(socket, frames, timeout);
        }
        JsonObject ok = new JsonObject();
        ok.addProperty("sent", decoded.size());
        return ok;
    }

    private JsonObject recvUntil(JsonObject request) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        List<byte[]> sentinel = framesOf(request.get("sentinel"), "sentinel");
        long deadline = deadline(duration(request, "timeout_ms", DEFAULT_TIMEOUT_MS));
        JsonArray messages = new JsonArray();
        List<byte[]> frames;
        while ((frames = receiveBefore(socket, deadline)) != null) {
            if (same(frames, sentinel)) {
                return received(messages, true);
            }
            messages.add(hexes(frames));
        }
        return received(messages, false);
    }

    private JsonObject recvMany(JsonObject request) throws ZmqFailure {
        SocketBase socket = socketOf(request);
        long count = integer(request, "count", null, 0);
        long deadline = deadline(duration(request, "timeout_ms", DEFAULT_TIMEOUT_MS));
        JsonArray messages = new JsonArray();
        List<byte[]> frames;
        while (messages.size() < count && (frames = receiveBefore(socket, deadline)) != null) {
            messages.add(hexes(frames));
        }
        return received(messages, null);
    }

    private JsonObject batch(JsonObject request) throws ZmqFailure {
        JsonArray requests = arrayOf(request.get("requests"), "requests");
        JsonArray results = new JsonArray();
        for (int index = 0; index < requests.size(); index++) {
            try {
                JsonElement element = requests.get(index);
                if (!element.isJsonObject()) {
                    throw new ZmqFailure("EINVAL", "not a JSON object");
                }
                JsonObject one = element.getAsJsonObject();
                JsonElement cmd = one.get("cmd");
                if (cmd == null || !cmd.isJsonPrimitive() || !cmd.getAsJsonPrimitive().isString()) {
                    throw new ZmqFailure("ENOTSUP", "unknown command " + cmd);
                }
                results.add(execute(cmd.getAsString(), one, true));
            } catch (ZmqFailure failure) {
                throw new BatchFailure(failure, index);
            }
        }
        JsonObject ok = new JsonObject();
        ok.add("results", results);
        return ok;
    }

    /** The failure of one request of a batch: the batch's error, naming which request failed. */
    private static final class BatchFailure extends ZmqFailure {
        final int index;

        BatchFailure(ZmqFailure failure, int index) {
            super(failure.errno, "batch request " + index + ": " + failure.getMessage());
            this.index = index;
        }
    }

    // -- sending and receiving ---------------------------------------------------------

    /** One whole message; the first frame may wait {@code timeoutMs} (0: not at all), the rest follow it. */
    private static void sendMessage(SocketBase socket, List<byte[]> frames, long timeoutMs) throws ZmqFailure {
        if (frames.isEmpty()) {
            throw new ZmqFailure("EINVAL", "a message needs at least one frame");
        }
        for (int i = 0; i < frames.size(); i++) {
            int flags = i < frames.size() - 1 ? ZMQ.ZMQ_SNDMORE : 0;
            try {
                if (i == 0) {
                    flags |= waitFor(socket, ZMQ.ZMQ_SNDTIMEO, timeoutMs);
                }
                if (ZMQ.send(socket, new Msg(frames.get(i)), flags) < 0) {
                    throw ZmqFailure.errno(socket.errno());
                }
            } catch (RuntimeException thrown) {
                throw ZmqFailure.of(thrown, "send");
            } catch (StackOverflowError overflow) {
                throw ZmqFailure.overflow(overflow);
            }
        }
    }

    private static List<byte[]> receiveMessage(SocketBase socket, long timeoutMs) throws ZmqFailure {
        List<byte[]> frames = new ArrayList<>();
        try {
            int flags = waitFor(socket, ZMQ.ZMQ_RCVTIMEO, timeoutMs);
            while (true) {
                Msg frame = ZMQ.recv(socket, flags);
                if (frame == null) {
                    throw ZmqFailure.errno(socket.errno());
                }
                frames.add(frame.data() == null ? new byte[0] : frame.data());
                if (!frame.hasMore()) {
                    return frames;
                }
                flags = 0;
            }
        } catch (RuntimeException thrown) {
            throw ZmqFailure.of(thrown, "recv");
        }
    }

    /** Sets the socket's timeout for the next call; returns the flags for it (DONTWAIT for 0). */
    private static int waitFor(SocketBase socket, int timeoutOption, long timeoutMs) {
        if (timeoutMs == 0) {
            return ZMQ.ZMQ_DONTWAIT;
        }
        socket.setSocketOpt(timeoutOption, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        return 0;
    }

    private static long deadline(long timeoutMs) {
        return System.nanoTime() + timeoutMs * 1_000_000L;
    }

    /** One message, or null once the deadline (System.nanoTime) has passed. */
    private static List<byte[]> receiveBefore(SocketBase socket, long deadline) throws ZmqFailure {
        long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        try {
            return receiveMessage(socket, left);
        } catch (ZmqFailure failure) {
            if (failure.errno.equals("EAGAIN")) {
                return null;
            }
            throw failure;
        }
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static JsonObject received(JsonArray messages, Boolean found) {
        JsonObject ok = new JsonObject();
        ok.add("messages", messages);
        if (found != null) {
            ok.addProperty("found", found);
        }
        return ok;
    }

    // -- fields of a request ----------------------------------------------------------

    private SocketBase socketOf(JsonObject request) throws ZmqFailure {
        return socketNamed(text(request, "socket"));
    }

    private SocketBase socketNamed(String name) throws ZmqFailure {
        SocketBase socket = sockets.get(name);
        if (socket == null) {
            throw new ZmqFailure("ENOTSOCK", "no socket named '" + name + "'");
        }
        return socket;
    }

    private static String text(JsonObject request, String field) throws ZmqFailure {
        JsonElement value = request.get(field);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new ZmqFailure("EINVAL", "'" + field + "' must be a string");
        }
        return value.getAsString();
    }

    private static boolean integral(JsonElement value) {
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
            && value.getAsString().matches("-?[0-9]+");
    }

    /** An integer field of at least {@code min}; {@code fallback} when absent (null: required). */
    private static long integer(JsonObject request, String field, Long fallback, long min) throws ZmqFailure {
        JsonElement value = request.get(field);
        if (value == null && fallback != null) {
            return fallback;
        }
        try {
            if (integral(value)) {
                long number = Long.parseLong(value.getAsString());
                if (number >= min) {
                    return number;
                }
            }
        } catch (NumberFormatException tooLarge) {
            // reported below
        }
        throw new ZmqFailure("EINVAL", "'" + field + "' must be an integer" + (min > Long.MIN_VALUE ? " >= " + min : ""));
    }

    /**
     * A timeout_ms or linger_ms: an integer from 0 to 2**31-1, {@code fallback} when absent. Out of
     * that range is EINVAL at once (a negative one would wait for ever; a larger one a socket cannot hold).
     */
    private static long duration(JsonObject request, String field, long fallback) throws ZmqFailure {
        long value = integer(request, field, fallback, Long.MIN_VALUE);
        if (value < 0 || value > MAX_DURATION_MS) {
            throw new ZmqFailure("EINVAL", "'" + field + "' must be an integer from 0 to " + MAX_DURATION_MS + ", got " + value);
        }
        return value;
    }

    private static JsonArray arrayOf(JsonElement value, String field) throws ZmqFailure {
        if (value == null || !value.isJsonArray()) {
            throw new ZmqFailure("EINVAL", "'" + field + "' must be a list");
        }
        return value.getAsJsonArray();
    }

    private static List<byte[]> framesOf(JsonElement value, String field) throws ZmqFailure {
        List<byte[]> frames = new ArrayList<>();
        for (JsonElement frame : arrayOf(value, field)) {
            if (!frame.isJsonPrimitive() || !frame.getAsJsonPrimitive().isString()) {
                throw new ZmqFailure("EINVAL", "'" + field + "' must hold hex strings");
            }
            frames.add(hexBytes(frame.getAsString(), field));
        }
        return frames;
    }

    private static byte[] hexBytes(String hex, String field) throws ZmqFailure {
        byte[] bytes = hasUppercase(hex) ? null : Text.unhex(hex);  // the protocol's hex is lowercase
        if (bytes == null) {
            throw new ZmqFailure("EINVAL", "'" + field + "' is not hex: '" + hex + "'");
        }
        return bytes;
    }

    private static boolean hasUppercase(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) >= 'A' && hex.charAt(i) <= 'F') {
                return true;
            }
        }
        return false;
    }

    private static JsonArray hexes(List<byte[]> frames) {
        JsonArray array = new JsonArray();
        for (byte[] frame : frames) {
            array.add(new JsonPrimitive(Text.hex(frame)));
        }
        return array;
    }

    private static JsonArray strings(List<String> values) {
        JsonArray array = new JsonArray();
        for (String value : values) {
            array.add(value);
        }
        return array;
    }
}
