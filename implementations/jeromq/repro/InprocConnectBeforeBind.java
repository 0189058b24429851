// PP-18 on JeroMQ 0.3.6: over inproc a socket may connect before the name is bound (libzmq >= 4.0;
// what it queued is delivered once a socket binds). JeroMQ 0.3.6 (libzmq 3.2's design) refuses
// the connect: zmq.SocketBase.connect returns false, with errno 0. (The org.zeromq.ZMQ API drops
// that false, so there the connect seems to work and the socket stays unconnected.)
// Run:  java -cp /usr/share/java/jeromq.jar repro/InprocConnectBeforeBind.java
// Exit status 0 when the connect succeeds, 1 when it is refused.
import zmq.Ctx;
import zmq.SocketBase;
import zmq.ZMQ;

public class InprocConnectBeforeBind {
    public static void main(String[] args) {
        Ctx ctx = ZMQ.createContext();
        SocketBase push = ZMQ.socket(ctx, ZMQ.ZMQ_PUSH);
        boolean ok = push.connect("inproc://not-bound-yet");
        System.out.println("connect to an inproc name nobody has bound: "
                           + (ok ? "accepted" : "refused, errno " + push.errno()));
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: inproc needs the bind first");
        System.exit(ok ? 0 : 1);
    }
}
