package org.zmqspec.jeromq;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * sync-sub: the Guide's syncsub, a SUB that reports in once its subscription works (PS-11).
 * Malformed input (MI-8): a message of several frames, even one beginning with END, is skipped
 * with one line on stderr and not counted.
 */
final class SyncSub {
    static final String ROLE = "sync-sub";

    private SyncSub() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Subscribes to everything, reports in on its REQ at the first HELLO, counts updates until END.")
            .endpoints("", "SUB")
            .endpoints("sync-", "sync REQ (to the publisher's REP)")
            .parse(args)
            .need("")
            .need("sync-");

        ZMQ.Socket sub = Kit.socket(ZMQ.SUB);
        sub.setRcvHWM(0);  // no high-water mark: nothing published is dropped
        sub.subscribe(new byte[0]);
        ZMQ.Socket sync = Kit.socket(ZMQ.REQ);
        Kit.ready(Map.of("sub", Kit.attach(sub, options, ""), "sync", Kit.attach(sync, options, "sync-")));
        Kit.quitOnStdinEof();

        while (!Arrays.equals(oneFrame(sub), SyncPub.HELLO)) {
            // anything before the first HELLO is not part of the count
        }
        sync.send(new byte[0], 0);
        Kit.receive(sync);
        long updates = 0;
        byte[] message;
        while (!Arrays.equals(message = oneFrame(sub), SyncPub.END)) {
            if (message != null && !Arrays.equals(message, SyncPub.HELLO)) {
                updates++;
            }
        }
        Kit.say("RECEIVED " + updates + " UPDATES");
        return 0;
    }

    /** The next message's one frame; null, said on stderr, for a message of several frames (END and more is not END). */
    private static byte[] oneFrame(ZMQ.Socket sub) {
        List<byte[]> frames = Kit.receive(sub);
        if (frames.size() == 1) {
            return frames.get(0);
        }
        Kit.warn("skipping a message of " + frames.size() + " frames (an update is one frame)");
        return null;
    }
}
