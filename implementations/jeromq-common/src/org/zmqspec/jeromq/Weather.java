package org.zmqspec.jeromq;

import java.util.Random;

/** The seed's weather update: f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}" (PS-1). */
final class Weather {
    static final int SEQ_MODULUS = 1_000_000;
    private final Random random;
    private final int zipMin;
    private final int zipMax;

    Weather(Long seed, int zipMin, int zipMax) {
        this.random = seed == null ? new Random() : new Random(seed);
        this.zipMin = zipMin;
        this.zipMax = zipMax;
    }

    /** The next update, carrying {@code seq} (already wrapped below 1000000). */
    byte[] update(int seq) {
        int zipcode = zipMin + random.nextInt(zipMax - zipMin + 1);
        int temperature = -80 + random.nextInt(215);
        int humidity = 10 + random.nextInt(50);
        StringBuilder text = new StringBuilder(20);
        pad(text, Integer.toString(zipcode), 5, '0').append(' ');
        pad(text, Integer.toString(temperature), 3, ' ').append(' ');
        pad(text, Integer.toString(humidity), 2, ' ').append(' ');
        pad(text, Integer.toString(seq), 6, '0');
        return Text.utf8(text.toString());
    }

    private static StringBuilder pad(StringBuilder text, String digits, int width, char fill) {
        for (int i = digits.length(); i < width; i++) {
            text.append(fill);
        }
        return text.append(digits);
    }

    static Long seed(Cli options) throws Cli.Usage {
        return options.has("seed") ? options.integer("seed", 0, 0, 0xFFFF_FFFFL) : null;
    }
}
