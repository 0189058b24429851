// TR-5 (inproc) on JeroMQ 0.3.6 and 0.6.0: a second bind of a bound inproc name must fail with
// EADDRINUSE and leave the name with the first socket.
// Run from implementations/ (after that stack's setup.sh), on 0.3.6 and on 0.6.0:
//   java -cp /usr/share/java/jeromq.jar jeromq-common/repro/InprocBindTakeover.java
//   java -cp jeromq-0.6/target/lib/jeromq-0.6.0.jar jeromq-common/repro/InprocBindTakeover.java
// Exit status 0 when JeroMQ behaves as libzmq does, 1 when it does not.
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

public class InprocBindTakeover {
    public static void main(String[] args) {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket holder = ctx.socket(ZMQ.PULL);
        holder.bind("inproc://taken");
        ZMQ.Socket intruder = ctx.socket(ZMQ.PULL);
        String refused = "no";
        try {
            intruder.bind("inproc://taken");
        } catch (ZMQException failed) {
            refused = "yes, errno " + failed.getErrorCode() + " (" + failed.getMessage() + ")";
        }
        System.out.println("second bind refused: " + refused);

        ZMQ.Socket sender = ctx.socket(ZMQ.PUSH);
        sender.connect("inproc://taken");
        sender.send("still here");
        holder.setReceiveTimeOut(1000);
        intruder.setReceiveTimeOut(1000);
        byte[] atHolder = holder.recv(0);
        byte[] atIntruder = intruder.recv(0);
        System.out.println("the first socket (bound) received: " + (atHolder == null ? "nothing" : new String(atHolder)));
        System.out.println("the second socket (bind refused) received: " + (atIntruder == null ? "nothing" : new String(atIntruder)));
        boolean ok = !refused.equals("no") && atHolder != null && atIntruder == null;
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: the refused bind took the inproc name over");
        for (ZMQ.Socket s : new ZMQ.Socket[] {holder, intruder, sender}) {
            s.setLinger(0);
            s.close();
        }
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
