package dev.autocert.servlet;

import java.util.Locale;

/**
 * The two settings only the WAR install has, on top of core's {@link dev.autocert.config.Setting} (which
 * holds every other one, {@code statusPath} and {@code statusRole} included). They follow the same naming
 * rules: {@code autocert.<name>} as context-param or system property, {@code AUTOCERT_<NAME>} as
 * environment variable. They stay here because this class needs nothing but the JDK: the placeholder
 * command ({@code java -jar autocert-servlet.jar placeholder}) reads them without core on the class path.
 */
public enum WarSetting {
    /**
     * The PKCS#12 keystore file the container's TLS connector reads. Autocert rewrites it with the
     * first certificate of {@code domains} and makes the container reload it. Relative paths are
     * resolved against the container's base ({@code catalina.base}, {@code jetty.base}).
     */
    CONNECTOR_KEYSTORE("connectorKeystore"),
    /** The password of {@link #CONNECTOR_KEYSTORE}; default: core's {@code keystorePassword}. */
    CONNECTOR_KEYSTORE_PASSWORD("connectorKeystorePassword");

    /** The prefix of context-params and system properties. */
    public static final String PREFIX = "autocert.";
    /** The prefix of environment variables. */
    public static final String ENV_PREFIX = "AUTOCERT_";

    private final String key;

    WarSetting(String key) {
        this.key = key;
    }

    /** @return the setting's name as users write it, e.g. {@code connectorKeystore} */
    public String key() {
        return key;
    }

    /** @return the environment variable, e.g. {@code AUTOCERT_CONNECTOR_KEYSTORE} */
    public String environmentVariable() {
        return ENV_PREFIX + name();
    }

    /**
     * @param key a setting name, e.g. {@code acceptTerms}
     * @return its environment variable, e.g. {@code AUTOCERT_ACCEPT_TERMS} (camel case to upper snake case)
     */
    public static String environmentVariable(String key) {
        return ENV_PREFIX + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
