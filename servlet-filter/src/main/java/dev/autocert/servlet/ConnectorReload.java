package dev.autocert.servlet;

import dev.autocert.diagnose.Diagnosis;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a container's TLS connector learns that its keystore file was rewritten. This is the only
 * container-specific part of the WAR install: Tomcat through JMX, Jetty through its keystore watcher,
 * any other container by a restart.
 */
interface ConnectorReload {

    /**
     * @param keystore the keystore file just rewritten
     * @return what was done, for the log
     * @throws ReloadFailure with a named diagnosis when the connector could not be reloaded
     */
    String reload(Path keystore) throws ReloadFailure;

    /**
     * @param serverInfo {@link jakarta.servlet.ServletContext#getServerInfo()}
     * @param base       the container's base, to resolve the connector's relative keystore paths
     * @return the way to reload this container's connectors
     */
    static ConnectorReload forServer(String serverInfo, ContainerBase base) {
        String info = serverInfo == null ? "" : serverInfo.toLowerCase(Locale.ROOT);
        if (info.contains("tomcat")) {
            return new TomcatJmxReload(ManagementFactory.getPlatformMBeanServer(), base);
        }
        if (info.contains("jetty")) {
            return keystore -> "Jetty's ssl-reload module serves it after its next scan (jetty.sslContext.reload.scanInterval, 1 s by default)";
        }
        return keystore -> {
            throw new ReloadFailure(new Diagnosis(Diagnosis.Kind.CONNECTOR_UPDATE_FAILED,
                    "the keystore " + keystore + " is written, but " + serverInfo + " has no reload Autocert knows",
                    "restart the container (or reload its TLS connector) to serve the new certificate", null).message());
        };
    }

    /** The connector could not be reloaded; the message is a whole diagnosis. */
    final class ReloadFailure extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message the diagnosis, see {@link Diagnosis} */
        ReloadFailure(String message) {
            super(message);
        }
    }
}
