package dev.autocert.jetty;

import dev.autocert.status.ServingConnector;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty TLS connector Autocert serves certificates through, as status and JMX report it: serving while it is open. */
final class JettyConnector implements ServingConnector {

    private final ServerConnector connector;

    JettyConnector(ServerConnector connector) {
        this.connector = connector;
    }

    @Override
    public String name() {
        // Jetty logs connectors by their protocols and address; the address is what an administrator recognises
        String address = (connector.getHost() == null ? "*" : connector.getHost()) + ":" + connector.getLocalPort();
        return connector.getName() == null ? "https@" + address : connector.getName() + "@" + address;
    }

    @Override
    public boolean serving() {
        return connector.isRunning() && connector.isOpen();
    }
}
