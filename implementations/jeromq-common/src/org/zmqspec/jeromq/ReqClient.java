package org.zmqspec.jeromq;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.zeromq.ZMQ;

/**
 * req-client: the seed's client, one request per line typed (RR-2, RR-4).
 * Malformed input (MI-9): a reply without a comma is printed whole with an empty name, and of a
 * reply of several frames the first is printed; each with one line on stderr.
 * End of input ends it with status 0 even while it waits for a reply that may never come (NC-3):
 * standard input is read by a thread, and once it has ended a reply gets one second more.
 */
final class ReqClient {
    static final String ROLE = "req-client";
    /** How long a reply still gets once standard input has ended. */
    private static final long GRACE_NS = 1_000_000_000L;
    /** How often a reply wait looks at whether standard input has ended. */
    private static final int WAIT_MS = 100;
    /** What the reader thread queues at the end of input. */
    private static final byte[] END = new byte[0];

    private ReqClient() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "A REQ client: sends each line of standard input, prints who replied; 'bye' ends it.")
            .endpoints("", "REQ (one --connect per server)")
            .parse(args)
            .need("");

        ZMQ.Socket req = Kit.socket(ZMQ.REQ);
        List<String> bound = Kit.attach(req, options, "");
        Kit.ready(Map.of("req", bound));

        BlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();
        long[] endedAt = {-1};
        Thread reader = new Thread("stdin") {
            @Override
            public void run() {
                InputStream input = new BufferedInputStream(System.in);
                try {
                    for (byte[] raw = readLine(input); raw != null; raw = readLine(input)) {
                        lines.add(raw);
                    }
                } catch (IOException gone) {
                    // standard input unreadable: the same as its end
                }
                synchronized (endedAt) {
                    endedAt[0] = System.nanoTime();
                }
                lines.add(END);
            }
        };
        reader.setDaemon(true);
        reader.start();
        while (true) {
            Kit.out(">> ");
            byte[] raw = lines.take();
            if (raw == END) {
                req.setLinger(0);  // end of input beats a request still queued for a server that is gone
                return 0;
            }
            String line = Text.decode(raw);
            Kit.say("SENDING: " + line);
            req.send(raw, 0);
            List<byte[]> frames = reply(req, endedAt);
            if (frames == null) {
                req.setLinger(0);  // end of input beats a reply from a server that is gone
                return 0;
            }
            if (frames.size() > 1) {
                Kit.warn("the reply has " + frames.size() + " frames; printing the first only");
            }
            String reply = Text.decode(frames.get(0));
            int comma = reply.indexOf(',');
            if (comma < 0) {
                Kit.warn("the reply has no 'name,' in front: " + Kit.shown(frames.get(0)));
            }
            String server = comma < 0 ? "" : reply.substring(0, comma);
            Kit.say("RECEIVED: " + reply.substring(comma + 1) + " FROM " + server);
            if (line.equals("bye")) {
                return 0;
            }
        }
    }

    /**
     * The reply to the request just sent, or null when input has ended and it did not come within
     * GRACE_NS of the end (or of the request, whichever is later).
     */
    private static List<byte[]> reply(ZMQ.Socket req, long[] endedAt) {
        long sent = System.nanoTime();
        req.setReceiveTimeOut(WAIT_MS);
        while (true) {
            byte[] first = req.recv(0);
            if (first != null) {
                List<byte[]> frames = new ArrayList<>();
                frames.add(first);
                while (req.hasReceiveMore()) {
                    frames.add(req.recv(0));
                }
                return frames;
            }
            long ended;
            synchronized (endedAt) {
                ended = endedAt[0];
            }
            if (ended >= 0 && System.nanoTime() - Math.max(sent, ended) > GRACE_NS) {
                return null;
            }
        }
    }

    /**
     * One line of standard input as bytes, without its line ending; null at end of input. The bytes
     * are sent as they are, UTF-8 or not (docs/contract.md, "Standard input").
     */
    private static byte[] readLine(InputStream input) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = input.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\r' || bytes[end - 1] == '\n')) {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }
}
