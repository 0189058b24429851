package org.zmqspec.jeromq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/** rep-server: the seed's echo server (RR-1, RR-13). */
final class RepServer {
    static final String ROLE = "rep-server";

    private RepServer() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "A REP echo server: replies '{name},{m}' to each request m.")
            .value("name", "NAME", "the name put in front of every reply (default: server)")
            .endpoints("", "REP")
            .parse(args);
        String name = options.text("name", "server");

        Kit.say("STARTING SERVER");
        ZMQ.Socket rep = Kit.socket(ZMQ.REP);
        List<String> bound = Kit.attach(rep, options, "");
        Kit.say("READY");
        Kit.ready(Map.of("rep", bound));
        Kit.quitOnStdinEof();

        byte[] prefix = Text.utf8(name + ",");
        while (true) {
            List<byte[]> request = Kit.receive(rep);
            String message = Text.decode(request.get(0));
            Kit.say("RECEIVED: " + message);
            Kit.say("SENDING:  " + name + "," + message);
            List<byte[]> reply = new ArrayList<>(request);
            reply.set(0, concat(prefix, request.get(0)));
            Kit.send(rep, reply);
        }
    }

    static byte[] concat(byte[] head, byte[] tail) {
        byte[] both = new byte[head.length + tail.length];
        System.arraycopy(head, 0, both, 0, head.length);
        System.arraycopy(tail, 0, both, head.length, tail.length);
        return both;
    }
}
