package org.zmqspec.jeromq;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.zeromq.ZMQ;

/** weather-pub: the seed's weather station, a PUB that never waits for anyone (PS-1, PS-2). */
final class WeatherPub {
    static final String ROLE = "weather-pub";

    private WeatherPub() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Publishes weather updates '{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}'.")
            .endpoints("", "PUB")
            .value("count", "N", "how many updates (0: for ever, the default)")
            .value("rate", "R", "at most R updates a second (0: as fast as possible, the default)")
            .value("zip-min", "Z", "smallest zipcode (default 1)")
            .value("zip-max", "Z", "largest zipcode (default 99999)")
            .value("first-seq", "S", "the first update's seq (default 0)")
            .value("seed", "S", "seed the random updates")
            .value("sndhwm", "N", "the PUB socket's send high-water mark")
            .parse(args);
        long count = options.integer("count", 0, 0, Integer.MAX_VALUE);
        long rate = options.integer("rate", 0, 0, Integer.MAX_VALUE);
        int zipMin = (int) options.integer("zip-min", 1, 1, 99999);
        int zipMax = (int) options.integer("zip-max", 99999, 1, 99999);
        if (zipMin > zipMax) {
            throw options.problem("argument --zip-min: must not be larger than --zip-max (" + zipMin + " > " + zipMax + ")");
        }
        long firstSeq = options.integer("first-seq", 0, 0, Weather.SEQ_MODULUS - 1);
        Weather weather = new Weather(Weather.seed(options), zipMin, zipMax);
        Long sndhwm = options.has("sndhwm") ? options.integer("sndhwm", 0, 0, Integer.MAX_VALUE) : null;

        ZMQ.Socket pub = Kit.socket(ZMQ.PUB);
        if (sndhwm != null) {
            pub.setSndHWM(sndhwm);
        }
        Kit.ready(Map.of("pub", Kit.attach(pub, options, "")));
        Kit.quitOnStdinEof();

        long started = System.nanoTime();
        int seq = (int) (firstSeq % Weather.SEQ_MODULUS);
        for (long sent = 0; count == 0 || sent < count; sent++) {
            if (rate > 0) {
                long due = started + sent * 1_000_000_000L / rate;
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
            }
            pub.send(weather.update(seq), 0);
            seq = (seq + 1) % Weather.SEQ_MODULUS;
        }
        return 0;
    }
}
