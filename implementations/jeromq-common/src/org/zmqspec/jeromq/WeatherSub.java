package org.zmqspec.jeromq;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.zeromq.ZMQ;

/**
 * weather-sub: the seed's weather client, averaging the temperature of N updates (PS-6).
 * Malformed input (MI-7): a message that is not one frame of four whitespace-separated fields
 * 'zipcode temp hum seq', the last three decimal integers, is skipped with one line on stderr:
 * neither printed nor counted nor averaged.
 */
final class WeatherSub {
    static final String ROLE = "weather-sub";
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern LEADING_SPACES = Pattern.compile("^\\s+");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private WeatherSub() {}

    static int run(String[] args) throws Exception {
        Cli options = new Cli(ROLE, "Subscribes to a zipcode prefix and prints the mean temperature of N updates.")
            .endpoints("", "SUB")
            .value("filter", "PREFIX", "the prefix to subscribe to, as UTF-8 text (default 10001)")
            .value("count", "N", "how many updates to average (default 50)")
            .parse(args);
        String filter = options.text("filter", "10001");
        long count = options.integer("count", 50, 1, Integer.MAX_VALUE);
        options.need("");

        ZMQ.Socket sub = Kit.socket(ZMQ.SUB);
        sub.subscribe(Text.utf8(filter));
        Kit.ready(Map.of("sub", Kit.attach(sub, options, "")));
        Kit.quitOnStdinEof();

        BigInteger total = BigInteger.ZERO;
        String zipcode = "";
        for (long n = 0; n < count; ) {
            List<byte[]> frames = Kit.receive(sub);
            String update = Text.decode(frames.get(0));
            String[] fields = frames.size() == 1 ? fields(update) : null;
            if (fields == null) {
                Kit.warn("skipping a message that is not a weather update 'zipcode temp hum seq': "
                    + (frames.size() > 1 ? frames.size() + " frames" : Kit.shown(frames.get(0))));
                continue;
            }
            Kit.say("RECEIVED: " + update);
            total = total.add(new BigInteger(fields[1]));
            zipcode = fields[0];
            n++;
        }
        Kit.say("AVERAGE TEMPERATURE FOR " + zipcode + ": " + signed(mean(total, count)));
        return 0;
    }

    /** An update's fields, zipcode temp hum seq (temp and hum signed, seq digits); null when it is not one. */
    static String[] fields(String update) {
        String[] fields = SPACES.split(LEADING_SPACES.matcher(update).replaceFirst(""));
        boolean isUpdate = fields.length == 4 && !fields[0].isEmpty() && INTEGER.matcher(fields[1]).matches()
            && INTEGER.matcher(fields[2]).matches() && DIGITS.matcher(fields[3]).matches();
        return isUpdate ? fields : null;
    }

    /** total / count as the double nearest to it (exact for any total a double holds). */
    static double mean(BigInteger total, long count) {
        if (total.bitLength() <= 53) {
            return total.doubleValue() / count;
        }
        return new BigDecimal(total).divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
    }

    /** Python's f"{x:+.2f}": the double's exact value rounded half-even, always signed. */
    static String signed(double value) {
        String digits = new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).abs().toPlainString();
        boolean negative = value < 0 || (value == 0 && 1 / value < 0);
        return (negative ? "-" : "+") + digits;
    }
}
