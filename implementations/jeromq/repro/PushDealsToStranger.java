// MI-6 on JeroMQ 0.3.6: a bound PUSH deals messages to a TCP connection that never finished its
// greeting. libzmq >= 4.3.3 attaches a peer's pipe only once the handshake is done
// (zeromq/libzmq#3913), so every message goes to the real peer; the sleeps are only there to let
// the connections come up (a demonstration, not a test).
// Run:  java -cp /usr/share/java/jeromq.jar repro/PushDealsToStranger.java
// Exit status 0 when the real peer gets every message, 1 when it does not.
import java.io.OutputStream;
import java.net.Socket;
import org.zeromq.ZMQ;

public class PushDealsToStranger {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket push = ctx.socket(ZMQ.PUSH);
        int port = push.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket pull = ctx.socket(ZMQ.PULL);
        pull.connect("tcp://127.0.0.1:" + port);
        Thread.sleep(300);  // the real peer's handshake is done by now

        Socket stranger = new Socket("127.0.0.1", port);
        OutputStream out = stranger.getOutputStream();
        out.write(new byte[] {(byte) 0xff, 0, 0, 0, 0});  // half a greeting, then silence
        out.flush();
        Thread.sleep(300);  // JeroMQ has accepted the stranger's connection by now

        int sent = 4;
        for (int i = 0; i < sent; i++) {
            push.send("task " + i);
        }
        pull.setReceiveTimeOut(1000);
        int received = 0;
        for (byte[] task; (task = pull.recv(0)) != null; received++) {
            System.out.println("the real PULL received: " + new String(task));
        }
        System.out.println("the real PULL received " + received + " of " + sent + " messages");
        boolean ok = received == sent;
        System.out.println(ok ? "OK: as libzmq"
                              : "DEVIATION: the PUSH dealt the others to a connection that never completed its greeting");
        stranger.close();
        push.setLinger(0);
        pull.setLinger(0);
        push.close();
        pull.close();
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
