package dev.autocert.config;

import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The on-demand settings of one instance: whether a certificate may be obtained at the first handshake for a name
 * that {@code domains} does not list, who approves such a name ({@code onDemandAsk}, {@code onDemandAllow}, or a
 * predicate the embedding code registers), and the limits that keep a flood of random SNI names away from the ask
 * endpoint and the CA. Validated once, at start.
 */
public final class OnDemandSettings {

    /** What a handshake for a refused name gets. */
    public enum Refused {
        /** The default certificate (the first of {@code domains}, or a self-signed one): the client sees a name mismatch. */
        DEFAULT,
        /** No certificate: the handshake fails with a TLS alert. */
        FAIL
    }

    private final boolean enabled;
    private final @Nullable URI ask;
    private final List<String> allow;
    private final int perMinute;
    private final int max;
    private final Duration refusedCache;
    private final Duration waitLimit;
    private final Refused refused;

    private OnDemandSettings(Map<Setting, String> s) throws ConfigException {
        enabled = Checks.bool(Setting.ON_DEMAND, Setting.ON_DEMAND.valueIn(s));
        ask = s.containsKey(Setting.ON_DEMAND_ASK) ? parseAsk(s.get(Setting.ON_DEMAND_ASK)) : null;
        allow = s.containsKey(Setting.ON_DEMAND_ALLOW) ? parseAllow(s.get(Setting.ON_DEMAND_ALLOW)) : List.of();
        perMinute = Checks.count(Setting.ON_DEMAND_RATE, Setting.ON_DEMAND_RATE.valueIn(s));
        max = Checks.count(Setting.ON_DEMAND_MAX, Setting.ON_DEMAND_MAX.valueIn(s));
        refusedCache = Checks.duration(Setting.ON_DEMAND_REFUSED_CACHE, Setting.ON_DEMAND_REFUSED_CACHE.valueIn(s));
        waitLimit = Checks.duration(Setting.ON_DEMAND_WAIT, Setting.ON_DEMAND_WAIT.valueIn(s));
        refused = parseRefused(Setting.ON_DEMAND_REFUSED.valueIn(s));
    }

    /**
     * @param given    the settings given
     * @param checkApproval whether {@code onDemand} needs {@code onDemandAsk} or {@code onDemandAllow}: adapters read
     *                 settings only, code that embeds core may register a predicate instead
     * @return the on-demand settings
     * @throws ConfigException when a value is wrong, or on-demand settings are given without {@code onDemand}
     */
    static OnDemandSettings parse(Map<Setting, String> given, boolean checkApproval) throws ConfigException {
        OnDemandSettings settings = new OnDemandSettings(given);
        if (!settings.enabled) {
            Optional<Setting> stray = given.keySet().stream()
                    .filter(k -> k != Setting.ON_DEMAND && k.key().startsWith(Setting.ON_DEMAND.key())).findFirst();
            if (stray.isPresent()) {
                throw new ConfigException(stray.get().key(), "has no effect without onDemand=\"true\"",
                        "set onDemand=\"true\" to obtain certificates at the first handshake, or remove " + stray.get().key());
            }
        } else if (checkApproval && settings.ask == null && settings.allow.isEmpty()) {
            throw new ConfigException("onDemand", "is on, but nothing approves a name: without approval any SNI a client"
                    + " sends would become an order at the CA", "set onDemandAsk (a URL your application answers with 200"
                    + " for its customers' names, e.g. onDemandAsk=\"" + Setting.ON_DEMAND_ASK.example() + "\") and/or"
                    + " onDemandAllow (names and *.patterns, e.g. onDemandAllow=\"" + Setting.ON_DEMAND_ALLOW.example() + "\")");
        }
        return settings;
    }

    /** @return an http or https URL with a host */
    static URI parseAsk(String value) throws ConfigException {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException("onDemandAsk", "is not an http or https URL: '" + value + "'",
                "write the URL Autocert calls with ?domain=<name>, e.g. onDemandAsk=\"" + Setting.ON_DEMAND_ASK.example() + "\"");
    }

    /** @return the patterns, lower case: exact names, or {@code *.} and a name (one more label, any) */
    static List<String> parseAllow(String value) throws ConfigException {
        List<String> patterns = new ArrayList<>();
        for (String raw : value.split(",")) {
            String pattern = raw.trim();
            if (pattern.isEmpty()) {
                continue;
            }
            String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
            String ascii = orderableName(name);
            if (ascii == null) {
                throw new ConfigException("onDemandAllow", "contains '" + pattern + "', which is neither a DNS name nor *. and"
                        + " a DNS name", "list exact names (shop.example.org) and patterns of one label (*.customers.example.com),"
                        + " separated by ','");
            }
            patterns.add(pattern.startsWith("*.") ? "*." + ascii : ascii);
        }
        if (patterns.isEmpty()) {
            throw new ConfigException("onDemandAllow", "has no names", "e.g. onDemandAllow=\"" + Setting.ON_DEMAND_ALLOW.example() + "\"");
        }
        return List.copyOf(patterns);
    }

    static Refused parseRefused(String value) throws ConfigException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "default" -> Refused.DEFAULT;
            case "fail" -> Refused.FAIL;
            default -> throw new ConfigException("onDemandRefused", "must be default or fail, not '" + value + "'",
                    "write onDemandRefused=\"fail\" to end refused handshakes with an alert, or \"default\" to serve the"
                            + " default certificate");
        };
    }

    /**
     * @param name a name a client sent in SNI, or a pattern's name
     * @return the name in lower-case ASCII when a CA could issue for it (a DNS name of two labels or more, not an IP
     *         address, not a wildcard), else {@code null}
     */
    public static @Nullable String orderableName(String name) {
        String ascii;
        try {
            ascii = AsciiNames.toAscii(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2 || ascii.length() > 253 || IpAddresses.isLiteral(ascii) || labels[labels.length - 1].matches("[0-9]+")) {
            return null;
        }
        for (String label : labels) {
            if (!AutocertConfig.LABEL.matcher(label).matches()) {
                return null;
            }
        }
        return ascii;
    }

    /** @return whether certificates are obtained at the first handshake for names not listed in {@code domains} */
    public boolean enabled() {
        return enabled;
    }

    /** @return the URL asked {@code ?domain=<name>} before a name is ordered, if set */
    public Optional<URI> ask() {
        return Optional.ofNullable(ask);
    }

    /** @return the names and {@code *.} patterns approved without asking; empty when not set */
    public List<String> allow() {
        return allow;
    }

    /** @return how many new on-demand certificates may be ordered per minute */
    public int perMinute() {
        return perMinute;
    }

    /** @return how many on-demand certificates may exist in total */
    public int max() {
        return max;
    }

    /** @return how long a refused name is refused again without asking */
    public Duration refusedCache() {
        return refusedCache;
    }

    /** @return how long a handshake for a new approved name waits for its certificate */
    public Duration waitLimit() {
        return waitLimit;
    }

    /** @return what handshakes for refused names get */
    public Refused refused() {
        return refused;
    }
}
