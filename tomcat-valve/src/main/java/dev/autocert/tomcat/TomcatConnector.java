package dev.autocert.tomcat;

import dev.autocert.status.ServingConnector;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A Tomcat TLS connector that Autocert serves certificates through, as status and JMX report it: serving
 * only while Tomcat has it started (a connector whose port could not be bound stays {@code FAILED}).
 */
final class TomcatConnector implements ServingConnector {

    private final Connector connector;

    TomcatConnector(Connector connector) {
        this.connector = connector;
    }

    @Override
    public String name() {
        // Tomcat's own name, as in its log and its JMX names: "https-jsse-nio-127.0.0.1-8443"
        return connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol
                ? protocol.getName().replace("\"", "")
                : connector.toString();
    }

    @Override
    public boolean serving() {
        return connector.getState() == LifecycleState.STARTED;
    }

    /** @return Tomcat's lifecycle state of the connector, e.g. {@code FAILED} */
    LifecycleState state() {
        return connector.getState();
    }

    /** @return the connector's port */
    int port() {
        return connector.getPortWithOffset();
    }

    /**
     * Tries to bind the connector's address and port for a moment: when that fails while the connector is not
     * running, another program holds the port.
     *
     * @return whether another program holds the port
     */
    boolean portTakenByAnother() {
        Object address = connector.getProperty("address");
        try (ServerSocket probe = new ServerSocket()) {
            InetAddress bind = address == null ? null : InetAddress.getByName(address.toString());
            probe.bind(new InetSocketAddress(bind, port()));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
