package dev.autocert.servlet;

import jakarta.servlet.ServletContext;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a WAR's settings come from, highest precedence first:
 * <ol>
 *   <li>system property {@code autocert.<name>} (one JVM, set by the administrator),</li>
 *   <li>environment variable {@code AUTOCERT_<NAME>} (the container's process),</li>
 *   <li>context-param {@code autocert.<name>} (packaged in the WAR's {@code web.xml}; a container may
 *       override it per deployment, e.g. Tomcat's {@code <Parameter override="false">}).</li>
 * </ol>
 * The order is MicroProfile Config's: what the operator sets outside the WAR wins over what the
 * developer packaged. Names after the prefix are case-insensitive; blank values count as absent.
 */
final class SettingSources {

    /**
     * A setting's value and where it came from.
     *
     * @param value  the trimmed value
     * @param origin e.g. {@code environment variable AUTOCERT_DOMAINS}, for logs (never the value)
     */
    record Value(String value, String origin) {
    }

    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Map<String, String> contextParams;
    private final Set<String> contextParamNames;

    /**
     * @param systemProperties all system properties (only {@code autocert.*} are used)
     * @param environment      the environment (only {@code AUTOCERT_*} are used)
     * @param contextParams    the webapp's context-params (only {@code autocert.*} are used)
     */
    SettingSources(Map<String, String> systemProperties, Map<String, String> environment, Map<String, String> contextParams) {
        this.systemProperties = prefixed(systemProperties);
        this.environment = Map.copyOf(environment);
        this.contextParams = prefixed(contextParams);
        Set<String> names = new TreeSet<>();
        contextParams.keySet().stream().filter(SettingSources::isPrefixed).forEach(names::add);
        this.contextParamNames = Collections.unmodifiableSet(names);
    }

    /**
     * @param context the webapp
     * @return the sources of this JVM, process and webapp
     */
    static SettingSources of(ServletContext context) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            params.put(name, context.getInitParameter(name));
        }
        Map<String, String> props = new LinkedHashMap<>();
        Properties system = System.getProperties();
        for (String name : system.stringPropertyNames()) {
            if (isPrefixed(name)) {
                props.put(name, system.getProperty(name));
            }
        }
        return new SettingSources(props, System.getenv(), params);
    }

    /**
     * @param key                 a setting name, e.g. {@code acceptTerms}
     * @param environmentVariable its environment variable, e.g. {@code AUTOCERT_ACCEPT_TERMS}
     * @return the value of the highest source that sets it
     */
    Optional<Value> get(String key, String environmentVariable) {
        String lower = key.toLowerCase(Locale.ROOT);
        String v = systemProperties.get(lower);
        if (present(v)) {
            return Optional.of(new Value(v.trim(), "system property " + WarSetting.PREFIX + key));
        }
        v = environment.get(environmentVariable);
        if (present(v)) {
            return Optional.of(new Value(v.trim(), "environment variable " + environmentVariable));
        }
        v = contextParams.get(lower);
        if (present(v)) {
            return Optional.of(new Value(v.trim(), "context-param " + WarSetting.PREFIX + key));
        }
        return Optional.empty();
    }

    /**
     * @param knownKeys every setting name this install understands
     * @return the {@code autocert.*} context-params that name none of them (typos), as written
     */
    List<String> unknownContextParams(Collection<String> knownKeys) {
        Set<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        known.addAll(knownKeys);
        return contextParamNames.stream().filter(n -> !known.contains(n.substring(WarSetting.PREFIX.length()))).toList();
    }

    private static Map<String, String> prefixed(Map<String, String> all) {
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (isPrefixed(name)) {
                out.put(name.substring(WarSetting.PREFIX.length()).toLowerCase(Locale.ROOT), value);
            }
        });
        return out;
    }

    private static boolean isPrefixed(String name) {
        return name.length() > WarSetting.PREFIX.length() && name.regionMatches(true, 0, WarSetting.PREFIX, 0, WarSetting.PREFIX.length());
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }
}
