// The cause of repro/UnpolledConnection.java, without any ZeroMQ socket, every time: JeroMQ 0.6.0's
// I/O poller (zmq.poll.Poller) loses a handle that is added for a channel in the same round in which
// another handle of that channel was removed. That is what a connecting socket does: its
// TcpConnecter removes its handle in connectEvent and sends the session an attach command, and the
// session plugs the StreamEngine, which adds a new handle for the same SocketChannel. When the I/O
// thread's mailbox is ready in the same select round (another command arrived meanwhile) and comes
// after the connect key, IOThread.inEvent runs the attach before the poller's next table walk; that
// walk finds the connecter's key (still registered: a cancelled key leaves the selector only at the
// next select) for the engine's handle, so it neither registers the engine nor keeps a key for it.
// This program plays both parts on a bare Poller: a connecter handle polls OP_CONNECT; on connect it
// removes itself and adds an "engine" handle that wants READ|WRITE and, on its first write event,
// writes 10 bytes. "same": the engine's handle is added inside connectEvent (as in the race);
// "later": 20 ms later, from a timer, after a select has dropped the cancelled key (the usual case).
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/PollerHandOff.java [same|later]
// Exit status 0 when the peer gets the 10 bytes within 1 s, 1 otherwise.
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;
import zmq.Ctx;
import zmq.poll.IPollEvents;
import zmq.poll.Poller;

public class PollerHandOff {
    public static void main(String[] args) throws Exception {
        boolean same = !(args.length > 0 && args[0].equals("later"));
        Ctx ctx = new Ctx();
        Poller poller = new Poller(ctx, "handoff");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ServerSocket listener = new ServerSocket(0, 1, loopback);
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.connect(new InetSocketAddress(loopback, listener.getLocalPort()));

        AtomicReference<Poller.Handle> connecter = new AtomicReference<>();
        AtomicReference<Poller.Handle> engineHandle = new AtomicReference<>();
        IPollEvents engine = new IPollEvents() {
            @Override public void outEvent() {
                try {
                    channel.write(ByteBuffer.wrap("greeting!\n".getBytes("US-ASCII")));
                } catch (Exception failed) {
                    throw new RuntimeException(failed);
                }
                poller.resetPollOut(engineHandle.get());
            }
            @Override public void inEvent() {
                try {
                    channel.read(ByteBuffer.allocate(64));
                } catch (Exception failed) {
                    throw new RuntimeException(failed);
                }
            }
        };
        Runnable plugEngine = () -> {  // what StreamEngine.plug does with the poller
            engineHandle.set(poller.addHandle(channel, engine));
            poller.setPollIn(engineHandle.get());
            poller.setPollOut(engineHandle.get());
        };
        IPollEvents connecting = new IPollEvents() {
            @Override public void connectEvent() {  // what TcpConnecter.connectEvent does with the poller
                try {
                    channel.finishConnect();
                } catch (Exception failed) {
                    throw new RuntimeException(failed);
                }
                poller.removeHandle(connecter.get());
                if (same) {
                    plugEngine.run();
                } else {
                    poller.addTimer(20, this, 1);
                }
            }
            @Override public void timerEvent(int id) {
                plugEngine.run();
            }
        };
        connecter.set(poller.addHandle(channel, connecting));
        poller.setPollConnect(connecter.get());
        poller.start();

        Socket peer = listener.accept();
        peer.setSoTimeout(1000);
        InputStream in = peer.getInputStream();
        int got = 0;
        try {
            while (got < 10) {
                int n = in.read(new byte[64]);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (SocketTimeoutException nothingMore) {
            // got stays what arrived
        }
        System.out.println("engine handle added " + (same ? "in connectEvent's round (same)" : "20 ms later (later)")
                           + ": the peer got " + got + " of 10 bytes in 1 s");
        System.out.println(got == 10 ? "OK: the engine's handle was polled"
                           : "DEVIATION: the poller never polled the engine's handle");
        poller.destroy();
        peer.close();
        channel.close();
        listener.close();
        System.exit(got == 10 ? 0 : 1);
    }
}
