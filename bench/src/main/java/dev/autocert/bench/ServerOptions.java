package dev.autocert.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line of the benchmark server processes: {@code --name value} options and {@code --flag}
 * switches (a flag is an option with an empty value).
 */
final class ServerOptions {

    private final Map<String, String> values;

    private ServerOptions(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param args the command line
     * @return its options
     * @throws IllegalArgumentException when an argument is not an option or an option's value
     */
    static ServerOptions parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(key, args[++i]);
            } else {
                values.put(key, "");
            }
        }
        return new ServerOptions(values);
    }

    /** @return whether {@code --key} was given, with or without a value */
    boolean has(String key) {
        return values.containsKey(key);
    }

    /** @return the value of {@code --key}, or {@code fallback} when it is absent or empty */
    String get(String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /**
     * @param key an option name
     * @return its value
     * @throws IllegalArgumentException when the option is absent or has no value
     */
    String require(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
