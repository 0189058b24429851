package org.zmqspec.jeromq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/** worker: the seed's worker, with the kill signal (PP-3, PP-9). */
final class Worker {
    static final String ROLE = "worker";

    private Worker() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Takes workloads from its PULL, sleeps each, pushes an empty result; KILL on its SUB ends it.")
            .endpoints("", "tasks PULL (to the ventilator)")
            .endpoints("sink-", "results PUSH (to the sink)")
            .endpoints("kill-", "kill SUB (to the sink's kill PUB; optional)")
            .flag("wait-connected", "print the ready line only once every connect has completed its handshake")
            .parse(args);
        boolean waitConnected = options.has("wait-connected");

        ZMQ.Socket tasks = Kit.socket(ZMQ.PULL);
        ZMQ.Socket results = Kit.socket(ZMQ.PUSH);
        ZMQ.Socket kill = Kit.socket(ZMQ.SUB);
        kill.subscribe(new byte[0]);
        boolean killed = !options.all("kill-bind").isEmpty() || !options.all("kill-connect").isEmpty();
        List<Connections> watches = new ArrayList<>();
        if (waitConnected) {
            watches.add(Connections.watch(tasks, "tasks", options.all("connect")));
            watches.add(Connections.watch(results, "results", options.all("sink-connect")));
            watches.add(Connections.watch(kill, "kill", options.all("kill-connect")));
        }
        List<String> boundTasks = Kit.attach(tasks, options, "");
        List<String> boundResults = Kit.attach(results, options, "sink-");
        List<String> boundKill = killed ? Kit.attach(kill, options, "kill-") : List.of();
        for (Connections watch : watches) {
            watch.await();
        }
        Kit.ready(Map.of("tasks", boundTasks, "sink", boundResults, "kill", boundKill));
        Kit.quitOnStdinEof();

        ZMQ.Poller poller = new ZMQ.Poller(2);
        poller.register(tasks, ZMQ.Poller.POLLIN);
        poller.register(kill, ZMQ.Poller.POLLIN);
        while (true) {
            poller.poll(-1);
            if (poller.pollin(1)) {
                byte[] signal = Kit.receive(kill).get(0);
                if (Arrays.equals(signal, Sink.KILL)) {
                    return 0;
                }
                Kit.warn("ignoring an unknown control message: " + Text.decode(signal));
            }
            if (poller.pollin(0)) {
                byte[] task = Kit.receive(tasks).get(0);
                long workload = workload(task);
                if (workload < 0) {
                    Kit.warn("skipping a task that is not a workload in ms: " + Text.decode(task));
                    continue;
                }
                Kit.out(".");
                Thread.sleep(workload);
                results.send(new byte[0], 0);
            }
        }
    }

    /** The workload in ms, or -1 when the task is not a non-negative decimal integer. */
    static long workload(byte[] task) {
        String text = new String(task, java.nio.charset.StandardCharsets.US_ASCII);
        if (text.isEmpty() || text.length() > 12) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }
}
