// RR-11 on JeroMQ 0.3.6: a REQ must accept a reply only from the peer it sent its request to
// (RFC 28; libzmq >= 4.0 drops the others). Two ROUTERs; the REQ's request goes to one of them, and
// the OTHER sends a decoy reply first. libzmq's REQ delivers the real reply; JeroMQ 0.3.6's
// (libzmq 3.2's design) fair-queues replies from every peer and delivers the decoy.
// Run:  java -cp /usr/share/java/jeromq.jar repro/ReqTakesDecoyReply.java
// Exit status 0 when the REQ delivers the real reply, 1 when it delivers the decoy.
import org.zeromq.ZMQ;

public class ReqTakesDecoyReply {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket[] routers = {ctx.socket(ZMQ.ROUTER), ctx.socket(ZMQ.ROUTER)};
        ZMQ.Socket req = ctx.socket(ZMQ.REQ);
        req.setIdentity("the-req".getBytes());
        for (ZMQ.Socket router : routers) {
            req.connect("tcp://127.0.0.1:" + router.bindToRandomPort("tcp://127.0.0.1"));
            router.setReceiveTimeOut(2000);
        }
        Thread.sleep(300);  // both connections up
        req.send("question");
        int asked = -1;
        for (int i = 0; i < 2 && asked < 0; i++) {
            routers[i].setReceiveTimeOut(500);
            byte[] identity = routers[i].recv(0);
            if (identity != null) {
                while (routers[i].hasReceiveMore()) {
                    routers[i].recv(0);
                }
                asked = i;
            }
        }
        ZMQ.Socket decoy = routers[1 - asked];
        decoy.sendMore("the-req");
        decoy.sendMore("");
        decoy.send("decoy");
        Thread.sleep(300);  // the decoy is at the REQ before the real reply
        routers[asked].sendMore("the-req");
        routers[asked].sendMore("");
        routers[asked].send("real reply");
        req.setReceiveTimeOut(2000);
        byte[] reply = req.recv(0);
        String got = reply == null ? "nothing" : new String(reply);
        System.out.println("request went to router " + asked + "; the REQ delivered: " + got);
        boolean ok = "real reply".equals(got);
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: the REQ delivered a reply from a peer it never asked");
        for (ZMQ.Socket s : new ZMQ.Socket[] {routers[0], routers[1], req}) {
            s.setLinger(0);
            s.close();
        }
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
