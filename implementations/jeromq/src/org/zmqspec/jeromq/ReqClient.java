package org.zmqspec.jeromq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/** req-client: the seed's client, one request per line typed (RR-2, RR-4). */
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

        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (true) {
            Kit.out(">> ");
            String line = input.readLine();
            if (line == null) {
                return 0;
            }
            Kit.say("SENDING: " + line);
            req.send(Text.utf8(line), 0);
            String reply = Text.decode(Kit.receive(req).get(0));
            int comma = reply.indexOf(',');
            if (comma < 0) {
                Kit.warn("the reply has no 'name,' in front: " + reply);
            }
            String server = comma < 0 ? "" : reply.substring(0, comma);
            Kit.say("RECEIVED: " + reply.substring(comma + 1) + " FROM " + server);
            if (line.equals("bye")) {
                return 0;
            }
        }
    }
}
