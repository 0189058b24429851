package org.zmqspec.jeromq;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.zeromq.ZMQ;

/** sink: the seed's sink, gathering N results and then publishing the kill signal (PP-1, PP-9). */
final class Sink {
    static final String ROLE = "sink";
    static final byte[] KILL = Text.utf8("KILL");

    private Sink() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Gathers N results (N first, 8 bytes big-endian), then publishes KILL to the workers.")
            .endpoints("", "results PULL")
            .endpoints("kill-", "kill PUB (the workers' kill signal)")
            .parse(args);

        ZMQ.Socket results = Kit.socket(ZMQ.PULL);
        ZMQ.Socket kill = Kit.socket(ZMQ.PUB);
        List<String> boundResults = Kit.attach(results, options, "");
        List<String> boundKill = Kit.attach(kill, options, "kill-");
        String where = boundResults.isEmpty() ? options.all("connect").get(0) : boundResults.get(0);
        Kit.say("STARTING SERVER AT " + shownPort(where));
        Kit.ready(Map.of("results", boundResults, "kill", boundKill));
        Kit.quitOnStdinEof();

        byte[] first;
        while ((first = Kit.receive(results).get(0)).length != 8) {
            Kit.warn("ignoring a first message that is not 8 bytes (N): " + Text.decode(first));
        }
        long tasks = ByteBuffer.wrap(first).getLong();
        Kit.say("GATHER " + Long.toUnsignedString(tasks) + " TASKS.");
        long started = System.nanoTime();
        for (long n = 0; Long.compareUnsigned(n, tasks) < 0; n++) {
            Kit.receive(results);
            Kit.out(n % 10 == 0 ? ":" : ".");
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        Kit.say("\nELAPSED TIME: " + String.format(Locale.ROOT, "%.2f", elapsed));
        kill.send(KILL, 0);
        return 0;
    }

    /** The port of a tcp endpoint; the whole endpoint for other transports. */
    static String shownPort(String endpoint) {
        return endpoint.startsWith("tcp://") ? endpoint.substring(endpoint.lastIndexOf(':') + 1) : endpoint;
    }
}
