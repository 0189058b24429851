// PS-13 on JeroMQ 0.3.6: zmq_poll on a SUB must return (libzmq also sends the subscriptions it held
// back past SNDHWM when the application calls into the socket). A SUB with SNDHWM 5 holding 8
// subscriptions connects to an XPUB; polling it throws IndexOutOfBoundsException from inside JeroMQ.
// Run:  java -cp /usr/share/java/jeromq.jar repro/PollThrows.java
// Exit status 0 when every poll returns, 1 when one throws.
import zmq.Ctx;
import zmq.PollItem;
import zmq.SocketBase;
import zmq.ZMQ;

public class PollThrows {
    public static void main(String[] args) throws Exception {
        Ctx ctx = ZMQ.createContext();
        SocketBase xpub = ZMQ.socket(ctx, ZMQ.ZMQ_XPUB);
        xpub.bind("tcp://127.0.0.1:*");
        String endpoint = (String) xpub.getsockoptx(ZMQ.ZMQ_LAST_ENDPOINT);
        boolean ok = true;
        for (int held : new int[] {3, 8}) {
            SocketBase sub = ZMQ.socket(ctx, ZMQ.ZMQ_SUB);
            sub.setSocketOpt(ZMQ.ZMQ_SNDHWM, 5);
            for (int i = 0; i < held; i++) {
                sub.setSocketOpt(ZMQ.ZMQ_SUBSCRIBE, ("p" + i).getBytes());
            }
            sub.connect(endpoint);
            Thread.sleep(300);
            try {
                int n = ZMQ.poll(new PollItem[] {new PollItem(sub, ZMQ.ZMQ_POLLIN)}, 600L);
                System.out.println("holding " + held + " subscriptions: poll returned " + n);
            } catch (RuntimeException thrown) {
                System.out.println("holding " + held + " subscriptions: poll threw " + thrown);
                ok = false;
            }
        }
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: zmq_poll threw from inside JeroMQ");
        System.exit(ok ? 0 : 1);
    }
}
