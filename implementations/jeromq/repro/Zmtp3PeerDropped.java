// MI-5 on JeroMQ 0.3.6: the suite checks a node's 64 KiB bound (ZMQ_MAXMSGSIZE) with a
// hand-written ZMTP 3.0 peer. JeroMQ 0.3.6 speaks only ZMTP/2.0: it reads the 64-byte 3.0
// greeting as a 2.0 greeting followed by frames and closes the connection before any message.
// A ZMTP 3.0 peer of a libzmq 4 PULL completes its handshake and sends messages.
// Run:  java -cp /usr/share/java/jeromq.jar repro/Zmtp3PeerDropped.java
// Exit status 0 when the PULL takes the ZMTP 3.0 peer's message, 1 when the peer is dropped.
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import org.zeromq.ZMQ;

public class Zmtp3PeerDropped {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket pull = ctx.socket(ZMQ.PULL);
        pull.setMaxMsgSize(65536);
        int port = pull.bindToRandomPort("tcp://127.0.0.1");
        Socket peer = new Socket("127.0.0.1", port);
        peer.setSoTimeout(2000);
        OutputStream out = peer.getOutputStream();
        byte[] greeting = new byte[64];  // ZMTP 3.0: signature, version 3.0, NULL, as-server 0
        greeting[0] = (byte) 0xff;
        greeting[9] = 0x7f;
        greeting[10] = 3;
        System.arraycopy("NULL".getBytes("US-ASCII"), 0, greeting, 12, 4);
        byte[] ready = "\u0005READY\u000bSocket-Type\u0000\u0000\u0000\u0004PUSH".getBytes("US-ASCII");
        out.write(greeting);
        out.write(new byte[] {0x04, (byte) ready.length});
        out.write(ready);
        out.write(new byte[] {0x00, 5});
        out.write("hello".getBytes("US-ASCII"));
        out.flush();
        InputStream in = peer.getInputStream();
        int read = 0;
        boolean closed = false;
        try {
            while (in.read() >= 0) {
                read++;
            }
            closed = true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            // the node kept the connection
        } catch (java.net.SocketException reset) {
            closed = true;
        }
        pull.setReceiveTimeOut(500);
        byte[] got = pull.recv(0);
        System.out.println("JeroMQ sent " + read + " bytes, " + (closed ? "then closed the connection" : "connection open")
                           + "; the PULL received: " + (got == null ? "nothing" : "'" + new String(got) + "'"));
        boolean ok = got != null;
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: a ZMTP 3.0 peer never gets through the handshake");
        peer.close();
        pull.setLinger(0);
        pull.close();
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
