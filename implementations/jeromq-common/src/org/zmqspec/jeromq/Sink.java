package org.zmqspec.jeromq;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * sink: the seed's sink, gathering N results and then publishing the kill signal (PP-1, PP-9).
 * Malformed input (MI-1, MI-2, MI-5): a first message that is not one frame of 8 bytes, and a
 * result of several frames, are skipped with one line on stderr; a result over 64 KiB never
 * reaches it (JeroMQ drops that peer).
 */
final class Sink {
    static final String ROLE = "sink";
    static final byte[] KILL = Text.utf8("KILL");
    private static final int COUNT_BYTES = 8;

    private Sink() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Gathers N results (N first, 8 bytes big-endian), then publishes KILL to the workers.")
            .endpoints("", "results PULL")
            .endpoints("kill-", "kill PUB (the workers' kill signal)")
            .parse(args);

        ZMQ.Socket results = Kit.socket(ZMQ.PULL);
        results.setMaxMsgSize(Kit.MAX_MESSAGE_BYTES);  // JeroMQ drops the connection of a peer that sends more
        ZMQ.Socket kill = Kit.socket(ZMQ.PUB);
        List<String> boundResults = Kit.attach(results, options, "");
        List<String> boundKill = Kit.attach(kill, options, "kill-");
        String where = boundResults.isEmpty() ? options.all("connect").get(0) : boundResults.get(0);
        Kit.say("STARTING SERVER AT " + shownPort(where));
        Kit.ready(Map.of("results", boundResults, "kill", boundKill));
        Kit.quitOnStdinEof();

        byte[] first;
        while ((first = oneFrame(results)) == null || first.length != COUNT_BYTES) {
            if (first != null) {
                Kit.warn("ignoring a first message that is not " + COUNT_BYTES + " bytes (N): " + Kit.shown(first));
            }
        }
        long tasks = ByteBuffer.wrap(first).getLong();
        Kit.say("GATHER " + Long.toUnsignedString(tasks) + " TASKS.");
        long started = System.nanoTime();
        for (long n = 0; Long.compareUnsigned(n, tasks) < 0; ) {
            if (oneFrame(results) != null) {
                Kit.out(n % 10 == 0 ? ":" : ".");
                n++;
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        Kit.say("\nELAPSED TIME: " + String.format(Locale.ROOT, "%.2f", elapsed));
        kill.send(KILL, 0);
        return 0;
    }

    /** The next message's one frame; null, said on stderr, for a message of several frames. */
    private static byte[] oneFrame(ZMQ.Socket results) {
        List<byte[]> frames = Kit.receive(results);
        if (frames.size() == 1) {
            return frames.get(0);
        }
        Kit.warn("ignoring a message of " + frames.size() + " frames (the sink takes one-frame messages)");
        return null;
    }

    /** The port of a tcp endpoint; the whole endpoint for other transports. */
    static String shownPort(String endpoint) {
        return endpoint.startsWith("tcp://") ? endpoint.substring(endpoint.lastIndexOf(':') + 1) : endpoint;
    }
}
