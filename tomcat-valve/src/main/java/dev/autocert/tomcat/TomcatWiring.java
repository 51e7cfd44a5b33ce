package dev.autocert.tomcat;

import dev.autocert.Autocert;
import org.apache.catalina.Container;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.UpgradeProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.jsse.JSSEImplementation;
import org.jspecify.annotations.Nullable;

/**
 * Tomcat as an API: the pieces {@link AutocertListener} puts into a server before it initialises, for code that
 * builds its Tomcat itself (embedded servers, benchmarks, other adapters). Each piece binds the Tomcat part to
 * the {@link Autocert} instance it serves, so several servers in one JVM keep their own.
 */
public final class TomcatWiring {

    private TomcatWiring() {
    }

    /**
     * @param connector a connector
     * @return whether it speaks TLS ({@code SSLEnabled})
     */
    public static boolean isTls(Connector connector) {
        Object enabled = connector.getProperty("SSLEnabled");
        return Boolean.TRUE.equals(enabled) || "true".equals(String.valueOf(enabled));
    }

    /**
     * @param connector a TLS connector
     * @return its explicitly configured OpenSSL implementation, which picks certificates by SNI in native code
     *         ({@link #serveOpenSsl}); {@code null} for JSSE (explicit or, as Autocert forces it, unset)
     */
    public static @Nullable String openSslImplementation(Connector connector) {
        Object impl = connector.getProperty("sslImplementationName");
        if (impl == null || impl.toString().isEmpty()
                || impl.toString().equals(JSSEImplementation.class.getName())
                || impl.toString().equals(AutocertJsseImplementation.class.getName())) {
            return null;
        }
        return impl.toString();
    }

    /**
     * Makes a JSSE TLS connector choose its certificate per handshake through {@code autocert} and answer
     * TLS-ALPN-01: Autocert's JSSE implementation, {@code acme-tls/1} as the last ALPN protocol (after the
     * connector's own {@code h2}), and its {@code SSLHostConfig}s bound to the instance.
     *
     * @param connector a TLS connector that is not initialised, without an OpenSSL implementation
     * @param autocert  the instance that serves it
     */
    public static void wireTls(Connector connector, Autocert autocert) {
        connector.setProperty("sslImplementationName", AutocertJsseImplementation.class.getName());
        boolean present = false;
        for (UpgradeProtocol p : connector.findUpgradeProtocols()) {
            present |= p instanceof AcmeTlsAlpnProtocol;
        }
        if (!present) {
            connector.addUpgradeProtocol(new AcmeTlsAlpnProtocol());
        }
        for (SSLHostConfig host : connector.findSslHostConfigs()) {
            serve(host, autocert);
        }
    }

    /**
     * Serves the managed certificates on a connector that uses Tomcat's OpenSSL implementation, which picks the
     * certificate by SNI in native code: one {@code SSLHostConfig} per managed name, on a keystore Autocert writes,
     * and the default host on the first certificate ({@link OpenSslHosts}). Renewals reach it through
     * {@link ConnectorKeystore}; it answers no TLS-ALPN-01.
     *
     * @param connector a TLS connector with an OpenSSL {@code sslImplementationName}, not initialised
     * @param autocert  the instance that serves it
     * @return whether it now serves them; {@code false} (logged) when its keystores could not be written
     */
    public static boolean serveOpenSsl(Connector connector, Autocert autocert) {
        return OpenSslHosts.install(connector, autocert);
    }

    /**
     * Binds one TLS host configuration to the instance whose certificates {@link AutocertJsseImplementation}
     * gives it; {@link #wireTls} does this for every host of a connector.
     *
     * @param host     a connector's {@code SSLHostConfig}
     * @param autocert the instance that serves it
     */
    public static void serve(SSLHostConfig host, Autocert autocert) {
        TomcatAutocert.bind(host, autocert);
    }

    /**
     * Puts {@link AcmeChallengeValve} first in an Engine's pipeline, answering HTTP-01 for every Host.
     *
     * @param engine     the Engine
     * @param autocert   the instance whose answers it serves
     * @param statusPath the status page's path, or {@code null} for none
     * @param statusRole the role that may read it from elsewhere, or {@code null}
     */
    public static void addValve(Container engine, Autocert autocert, @Nullable String statusPath, @Nullable String statusRole) {
        AcmeChallengeValve valve = new AcmeChallengeValve();
        valve.setStatusPath(statusPath);
        valve.setStatusRole(statusRole);
        engine.getPipeline().addValve(valve);
        TomcatAutocert.bind(engine, autocert);
    }
}
