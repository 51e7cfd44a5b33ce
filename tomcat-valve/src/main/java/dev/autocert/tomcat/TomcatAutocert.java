package dev.autocert.tomcat;

import dev.autocert.Autocert;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which Autocert instance serves a Tomcat part. Tomcat instantiates {@link AutocertJsseImplementation} and
 * {@link AcmeChallengeValve} by class name, so they find the instance here rather than through constructor
 * arguments: {@link AutocertListener} binds its Engines and its connectors' {@code SSLHostConfig}s to its
 * instance, so several embedded Tomcats in one JVM (a test suite's, say) each keep their own. A part nobody
 * bound, such as a valve declared alone in {@code server.xml}, gets the instance started last.
 */
public final class TomcatAutocert {

    /** Weak keys: an embedded Tomcat that was thrown away must not be kept alive here. */
    private static final Map<Object, Autocert> BOUND = Collections.synchronizedMap(new WeakHashMap<>());

    private static volatile Autocert current;

    private TomcatAutocert() {
    }

    /** @return the instance started last, or {@code null} when Autocert is not configured (or failed to start) */
    public static Autocert current() {
        return current;
    }

    /**
     * @param part an {@code Engine} or an {@code SSLHostConfig}
     * @return the instance bound to it, else {@link #current()}
     */
    public static Autocert of(Object part) {
        Autocert bound = part == null ? null : BOUND.get(part);
        return bound != null ? bound : current;
    }

    static void set(Autocert autocert) {
        current = autocert;
    }

    static void bind(Object part, Autocert autocert) {
        BOUND.put(part, autocert);
    }

    /** Forgets an instance that stopped: its bindings, and it as the current one. */
    static void release(Autocert autocert) {
        synchronized (BOUND) {
            BOUND.values().removeIf(a -> a == autocert);
        }
        if (current == autocert) {
            current = null;
        }
    }
}
