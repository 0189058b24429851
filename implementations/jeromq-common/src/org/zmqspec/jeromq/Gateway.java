package org.zmqspec.jeromq;

import java.util.Map;
import org.zeromq.ZMQ;

/** gateway: a REP facing the clients, a REQ facing the servers, relaying both ways (RR-7). */
final class Gateway {
    static final String ROLE = "gateway";

    private Gateway() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Forwards each request from its REP frontend to its REQ backend and relays the reply.")
            .endpoints("frontend-", "frontend REP")
            .endpoints("backend-", "backend REQ")
            .parse(args)
            .need("backend-");

        ZMQ.Socket frontend = Kit.socket(ZMQ.REP);
        ZMQ.Socket backend = Kit.socket(ZMQ.REQ);
        Kit.ready(Map.of("frontend", Kit.attach(frontend, options, "frontend-"),
                         "backend", Kit.attach(backend, options, "backend-")));
        Kit.quitOnStdinEof();
        while (true) {
            Kit.send(backend, Kit.receive(frontend));
            Kit.send(frontend, Kit.receive(backend));
        }
    }
}
