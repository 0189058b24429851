// PS-7 / PS-5 on JeroMQ 0.6.0 (a race): a SUB that makes its subscriptions, connects to a PUB that
// publishes all the time, and reads, gets every update one of its prefixes matches (libzmq). What
// the suite's test_sub_takes_from_the_weather_stream_exactly_the_updates_its_prefixes_match does,
// in a loop: a PUB publishes weather updates "{zip:05d} {temp} {hum} {seq:06d}" for zipcodes 10000
// to 10019 at 4000 a second; each try opens a fresh SUB (RCVHWM 0), makes the changes of one
// failing example, connects, takes up to 6 updates within 5 s and closes. A try that gets nothing
// while a matching update goes out every few milliseconds is the deviation.
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/SubGetsNothing.java [TRIES] [plain]
//   "plain": subscribe '10017 ' alone (no duplicate subscription, no unsubscribe): the control.
// Prints "k of TRIES tries got nothing"; exit status 0 when k is 0, 1 otherwise.
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.zeromq.ZMQ;

public class SubGetsNothing {
    public static void main(String[] args) throws Exception {
        int tries = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        boolean plain = args.length > 1 && args[1].equals("plain");
        ZMQ.Context pubContext = ZMQ.context(1);
        ZMQ.Socket pub = pubContext.socket(ZMQ.PUB);
        int port = pub.bindToRandomPort("tcp://127.0.0.1");
        AtomicBoolean running = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            Random random = new Random(1);
            long started = System.nanoTime();
            for (long sent = 0; running.get(); sent++) {
                long due = started + sent * 1_000_000_000L / 4000;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                int zip = 10000 + random.nextInt(20);
                pub.send(String.format("%05d %3d %2d %06d", zip, random.nextInt(215) - 80,
                                       random.nextInt(50) + 10, sent % 1000000));
            }
            pub.setLinger(0);
            pub.close();
        });
        publisher.start();

        // the changes of the failing example (2026-11-30): '10007 ' subscribed twice, unsubscribed once
        String[] subscribe = plain ? new String[] {"10017 "}
                                   : new String[] {"10017 ", "10007 ", "2", "10000  ", "1001x", "10007 "};
        String[] unsubscribe = plain ? new String[] {} : new String[] {"1001x", "10007 "};
        ZMQ.Context context = ZMQ.context(1);
        int nothing = 0;
        for (int t = 0; t < tries; t++) {
            ZMQ.Socket sub = context.socket(ZMQ.SUB);
            sub.setRcvHWM(0);
            for (String prefix : subscribe) {
                sub.subscribe(prefix.getBytes(ZMQ.CHARSET));
            }
            for (String prefix : unsubscribe) {
                sub.unsubscribe(prefix.getBytes(ZMQ.CHARSET));
            }
            sub.connect("tcp://127.0.0.1:" + port);
            sub.setReceiveTimeOut(5000);
            int got = 0;
            long end = System.currentTimeMillis() + 5000;
            while (got < 6 && System.currentTimeMillis() < end && sub.recv() != null) {
                got++;
            }
            if (got == 0) {
                nothing++;
                System.out.println("try " + t + ": nothing in 5 s");
            }
            sub.setLinger(0);
            sub.close();
        }
        System.out.println(nothing + " of " + tries + " tries got nothing" + (plain ? " (plain)" : ""));
        System.out.println(nothing == 0 ? "OK: as libzmq" : "DEVIATION: a SUB got no update at all from a PUB publishing matching ones");
        running.set(false);
        publisher.join();
        context.term();
        pubContext.term();
        System.exit(nothing == 0 ? 0 : 1);
    }
}
