package dev.autocert.tomcat;

import dev.autocert.Autocert;
import org.apache.catalina.Container;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.jspecify.annotations.Nullable;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which Autocert instance serves a Tomcat part. Tomcat instantiates {@link AutocertJsseImplementation} and
 * {@link AcmeChallengeValve} by class name, so they find the instance here rather than through constructor
 * arguments: {@link AutocertListener} (or code using {@link TomcatWiring}) binds Engines and connectors'
 * {@code SSLHostConfig}s to its instance, so several embedded Tomcats in one JVM (a test suite's, say) each
 * keep their own. There is no JVM-wide fallback: a part nobody bound serves no Autocert certificate and
 * answers no challenge, rather than another Tomcat's.
 */
public final class TomcatAutocert {

    /** Weak keys: an embedded Tomcat that was thrown away must not be kept alive here. */
    private static final Map<Object, Autocert> BOUND = Collections.synchronizedMap(new WeakHashMap<>());

    private TomcatAutocert() {
    }

    /**
     * @param host a connector's {@code SSLHostConfig}
     * @return the instance bound to it, or {@code null}
     */
    public static @Nullable Autocert of(SSLHostConfig host) {
        return host == null ? null : BOUND.get(host);
    }

    /**
     * @param container an Engine, or a Host or Context inside one (a valve declared there by hand)
     * @return the instance bound to it or to the nearest container above it, or {@code null}
     */
    public static @Nullable Autocert of(Container container) {
        for (Container c = container; c != null; c = c.getParent()) {
            Autocert bound = BOUND.get(c);
            if (bound != null) {
                return bound;
            }
        }
        return null;
    }

    static void bind(Object part, Autocert autocert) {
        BOUND.put(part, autocert);
    }

    /** Forgets an instance that stopped: its bindings. */
    static void release(Autocert autocert) {
        synchronized (BOUND) {
            BOUND.values().removeIf(a -> a == autocert);
        }
    }
}
