package org.zmqspec.jeromq6;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * req-client: the seed's client, one request per line typed (RR-2, RR-4).
 * Malformed input (MI-9): a reply without a comma is printed whole with an empty name, and of a
 * reply of several frames the first is printed; each with one line on stderr.
 */
final class ReqClient {
    static final String ROLE = "req-client";

    private ReqClient() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "A REQ client: sends each line of standard input, prints who replied; 'bye' ends it.")
            .endpoints("", "REQ (one --connect per server)")
            .parse(args);

        ZMQ.Socket req = Kit.socket(ZMQ.REQ);
        List<String> bound = Kit.attach(req, options, "");
        Kit.ready(Map.of("req", bound));

        InputStream input = new BufferedInputStream(System.in);
        while (true) {
            Kit.out(">> ");
            byte[] raw = readLine(input);
            if (raw == null) {
                return 0;
            }
            String line = Text.decode(raw);
            Kit.say("SENDING: " + line);
            req.send(raw, 0);
            List<byte[]> frames = Kit.receive(req);
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
