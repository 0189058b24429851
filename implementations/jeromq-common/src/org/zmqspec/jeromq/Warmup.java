package org.zmqspec.jeromq;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * Not a role: setup.sh runs this once under -XX:ArchiveClassesAtExit, so that the class-data
 * archive it writes holds every class a node loads on its way to the ready line (JDK, JeroMQ,
 * gson and these nodes). A node started with that archive skips loading and verifying them.
 */
final class Warmup {
    private static final String[] ROLES = {
        "RepServer", "ReqClient", "Gateway", "WeatherPub", "WeatherSub", "SyncPub", "SyncSub",
        "Ventilator", "Worker", "Sink", "Driver", "Weather", "Connections",
    };

    private Warmup() {}

    static int run() throws Exception {
        for (String name : ROLES) {
            Class.forName("org.zmqspec.jeromq." + name);
        }
        roles();
        driver();
        return 0;
    }

    /** What the roles do with the high-level API: bind, connect, monitor, poll, send, receive, print. */
    private static void roles() throws Exception {
        new Cli("warmup", "").endpoints("", "REP").value("count", "N", "").flag("quiet", "").parse(new String[] {"--count", "1"});
        ZMQ.Socket rep = Kit.socket(ZMQ.REP);
        List<String> bound = Kit.attach(rep, List.of(Endpoints.DEFAULT_BIND), List.of(), null);
        ZMQ.Socket req = Kit.socket(ZMQ.REQ);
        Connections watch = Connections.watch(req, "warmup", bound);
        Kit.attach(req, List.of(), bound, null);
        watch.await();
        Kit.ready(Map.of("rep", bound));
        ZMQ.Poller poller = Jeromq.poller(Kit.context(), 1);
        poller.register(rep, ZMQ.Poller.POLLIN);
        Kit.send(req, List.of(Text.utf8("hello"), new byte[0]));
        poller.poll(5000);
        Kit.say("RECEIVED: " + Text.decode(Kit.receive(rep).get(0)) + " " + WeatherSub.signed(-1.5));
        rep.send(new Weather(1L, 1, 99999).update(1), 0);
        Kit.receive(req);
        ZMQ.Socket pub = Kit.socket(ZMQ.PUB);
        ZMQ.Socket sub = Kit.socket(ZMQ.SUB);
        sub.subscribe(new byte[0]);
        ZMQ.Socket push = Kit.socket(ZMQ.PUSH);
        ZMQ.Socket pull = Kit.socket(ZMQ.PULL);
        Kit.attach(pub, List.of("inproc://warmup-pub"), List.of(), null);
        Kit.attach(sub, List.of(), List.of("inproc://warmup-pub"), null);
        Kit.attach(push, List.of("inproc://warmup-push"), List.of(), null);
        Kit.attach(pull, List.of(), List.of("inproc://warmup-push"), null);
        push.send(Text.utf8("1"), 0);
        Kit.receive(pull);
        Kit.say(String.format(Locale.ROOT, "ELAPSED TIME: %.2f", 0.5));
        Kit.finish();
    }

    /** A short driver session: gson in and out, and the core API's calls. */
    private static void driver() throws Exception {
        String script = String.join("\n",
            "{\"seq\": 1, \"cmd\": \"hello\"}",
            "{\"seq\": 2, \"cmd\": \"socket\", \"type\": \"PULL\"}",
            "{\"seq\": 3, \"cmd\": \"bind\", \"socket\": \"s1\", \"endpoint\": \"tcp://127.0.0.1:*\"}",
            "{\"seq\": 4, \"cmd\": \"socket\", \"type\": \"PUSH\"}",
            "{\"seq\": 5, \"cmd\": \"connect\", \"socket\": \"s2\", \"endpoint\": \"inproc://nobody\"}",
            "{\"seq\": 6, \"cmd\": \"getsockopt\", \"socket\": \"s1\", \"option\": \"last_endpoint\"}",
            "{\"seq\": 7, \"cmd\": \"setsockopt\", \"socket\": \"s1\", \"option\": \"rcvhwm\", \"value\": 10}",
            "{\"seq\": 8, \"cmd\": \"poll\", \"items\": [{\"socket\": \"s1\", \"events\": [\"in\", \"out\"]}], \"timeout_ms\": 0}",
            "{\"seq\": 9, \"cmd\": \"recv\", \"socket\": \"s1\", \"timeout_ms\": 0}",
            "{\"seq\": 10, \"cmd\": \"send\", \"socket\": \"s2\", \"frames\": [\"00\"], \"timeout_ms\": 0}",
            "{\"seq\": 11, \"cmd\": \"close\", \"socket\": \"s2\"}",
            "not JSON",
            "{\"seq\": 12, \"cmd\": \"quit\"}", "");
        Driver.serve(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
    }
}
