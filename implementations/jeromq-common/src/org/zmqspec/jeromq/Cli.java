package org.zmqspec.jeromq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A role's command line: long GNU-style options ("--name A" or "--name=A"), some repeatable,
 * some flags. A problem is a {@link Usage} (exit status 2, one line); "--help" prints the
 * role's options on standard output and exits 0.
 */
final class Cli {
    /** Bad arguments: the message names the option. */
    static final class Usage extends Exception {
        Usage(String message) {
            super(message);
        }
    }

    private record Spec(String name, String metavar, boolean repeatable, String help) {
        boolean isFlag() {
            return metavar == null;
        }
    }

    private final String role;
    private final String description;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, List<String>> given = new HashMap<>();

    Cli(String role, String description) {
        this.role = role;
        this.description = description;
    }

    /** --{prefix}bind and --{prefix}connect for one socket, both repeatable. */
    Cli endpoints(String prefix, String socket) {
        specs.put(prefix + "bind", new Spec(prefix + "bind", "ENDPOINT", true, "bind the " + socket + " socket (repeatable)"));
        specs.put(prefix + "connect", new Spec(prefix + "connect", "ENDPOINT", true, "connect the " + socket + " socket (repeatable)"));
        return this;
    }

    Cli value(String name, String metavar, String help) {
        specs.put(name, new Spec(name, metavar, false, help));
        return this;
    }

    Cli flag(String name, String help) {
        specs.put(name, new Spec(name, null, false, help));
        return this;
    }

    Cli parse(String[] args) throws Usage {
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                Kit.say(help());
                Kit.exit(0);
            }
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            String inline = null;
            if (name != null && name.contains("=")) {
                inline = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            Spec spec = name == null ? null : specs.get(name);
            if (spec == null) {
                unknown.add(arg);
                continue;
            }
            String value;
            if (spec.isFlag()) {
                if (inline != null) {
                    throw new Usage("argument --" + name + ": ignored explicit argument '" + inline + "'");
                }
                value = "";
            } else if (inline != null) {
                value = inline;
            } else if (i + 1 < args.length && !isOption(args[i + 1])) {
                value = args[++i];
            } else {
                throw new Usage("argument --" + name + ": expected one argument");
            }
            List<String> values = given.get(name);
            if (values == null || !spec.repeatable()) {
                values = new ArrayList<>();
                given.put(name, values);
            }
            values.add(value);
        }
        if (!unknown.isEmpty()) {
            throw new Usage("unrecognized arguments: " + String.join(" ", unknown));
        }
        return this;
    }

    private boolean isOption(String arg) {
        return arg.startsWith("--") && arg.length() > 2;
    }

    List<String> all(String name) {
        return given.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return given.containsKey(name);
    }

    String text(String name, String fallback) {
        List<String> values = all(name);
        return values.isEmpty() ? fallback : values.get(values.size() - 1);
    }

    /** An integer option with its range; out of range or not a number is a Usage naming it. */
    long integer(String name, long fallback, long min, long max) throws Usage {
        if (!has(name)) {
            return fallback;
        }
        String text = text(name, "");
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException notNumber) {
            throw new Usage("argument --" + name + ": invalid int value: '" + text + "'");
        }
        if (value < min) {
            throw new Usage("argument --" + name + ": must be " + (min == 0 ? "0 or more" : "at least " + min) + ", got " + value);
        }
        if (value > max) {
            throw new Usage("argument --" + name + ": must be at most " + max + ", got " + value);
        }
        return value;
    }

    /**
     * A socket that connects to a peer needs an endpoint: exit 2 naming its connect option when it
     * is given neither --{prefix}bind nor --{prefix}connect, before any socket is opened (contract
     * section 6, "Order of the checks"; NC-10).
     */
    Cli need(String prefix) throws Usage {
        if (all(prefix + "bind").isEmpty() && all(prefix + "connect").isEmpty()) {
            throw new Usage("the following arguments are required: --" + prefix + "connect (or --" + prefix + "bind)");
        }
        return this;
    }

    Usage problem(String message) {
        return new Usage(message);
    }

    private String help() {
        StringBuilder text = new StringBuilder("usage: zmqspec ").append(role).append(" [options]\n\n")
                .append(description.strip()).append("\n\noptions:\n  -h, --help            show this help and exit\n");
        for (Spec spec : specs.values()) {
            String left = "  --" + spec.name() + (spec.isFlag() ? "" : " " + spec.metavar());
            text.append(left).append(left.length() < 24 ? " ".repeat(24 - left.length()) : "\n" + " ".repeat(24))
                .append(spec.help()).append('\n');
        }
        return text.toString().stripTrailing();
    }
}
