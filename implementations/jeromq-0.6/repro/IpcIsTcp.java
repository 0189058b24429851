// ipc (TR-1, TR-6) on JeroMQ 0.6.0: ipc://PATH should be a Unix domain socket at PATH (libzmq's
// ipc_listener). JeroMQ 0.6.0 listens on TCP instead, on a loopback address at port
// hash(PATH) % 55536 + 10000 (zmq.io.net.ipc.IpcAddress), and makes no file.
// Run (after setup.sh):  java -cp target/lib/jeromq-0.6.0.jar repro/IpcIsTcp.java
// Exit status 0 when ipc is a Unix domain socket, 1 when it is TCP.
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.zeromq.ZMQ;

public class IpcIsTcp {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("jeromq-ipc");
        String path = dir.resolve("endpoint.sock").toString();
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket pull = ctx.socket(ZMQ.PULL);
        boolean bound = pull.bind("ipc://" + path);
        System.out.println("bind ipc://" + path + ": " + bound + ", last endpoint " + pull.getLastEndpoint());
        boolean file = Files.exists(Path.of(path));
        System.out.println("a file at " + path + ": " + file);

        int hash = Math.abs(path.hashCode()) % 55536 + 10000;
        boolean tcp;
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", hash), 1000);
            tcp = true;
        } catch (java.io.IOException refused) {
            tcp = false;
        }
        System.out.println("a TCP listener on 127.0.0.1:" + hash + " (hash of the path): " + tcp);
        boolean ok = file && !tcp;
        System.out.println(ok ? "OK: ipc is a Unix domain socket" : "DEVIATION: JeroMQ's ipc is TCP on a port hashed from the path");
        pull.setLinger(0);
        pull.close();
        ctx.term();
        Files.deleteIfExists(Path.of(path));
        Files.delete(dir);
        System.exit(ok ? 0 : 1);
    }
}
