// RR-3 on JeroMQ 0.6.0: a REP that owes a reply must refuse a second receive with EFSM, at once.
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/RepRecvOutOfTurn.java
// Exit status 0 when the REP behaves as libzmq's does, 1 when it does not.
import org.zeromq.ZMQ;
import zmq.ZError;

public class RepRecvOutOfTurn {
    /** One whole message as ['text', 0x..], or "nothing" when none came within the timeout. */
    static String frames(ZMQ.Socket socket) {
        StringBuilder shown = new StringBuilder("[");
        do {
            byte[] frame = socket.recv(0);
            if (frame == null) {
                return "nothing";
            }
            boolean text = true;
            for (byte b : frame) {
                text &= b >= 0x20 && b < 0x7f;
            }
            StringBuilder hex = new StringBuilder("0x");
            for (byte b : frame) {
                hex.append(String.format("%02x", b));
            }
            shown.append(shown.length() > 1 ? ", " : "").append(text ? "'" + new String(frame) + "'" : hex);
        } while (socket.hasReceiveMore());
        return shown.append("]").toString();
    }

    public static void main(String[] args) {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket rep = ctx.socket(ZMQ.REP);
        String endpoint = "tcp://127.0.0.1:" + rep.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket first = ctx.socket(ZMQ.REQ);
        first.connect(endpoint);
        first.send("first request");
        System.out.println("REP received: " + rep.recvStr());

        // libzmq: zmq_recv on a REP that has not replied fails at once with EFSM (rep.cpp, xrecv).
        rep.setReceiveTimeOut(1000);
        long started = System.nanoTime();
        byte[] again = rep.recv(0);
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        int errno = rep.errno();
        System.out.println("second recv before replying: " + (again == null ? "null" : "'" + new String(again) + "'")
            + ", errno " + errno + " (EFSM is " + ZError.EFSM + ", EAGAIN " + ZError.EAGAIN + "), after " + waitedMs + " ms");
        boolean ok = again == null && errno == ZError.EFSM;

        // Worse: with another request waiting, the out-of-turn receive delivers it, and the REP
        // has lost the first requester's envelope.
        ZMQ.Socket second = ctx.socket(ZMQ.REQ);
        second.connect(endpoint);
        second.send("second request");
        byte[] delivered = rep.recv(0);
        System.out.println("out-of-turn recv with a second request waiting: "
            + (delivered == null ? "null, errno " + rep.errno() : "'" + new String(delivered) + "'"));
        ok &= delivered == null;
        rep.send("the reply");
        first.setReceiveTimeOut(1000);
        second.setReceiveTimeOut(1000);
        String toFirst = frames(first);
        String toSecond = frames(second);
        System.out.println("the one reply sent, 'the reply', arrived as: at the first requester " + toFirst
            + "; at the second " + toSecond);
        ok &= "['the reply']".equals(toFirst);

        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: the REP receives out of turn instead of failing with EFSM");
        for (ZMQ.Socket s : new ZMQ.Socket[] {rep, first, second}) {
            s.setLinger(0);
            s.close();
        }
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
