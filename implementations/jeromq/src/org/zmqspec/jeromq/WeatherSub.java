package org.zmqspec.jeromq;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import org.zeromq.ZMQ;

/** weather-sub: the seed's weather client, averaging the temperature of N updates (PS-6). */
final class WeatherSub {
    static final String ROLE = "weather-sub";

    private WeatherSub() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Subscribes to a zipcode prefix and prints the mean temperature of N updates.")
            .endpoints("", "SUB")
            .value("filter", "PREFIX", "the prefix to subscribe to, as UTF-8 text (default 10001)")
            .value("count", "N", "how many updates to average (default 50)")
            .parse(args);
        String filter = options.text("filter", "10001");
        long count = options.integer("count", 50, 1, Integer.MAX_VALUE);

        ZMQ.Socket sub = Kit.socket(ZMQ.SUB);
        sub.subscribe(Text.utf8(filter));
        Kit.ready(Map.of("sub", Kit.attach(sub, options, "")));
        Kit.quitOnStdinEof();

        long total = 0;
        String zipcode = "";
        for (long n = 0; n < count; ) {
            String update = Text.decode(Kit.receive(sub).get(0));
            String[] fields = update.trim().split("\\s+");
            int temperature;
            try {
                temperature = Integer.parseInt(fields[1]);
            } catch (RuntimeException notAnUpdate) {
                Kit.warn("ignoring a message that is not a weather update: " + update);
                continue;
            }
            Kit.say("RECEIVED: " + update);
            total += temperature;
            zipcode = fields[0];
            n++;
        }
        Kit.say("AVERAGE TEMPERATURE FOR " + zipcode + ": " + signed((double) total / count));
        return 0;
    }

    /** Python's f"{x:+.2f}": the double's exact value rounded half-even, always signed. */
    static String signed(double value) {
        String digits = new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).abs().toPlainString();
        boolean negative = value < 0 || (value == 0 && 1 / value < 0);
        return (negative ? "-" : "+") + digits;
    }
}
