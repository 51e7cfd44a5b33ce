package dev.autocert.tomcat;

import dev.autocert.Autocert;

/**
 * The Autocert instance of this Tomcat. Tomcat instantiates {@link AutocertJsseImplementation} and
 * {@link AcmeChallengeValve} by class name, so they find the instance here rather than through
 * constructor arguments. One Tomcat {@code Server} per class loader, as in every standard install.
 */
public final class TomcatAutocert {

    private static volatile Autocert current;

    private TomcatAutocert() {
    }

    /** @return the running instance, or {@code null} when Autocert is not configured (or failed to start) */
    public static Autocert current() {
        return current;
    }

    static void set(Autocert autocert) {
        current = autocert;
    }
}
