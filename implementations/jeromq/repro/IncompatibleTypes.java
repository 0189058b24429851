// TR-3 on JeroMQ 0.3.6: sockets of incompatible types never deliver to each other (RFC 23/37: a
// peer checks the other's socket type in the handshake and closes an invalid combination; libzmq
// 4 does). JeroMQ 0.3.6 reads the type in the ZMTP/2.0 greeting but never checks it: a PULL takes
// what a DEALER sends.
// Run:  java -cp /usr/share/java/jeromq.jar repro/IncompatibleTypes.java
// Exit status 0 when nothing is delivered, 1 when the PULL delivers the DEALER's message.
import org.zeromq.ZMQ;

public class IncompatibleTypes {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket pull = ctx.socket(ZMQ.PULL);
        int port = pull.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket dealer = ctx.socket(ZMQ.DEALER);
        dealer.connect("tcp://127.0.0.1:" + port);
        dealer.send("forbidden");
        pull.setReceiveTimeOut(1000);
        byte[] got = pull.recv(0);
        System.out.println("a PULL facing a DEALER received: " + (got == null ? "nothing" : "'" + new String(got) + "'"));
        boolean ok = got == null;
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: an incompatible socket type delivered");
        pull.setLinger(0);
        dealer.setLinger(0);
        pull.close();
        dealer.close();
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
