package org.zmqspec.jeromq;

import java.util.Map;
import org.zeromq.ZMQ;

/** sync-pub: the Guide's syncpub, a PUB that starts once N subscribers have reported in (PS-11). */
final class SyncPub {
    static final String ROLE = "sync-pub";
    static final byte[] HELLO = Text.utf8("HELLO");
    static final byte[] END = Text.utf8("END");
    private static final int HELLO_INTERVAL_MS = 10;

    private SyncPub() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Publishes HELLO until N subscribers report in on its REP, then M updates and END.")
            .endpoints("", "PUB")
            .endpoints("sync-", "sync REP (subscribers report in here)")
            .value("subscribers", "N", "how many subscribers to wait for (required)")
            .value("count", "M", "how many updates to publish (default 1000)")
            .value("seed", "S", "seed the random updates")
            .parse(args);
        if (!options.has("subscribers")) {
            throw options.problem("the following arguments are required: --subscribers");
        }
        long subscribers = options.integer("subscribers", 1, 1, Integer.MAX_VALUE);
        long count = options.integer("count", 1000, 0, Integer.MAX_VALUE);
        Weather weather = new Weather(Weather.seed(options), 1, 99999);

        ZMQ.Socket pub = Kit.socket(ZMQ.PUB);
        pub.setSndHWM(0);  // no high-water mark: nothing published is dropped
        pub.setLinger(-1);  // and everything is delivered before the node ends
        ZMQ.Socket sync = Kit.socket(ZMQ.REP);
        Kit.ready(Map.of("pub", Kit.attach(pub, options, ""), "sync", Kit.attach(sync, options, "sync-")));
        Kit.quitOnStdinEof();

        ZMQ.Poller poller = Jeromq.poller(Kit.context(), 1);
        poller.register(sync, ZMQ.Poller.POLLIN);
        long synced = 0;
        while (synced < subscribers) {
            if (poller.poll(HELLO_INTERVAL_MS) > 0 && poller.pollin(0)) {
                Kit.receive(sync);
                sync.send(new byte[0], 0);
                synced++;
            } else {
                pub.send(HELLO, 0);
            }
        }
        Kit.say("SUBSCRIBERS READY: " + synced);
        for (long n = 0; n < count; n++) {
            pub.send(weather.update((int) (n % Weather.SEQ_MODULUS)), 0);
        }
        pub.send(END, 0);
        Kit.say("PUBLISHED " + count + " UPDATES");
        return 0;
    }
}
