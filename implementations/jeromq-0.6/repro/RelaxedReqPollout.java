// RR-17 on JeroMQ 0.6.0: a REQ with ZMQ_REQ_RELAXED may send again before the reply, so after a
// send it polls writable (libzmq: POLLOUT at once). JeroMQ 0.6.0's relaxed REQ takes the second
// send but polls not writable after the first.
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/RelaxedReqPollout.java
// Exit status 0 when the REQ polls writable after its send, 1 when it does not.
import org.zeromq.ZMQ;

public class RelaxedReqPollout {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket rep = ctx.socket(ZMQ.REP);
        int port = rep.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket req = ctx.socket(ZMQ.REQ);
        req.setReqRelaxed(true);
        req.connect("tcp://127.0.0.1:" + port);
        Thread.sleep(300);
        req.send("first");
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(req, ZMQ.Poller.POLLOUT);
        int ready = poller.poll(0);
        boolean writable = ready > 0 && poller.pollout(0);
        boolean again = req.send("second");
        System.out.println("after a send the relaxed REQ polls writable: " + writable + "; a second send: "
                           + (again ? "taken" : "refused"));
        System.out.println(writable ? "OK: as libzmq" : "DEVIATION: a relaxed REQ polls not writable after a send");
        rep.setLinger(0);
        req.setLinger(0);
        rep.close();
        req.close();
        ctx.term();
        System.exit(writable ? 0 : 1);
    }
}
