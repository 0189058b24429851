// PS-24 on JeroMQ 0.3.6: an XSUB sends a message that is neither a subscription (0x01) nor an
// unsubscribe (0x00) on unchanged, and its XPUB hands it over (libzmq >= 4.0). JeroMQ 0.3.6
// throws IllegalArgumentException("subscription flag") from the send.
// Run:  java -cp /usr/share/java/jeromq.jar repro/XsubSendsOtherMessages.java
// Exit status 0 when the XPUB receives the message, 1 when the XSUB refuses it.
import org.zeromq.ZMQ;

public class XsubSendsOtherMessages {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket xpub = ctx.socket(ZMQ.XPUB);
        int port = xpub.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket xsub = ctx.socket(ZMQ.XSUB);
        xsub.connect("tcp://127.0.0.1:" + port);
        Thread.sleep(300);
        String sent;
        try {
            sent = xsub.send(new byte[] {2, 'A'}, 0) ? "sent" : "refused";
        } catch (RuntimeException thrown) {
            sent = "threw " + thrown;
        }
        xpub.setReceiveTimeOut(1000);
        byte[] got = xpub.recv(0);
        System.out.println("XSUB send of 0x02 'A': " + sent + "; the XPUB received: "
                           + (got == null ? "nothing" : got.length + " bytes, first " + got[0]));
        boolean ok = got != null && got[0] == 2;
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: the XSUB refuses a message that is not a subscription");
        xpub.setLinger(0);
        xsub.setLinger(0);
        xpub.close();
        xsub.close();
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
