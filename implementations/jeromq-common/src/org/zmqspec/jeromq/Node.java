package org.zmqspec.jeromq;

import java.util.Arrays;

/**
 * The one entry point: {@code Node ROLE [OPTIONS]} runs one role of the node contract
 * (docs/contract.md) on JeroMQ. One class per role; only the chosen one is loaded.
 * (No lambdas on the way to the ready line: each costs the JVM a bootstrap at start-up.)
 */
public final class Node {
    private static final String ROLES =
        "rep-server req-client gateway weather-pub weather-sub sync-pub sync-sub ventilator worker sink driver";

    private Node() {}

    public static void main(String[] argv) {
        final String role = argv.length > 0 ? argv[0] : "";
        final String[] args = Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length);
        Kit.run(role.isEmpty() ? "node" : role, new Kit.Body() {
            @Override
            public int run() throws Exception {
                return dispatch(role, args);
            }
        });
    }

    private static int dispatch(String role, String[] args) throws Exception {
        switch (role) {
            case RepServer.ROLE: return RepServer.run(args);
            case ReqClient.ROLE: return ReqClient.run(args);
            case Gateway.ROLE: return Gateway.run(args);
            case WeatherPub.ROLE: return WeatherPub.run(args);
            case WeatherSub.ROLE: return WeatherSub.run(args);
            case SyncPub.ROLE: return SyncPub.run(args);
            case SyncSub.ROLE: return SyncSub.run(args);
            case Ventilator.ROLE: return Ventilator.run(args);
            case Worker.ROLE: return Worker.run(args);
            case Sink.ROLE: return Sink.run(args);
            case Driver.ROLE: return Driver.run(args);
            case "--warmup": return Warmup.run();
            case "--help":
            case "-h":
                Kit.say("usage: " + Jeromq.IMPLEMENTATION + " ROLE [OPTIONS]\n\nroles: " + ROLES + "\n\nROLE --help describes one role.");
                return 0;
            default:
                throw new Cli.Usage("unknown role '" + role + "'; the roles are: " + ROLES);
        }
    }
}
