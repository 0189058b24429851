// PS-20 on JeroMQ 0.3.6 and 0.6.0: a subscription of any length is taken (libzmq: 70000 bytes is
// fine). JeroMQ's subscription trie (zmq.Trie; in 0.6.0 zmq.socket.pubsub.Trie) recurses once per
// byte: a 70000-byte subscription overflows the thread's stack.
// Run from implementations/, on 0.3.6 and on 0.6.0 (after jeromq-0.6/setup.sh):
//   java -cp /usr/share/java/jeromq.jar jeromq-common/repro/LongSubscription.java
//   java -cp jeromq-0.6/target/lib/jeromq-0.6.0.jar jeromq-common/repro/LongSubscription.java
// Exit status 0 when the subscription is taken, 1 when it throws.
import org.zeromq.ZMQ;

public class LongSubscription {
    public static void main(String[] args) {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket sub = ctx.socket(ZMQ.SUB);
        byte[] prefix = new byte[70000];
        for (int i = 0; i < prefix.length; i++) {
            prefix[i] = (byte) (1 + i % 251);
        }
        String result;
        boolean ok;
        try {
            sub.subscribe(prefix);
            result = "taken";
            ok = true;
        } catch (StackOverflowError overflow) {
            result = "StackOverflowError at " + overflow.getStackTrace()[0];
            ok = false;
        }
        System.out.println("subscribe with a prefix of 70000 bytes: " + result);
        System.out.println(ok ? "OK: as libzmq" : "DEVIATION: a long subscription overflows JeroMQ's stack");
        sub.setLinger(0);
        sub.close();
        ctx.term();
        System.exit(ok ? 0 : 1);
    }
}
