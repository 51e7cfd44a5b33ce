package dev.autocert.config;

import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The value checks that several settings share. Each returns the parsed value, so that the check a
 * {@link Setting} declares is also the conversion {@link AutocertConfig} uses: a value cannot pass one
 * and fail the other.
 */
final class Checks {

    /** The longest duration any setting takes; longer ones would overflow the schedule's clock arithmetic. */
    static final Duration LONGEST = Duration.ofDays(3650);

    private Checks() {
    }

    /** @return the value itself: any non-blank text */
    static String text(Setting setting, String value) {
        return value;
    }

    /** @return {@code true} or {@code false}, case-insensitive */
    static boolean bool(Setting setting, String value) throws ConfigException {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(setting.key(), "must be true or false, not '" + value + "'", "write " + setting.key() + "=\"true\"");
    }

    /** @return a TCP port, 1 to 65535 */
    static int port(Setting setting, String value) throws ConfigException {
        Integer port = wholeNumber(value);
        if (port == null || port < 1 || port > 65535) {
            throw new ConfigException(setting.key(), "is not a port number from 1 to 65535: '" + value + "'", example(setting));
        }
        return port;
    }

    /** @return a whole number above 0 */
    static int count(Setting setting, String value) throws ConfigException {
        Integer n = wholeNumber(value);
        if (n == null || n < 1) {
            throw new ConfigException(setting.key(), "must be a whole number above 0, not '" + value + "'", example(setting));
        }
        return n;
    }

    /** @return a duration longer than zero and at most {@link #LONGEST} */
    static Duration duration(Setting setting, String value) throws ConfigException {
        Duration d = Durations.parse(setting.key(), value);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(setting.key(), "must be longer than zero", example(setting));
        }
        return notTooLong(setting, value, d);
    }

    /** @return a duration of zero or more, at most {@link #LONGEST} */
    static Duration delay(Setting setting, String value) throws ConfigException {
        Duration d = Durations.parse(setting.key(), value);
        if (d.isNegative()) {
            throw new ConfigException(setting.key(), "must not be negative", example(setting));
        }
        return notTooLong(setting, value, d);
    }

    private static Duration notTooLong(Setting setting, String value, Duration d) throws ConfigException {
        if (d.compareTo(LONGEST) > 0) {
            throw new ConfigException(setting.key(), "is longer than " + LONGEST.toDays() + " days: '" + value + "'", example(setting));
        }
        return d;
    }

    /**
     * A server socket's bind address: an IP literal (no lookup) or a host name, which is looked up now, so
     * that a typo is reported here rather than by the container binding every address or failing to start.
     *
     * @return the value, naming an address of this machine (or the wildcard address)
     */
    static String localAddress(Setting setting, String value) throws ConfigException {
        InetAddress address;
        try {
            address = InetAddress.getByName(value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value);
        } catch (UnknownHostException e) {
            throw new ConfigException(setting.key(), "is neither an IP address nor a host name that resolves: '" + value + "'",
                    "write an address of this machine, e.g. " + setting.key() + "=\"127.0.0.1\" or \"::1\", or remove it to listen on all addresses");
        }
        if (!isOfThisMachine(address)) {
            throw new ConfigException(setting.key(), "is " + address.getHostAddress() + ", which is not an address of this machine",
                    "write one of this machine's addresses (ip addr lists them), or remove it to listen on all addresses");
        }
        return value;
    }

    private static boolean isOfThisMachine(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** @return an absolute URL path, which every container can map exactly: starts with '/', no '*', no query */
    static String urlPath(Setting setting, String value) throws ConfigException {
        if (!value.startsWith("/") || value.contains("*") || value.contains("?") || value.contains("#")
                || value.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(setting.key(), "is not a path starting with '/' without '*': " + value,
                    "set it to e.g. /.well-known/autocert-status, or remove it");
        }
        return value;
    }

    /** @return the path, or {@code null} when the value cannot be one (a NUL character, say) */
    static @Nullable Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static @Nullable Integer wholeNumber(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String example(Setting setting) {
        return "e.g. " + setting.key() + "=\"" + setting.example() + "\"";
    }
}
