package org.zmqspec.jeromq;

import java.util.Arrays;
import java.util.Map;
import org.zeromq.ZMQ;

/** sync-sub: the Guide's syncsub, a SUB that reports in once its subscription works (PS-11). */
final class SyncSub {
    static final String ROLE = "sync-sub";

    private SyncSub() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Subscribes to everything, reports in on its REQ at the first HELLO, counts updates until END.")
            .endpoints("", "SUB")
            .endpoints("sync-", "sync REQ (to the publisher's REP)")
            .parse(args);

        ZMQ.Socket sub = Kit.socket(ZMQ.SUB);
        sub.setRcvHWM(0);  // no high-water mark: nothing published is dropped
        sub.subscribe(new byte[0]);
        ZMQ.Socket sync = Kit.socket(ZMQ.REQ);
        Kit.ready(Map.of("sub", Kit.attach(sub, options, ""), "sync", Kit.attach(sync, options, "sync-")));
        Kit.quitOnStdinEof();

        while (!Arrays.equals(Kit.receive(sub).get(0), SyncPub.HELLO)) {
            // anything before the first HELLO is not part of the count
        }
        sync.send(new byte[0], 0);
        Kit.receive(sync);
        long updates = 0;
        while (true) {
            byte[] message = Kit.receive(sub).get(0);
            if (Arrays.equals(message, SyncPub.END)) {
                break;
            }
            if (!Arrays.equals(message, SyncPub.HELLO)) {
                updates++;
            }
        }
        Kit.say("RECEIVED " + updates + " UPDATES");
        return 0;
    }
}
