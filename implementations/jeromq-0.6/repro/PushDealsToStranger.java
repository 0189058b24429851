// MI-6 on JeroMQ 0.6.0: a bound PUSH deals messages to a TCP connection that never finished its
// ZMTP greeting. libzmq >= 4.3.3 attaches a peer's pipe only once the handshake is done
// (zeromq/libzmq#3913), so every message goes to the real peer; the sleeps below are only there to
// let the connections come up (this is a demonstration, not a test).
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/PushDealsToStranger.java [half|http]
//   half (the default): the stranger sends half a greeting and waits; it takes every other message.
//   http: the PUSH has a ZAP domain (which makes JeroMQ drop a peer that is not ZMTP 3, as the
//   zmqspec nodes do) and the stranger sends an HTTP request just before the messages are dealt:
//   JeroMQ drops it, but the pipe it attached at accept() is still dealt to until it is gone.
// Exit status 0 when the real peer gets every message, 1 when it does not.
import java.io.OutputStream;
import java.net.Socket;
import org.zeromq.ZMQ;

public class PushDealsToStranger {
    public static void main(String[] args) throws Exception {
        boolean http = args.length > 0 && args[0].equals("http");
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket push = ctx.socket(ZMQ.PUSH);
        if (http) {
            push.setZAPDomain("zmqspec");
        }
        int port = push.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket pull = ctx.socket(ZMQ.PULL);
        pull.connect("tcp://127.0.0.1:" + port);
        Thread.sleep(300);  // the real peer's handshake is long done by now

        Socket stranger = new Socket("127.0.0.1", port);
        OutputStream out = stranger.getOutputStream();
        Thread.sleep(300);  // JeroMQ has accepted the stranger's connection by now
        if (http) {
            // A stranger: a web request, which JeroMQ takes for ZMTP/1.0 and, with ZAP on, drops.
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes("US-ASCII"));
        } else {
            // A stranger: half a ZMTP greeting (the 0xFF of the signature and 4 bytes), then silence.
            out.write(new byte[] {(byte) 0xff, 0, 0, 0, 0});
        }
        out.flush();

        int sent = 4;
        for (int i = 0; i < sent; i++) {
            push.send("task " + i);
        }
        pull.setReceiveTimeOut(1000);
        int received = 0;
        for (String task; (task = pull.recvStr()) != null; received++) {
            System.out.println("the real PULL received: " + task);
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
