package org.zmqspec.jeromq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * worker: the seed's worker, with the kill signal (PP-3, PP-9).
 * Malformed input (MI-3, MI-4, MI-5): a task that is not one frame of decimal digits worth
 * 0..60000 ms, and a control message other than the one frame KILL, are skipped with one line
 * on stderr (no mark, no sleep, no result); a message over 64 KiB on tasks or kill never reaches
 * it (JeroMQ drops that peer).
 */
final class Worker {
    static final String ROLE = "worker";
    /** A task asking for more is malformed, not a reason to sleep for days. */
    static final long MAX_WORKLOAD_MS = 60_000;

    private Worker() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Takes workloads from its PULL, sleeps each, pushes an empty result; KILL on its SUB ends it.")
            .endpoints("", "tasks PULL (to the ventilator)")
            .endpoints("sink-", "results PUSH (to the sink)")
            .endpoints("kill-", "kill SUB (to the sink's kill PUB; optional)")
            .flag("wait-connected", "print the ready line only once every connect has completed its handshake")
            .parse(args)
            .need("")
            .need("sink-");
        boolean waitConnected = options.has("wait-connected");

        ZMQ.Socket tasks = Kit.socket(ZMQ.PULL);
        ZMQ.Socket results = Kit.socket(ZMQ.PUSH);
        ZMQ.Socket kill = Kit.socket(ZMQ.SUB);
        tasks.setMaxMsgSize(Kit.MAX_MESSAGE_BYTES);  // JeroMQ drops the connection of a peer that sends more
        kill.setMaxMsgSize(Kit.MAX_MESSAGE_BYTES);
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

        ZMQ.Poller poller = Jeromq.poller(Kit.context(), 2);
        poller.register(tasks, ZMQ.Poller.POLLIN);
        poller.register(kill, ZMQ.Poller.POLLIN);
        while (true) {
            poller.poll(-1);
            if (poller.pollin(1) && isKill(Kit.receive(kill))) {
                return 0;
            }
            if (poller.pollin(0)) {
                long workload = workload(Kit.receive(tasks));
                if (workload >= 0) {
                    Kit.out(".");
                    Thread.sleep(workload);
                    results.send(new byte[0], 0);
                }
            }
        }
    }

    /** True for the kill signal, the one frame KILL; any other message is said on stderr. */
    private static boolean isKill(List<byte[]> signal) {
        if (signal.size() > 1) {
            Kit.warn("ignoring a control message of " + signal.size() + " frames (the kill signal is one frame)");
            return false;
        }
        if (!Arrays.equals(signal.get(0), Sink.KILL)) {
            Kit.warn("ignoring an unknown control message " + Kit.shown(signal.get(0)));
            return false;
        }
        return true;
    }

    /** The task's workload in ms; -1, said on stderr, when it is not one frame of it. */
    private static long workload(List<byte[]> task) {
        if (task.size() > 1) {
            Kit.warn("skipping a task of " + task.size() + " frames (a task is one frame)");
            return -1;
        }
        long workload = workloadMs(task.get(0));
        if (workload < 0) {
            Kit.warn("skipping a task that is not a workload of 0.." + MAX_WORKLOAD_MS + " ms in decimal digits: "
                + Kit.shown(task.get(0)));
        }
        return workload;
    }

    /**
     * What a task asks for: ASCII decimal digits (leading zeros allowed) worth 0..MAX_WORKLOAD_MS;
     * -1 for anything else (a sign, a space, a fraction, nothing, too much).
     */
    static long workloadMs(byte[] task) {
        if (task.length == 0) {
            return -1;
        }
        long value = 0;
        for (byte digit : task) {
            if (digit < '0' || digit > '9') {
                return -1;
            }
            value = value * 10 + (digit - '0');
            if (value > MAX_WORKLOAD_MS) {
                return -1;
            }
        }
        return value;
    }
}
