package org.zmqspec.jeromq;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import org.zeromq.ZMQ;

/** ventilator: the seed's task ventilator, a PUSH dealing workloads once Enter is pressed (PP-2). */
final class Ventilator {
    static final String ROLE = "ventilator";
    /** The largest workload a worker takes (contract, "worker"). */
    static final int MAX_WORKLOAD_MS = 60_000;
    /** While N waits for a sink: how often the end of standard input is looked for, in ms. */
    private static final int LIFELINE_MS = 50;

    private Ventilator() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Tells the sink N, waits for Enter, then deals N workloads (ms, decimal text) to the workers.")
            .endpoints("", "tasks PUSH (to the workers)")
            .endpoints("sink-", "sink PUSH (to the sink)")
            .value("tasks", "N", "how many tasks (default 100000)")
            .value("cost-min", "MS", "smallest workload (default 1)")
            .value("cost-max", "MS", "largest workload (default 99)")
            .flag("zero-cost", "every workload 0 ms")
            .value("seed", "S", "seed the random workloads")
            .parse(args);
        long tasks = options.integer("tasks", 100_000, 0, Integer.MAX_VALUE);
        int costMin = (int) options.integer("cost-min", 1, 0, MAX_WORKLOAD_MS);
        int costMax = (int) options.integer("cost-max", 99, 0, MAX_WORKLOAD_MS);
        if (costMin > costMax) {
            throw options.problem("argument --cost-min: must not be larger than --cost-max (" + costMin + " > " + costMax + ")");
        }
        options.need("sink-");
        boolean zeroCost = options.has("zero-cost");
        Long seed = Weather.seed(options);
        Random random = seed == null ? new Random() : new Random(seed);

        ZMQ.Socket workers = Kit.socket(ZMQ.PUSH);
        ZMQ.Socket sink = Kit.socket(ZMQ.PUSH);
        Map<String, java.util.List<String>> bound = Map.of(
            "tasks", Kit.attach(workers, options, ""),
            "sink", Kit.attach(sink, options.all("sink-bind"), options.all("sink-connect"), null));
        Kit.say("START VENT SERVER");
        Kit.ready(bound);

        Lines input = new Lines();
        if (!tellTheSink(sink, tasks, input)) {
            workers.setLinger(0);  // standard input ended while N waited for a sink: nothing is owed
            sink.setLinger(0);
            return 0;
        }
        Kit.out("> IF YOU'RE READY, PRESS ENTER TO START");
        if (input.next() == null) {
            workers.setLinger(0);  // nothing of value is queued: leave at once
            sink.setLinger(0);
            return 0;
        }
        Kit.say("");
        workers.setLinger(-1);  // from now on every task dealt is delivered before the node ends
        sink.setLinger(-1);
        long total = 0;
        for (long n = 0; n < tasks; n++) {
            int workload = zeroCost ? 0 : costMin + random.nextInt(costMax - costMin + 1);
            total += workload;
            workers.send(Text.utf8(Integer.toString(workload)), 0);
        }
        Kit.say("TOTAL EXPECTED COST: " + total);
        Kit.out("PRESS ENTER TO QUIT");
        input.next();
        Kit.say("");
        return 0;
    }

    /**
     * Send N on the sink socket once it can, after the ready line: with --sink-bind a PUSH has no
     * peer until a sink connects, and cannot send before (RFC 30). Standard input is watched the
     * while: false when it ends first (PP-19, NC-3).
     */
    private static boolean tellTheSink(ZMQ.Socket sink, long tasks, Lines input) {
        byte[] n = ByteBuffer.allocate(8).putLong(tasks).array();
        sink.setSendTimeOut(LIFELINE_MS);
        while (!sink.send(n, 0)) {
            if (input.ended) {
                return false;
            }
        }
        sink.setSendTimeOut(-1);
        return true;
    }

    /** Standard input's lines, read by a thread of their own so that its end is seen while N waits. */
    private static final class Lines extends Thread {
        private static final String END = new String("end of input");
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        volatile boolean ended;

        Lines() {
            super("stdin-lines");
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                for (String line; (line = input.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                // as good as end of input
            }
            ended = true;
            lines.add(END);
        }

        /** The next line, or null at the end of input (and every time after). */
        String next() throws InterruptedException {
            String line = lines.take();
            if (line == END) {
                lines.add(END);
                return null;
            }
            return line;
        }
    }
}
