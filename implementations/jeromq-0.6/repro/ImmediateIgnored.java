// TR-7 on JeroMQ 0.6.0: with ZMQ_IMMEDIATE a PUSH queues only to connections that are made: one
// connected to a dead endpoint and a live one sends everything to the live one (libzmq).
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/ImmediateIgnored.java
// Exit status 0 when the live PULL gets all 10, 1 when some are dealt to the dead endpoint.
import org.zeromq.ZMQ;

public class ImmediateIgnored {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket pull = ctx.socket(ZMQ.PULL);
        int port = pull.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket push = ctx.socket(ZMQ.PUSH);
        push.setImmediate(true);
        push.connect("tcp://127.0.0.1:9");  // nothing listens there
        push.connect("tcp://127.0.0.1:" + port);
        Thread.sleep(500);
        for (int i = 0; i < 10; i++) {
            push.send("t" + i);
        }
        pull.setReceiveTimeOut(500);
        StringBuilder got = new StringBuilder();
        int n = 0;
        for (String m; (m = pull.recvStr()) != null; n++) {
            got.append(m).append(' ');
        }
        System.out.println("the live PULL got " + n + " of 10: " + got.toString().trim());
        boolean ok = n == 10;
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: with immediate set the PUSH still deals to the dead endpoint");
        pull.setLinger(0);
        push.setLinger(0);
        pull.close();
        push.close();
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
