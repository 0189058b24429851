package org.zmqspec.jeromq6;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.zeromq.ZMQ;

/** ventilator: the seed's task ventilator, a PUSH dealing workloads once Enter is pressed (PP-2). */
final class Ventilator {
    static final String ROLE = "ventilator";

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
        long tasks = options.integer("tasks", 100_000, 0, Long.MAX_VALUE);
        int costMin = (int) options.integer("cost-min", 1, 0, Integer.MAX_VALUE - 1);
        int costMax = (int) options.integer("cost-max", 99, 0, Integer.MAX_VALUE - 1);
        if (costMin > costMax) {
            throw options.problem("argument --cost-min: must not be larger than --cost-max (" + costMin + " > " + costMax + ")");
        }
        if (options.all("sink-connect").isEmpty() && options.all("sink-bind").isEmpty()) {
            throw options.problem("the following arguments are required: --sink-connect");
        }
        boolean zeroCost = options.has("zero-cost");
        Long seed = Weather.seed(options);
        Random random = seed == null ? new Random() : new Random(seed);

        ZMQ.Socket workers = Kit.socket(ZMQ.PUSH);
        ZMQ.Socket sink = Kit.socket(ZMQ.PUSH);
        Map<String, java.util.List<String>> bound = Map.of(
            "tasks", Kit.attach(workers, options, ""),
            "sink", Kit.attach(sink, options.all("sink-bind"), options.all("sink-connect"), null));
        sink.send(ByteBuffer.allocate(8).putLong(tasks).array(), 0);
        Kit.say("START VENT SERVER");
        Kit.ready(bound);

        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Kit.out("> IF YOU'RE READY, PRESS ENTER TO START");
        if (input.readLine() == null) {
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
        input.readLine();
        Kit.say("");
        return 0;
    }
}
