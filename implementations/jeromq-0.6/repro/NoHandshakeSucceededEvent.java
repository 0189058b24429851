// Monitor events on JeroMQ 0.6.0: libzmq (>= 4.3) reports ZMQ_EVENT_HANDSHAKE_SUCCEEDED on both
// sides of a connection once its ZMTP handshake is done. JeroMQ 0.6.0 defines the constant
// (4096) but never emits it; it emits its own ZMQ_EVENT_HANDSHAKE_PROTOCOL (32768) when the
// greetings have been exchanged. (Not a catalogue id: the worker's --wait-connected needs the fact.)
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/NoHandshakeSucceededEvent.java
// Exit status 0 when HANDSHAKE_SUCCEEDED is reported, 1 when it is not.
import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

public class NoHandshakeSucceededEvent {
    public static void main(String[] args) {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket push = ctx.socket(ZMQ.PUSH);
        int port = push.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket pull = ctx.socket(ZMQ.PULL);
        pull.monitor("inproc://events", ZMQ.EVENT_ALL);
        ZMQ.Socket events = ctx.socket(ZMQ.PAIR);
        events.connect("inproc://events");
        pull.connect("tcp://127.0.0.1:" + port);
        push.send("one");
        System.out.println("the PULL received: " + pull.recvStr());  // the handshake is certainly done now

        events.setReceiveTimeOut(1000);
        List<Integer> seen = new ArrayList<>();
        for (ZMQ.Event event; (event = ZMQ.Event.recv(events)) != null; ) {
            seen.add(event.getEvent());
            System.out.println("event " + event.getEvent() + " " + event.getAddress());
        }
        boolean ok = seen.contains(zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
        System.out.println("ZMQ_EVENT_HANDSHAKE_SUCCEEDED (" + zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_SUCCEEDED + ") reported: " + ok
            + "; ZMQ_EVENT_HANDSHAKE_PROTOCOL (" + zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_PROTOCOL + ") reported: "
            + seen.contains(zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_PROTOCOL));
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: no ZMQ_EVENT_HANDSHAKE_SUCCEEDED");
        for (ZMQ.Socket s : new ZMQ.Socket[] {push, pull, events}) {
            s.setLinger(0);
            s.close();
        }
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
