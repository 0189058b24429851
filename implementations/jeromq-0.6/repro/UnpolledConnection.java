// A race on JeroMQ 0.6.0: a tcp connection that a connecting socket has made is now and then never
// polled, so its ZMTP greeting is never sent and nothing it queues ever leaves (libzmq: never).
// The steps of zmqspec's test_incompatible_socket_types_never_deliver[REP-with-PUSH] (TR-3), in a
// loop: a REP binds tcp://127.0.0.1:*; in a second context (the test's second process) a PUSH
// connects and sends "forbidden" (refused in the handshake, as in libzmq), then a REQ connects and
// sends "sentinel"; the REP must receive the sentinel within 3 s. The 5 ms pauses stand for the
// round trips to the test's drivers between those steps; they only move the race's window.
// For a try in which the REP gets nothing the program prints JeroMQ's poller table of the sending
// context (read by reflection: zmq.poll.Poller.fdTable and selector): the REQ's engine has a handle
// that wants READ|WRITE (ops=5) but no SelectionKey; then it adds one more handle to that I/O thread
// (a DEALER connecting elsewhere), which makes the poller walk its table again and register the
// engine, and the sentinel arrives.
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/UnpolledConnection.java [TRIES] [nopush]
//   nopush: the same without the PUSH (the REQ alone fails the same way).
// Prints "k of TRIES tries: the REP got nothing"; exit status 0 when k is 0, 1 otherwise.
import java.lang.reflect.Field;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.zeromq.ZMQ;

public class UnpolledConnection {
    public static void main(String[] args) throws Exception {
        int tries = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        boolean push = !(args.length > 1 && args[1].equals("nopush"));
        int nothing = 0;
        int forbidden = 0;
        for (int t = 0; t < tries; t++) {
            ZMQ.Context receiving = ZMQ.context(1);
            ZMQ.Context sending = ZMQ.context(1);
            ZMQ.Socket rep = receiving.socket(ZMQ.REP);
            rep.bind("tcp://127.0.0.1:*");
            String endpoint = rep.getLastEndpoint();
            ZMQ.Socket wrong = null;
            if (push) {
                wrong = sending.socket(ZMQ.PUSH);
                wrong.connect(endpoint);
                wrong.send("forbidden");
            }
            Thread.sleep(5);
            ZMQ.Socket right = sending.socket(ZMQ.REQ);
            right.connect(endpoint);
            right.send("sentinel");
            Thread.sleep(5);
            rep.setReceiveTimeOut(3000);
            byte[] got = rep.recv();
            ZMQ.Socket nudge = null;
            if (got == null) {
                nothing++;
                System.out.println("try " + t + ": the REP got nothing in 3 s; the sending context's poller: "
                                   + pollerTable(sending));
                nudge = sending.socket(ZMQ.DEALER);
                nudge.connect("tcp://127.0.0.1:1");
                rep.setReceiveTimeOut(2000);
                byte[] late = rep.recv();
                System.out.println("  after one more handle in that I/O thread, the REP got: "
                                   + (late == null ? "nothing" : "'" + new String(late, ZMQ.CHARSET) + "'"));
            } else if (new String(got, ZMQ.CHARSET).equals("forbidden")) {
                forbidden++;
                System.out.println("try " + t + ": the REP got 'forbidden'");
            }
            for (ZMQ.Socket socket : new ZMQ.Socket[] {nudge, wrong, right, rep}) {
                if (socket != null) {
                    socket.setLinger(0);
                    socket.close();
                }
            }
            sending.term();
            receiving.term();
        }
        System.out.println(nothing + " of " + tries + " tries: the REP got nothing" + (push ? "" : " (nopush)")
                           + (forbidden > 0 ? "; " + forbidden + " got 'forbidden'" : ""));
        System.out.println(nothing + forbidden == 0 ? "OK: as libzmq"
                           : "DEVIATION: a connection was never polled; what its socket sent never left");
        System.exit(nothing + forbidden == 0 ? 0 : 1);
    }

    /** Each handle of the context's pollers: its handler, the ops it wants, and its SelectionKey. */
    private static String pollerTable(ZMQ.Context context) {
        try {
            StringBuilder table = new StringBuilder();
            Object ctx = field(context, ZMQ.Context.class, "ctx");
            for (Object ioThread : (List<?>) field(ctx, zmq.Ctx.class, "ioThreads")) {
                Object poller = field(ioThread, zmq.io.IOThread.class, "poller");
                Selector selector = (Selector) field(poller, zmq.poll.Poller.class, "selector");
                for (Object handle : new ArrayList<>((Set<?>) field(poller, zmq.poll.Poller.class, "fdTable"))) {
                    Class<?> type = zmq.poll.Poller.Handle.class;
                    SelectionKey key = ((SelectableChannel) field(handle, type, "fd")).keyFor(selector);
                    table.append("[").append(field(handle, type, "handler").getClass().getSimpleName())
                         .append(" ops=").append(field(handle, type, "ops"))
                         .append(" key=").append(key == null ? "none" : key.isValid() ? "interest " + key.interestOps() : "cancelled")
                         .append("] ");
                }
            }
            return table.toString().trim();
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            return "(unreadable: " + unreadable + ")";
        }
    }

    private static Object field(Object object, Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(object);
    }
}
