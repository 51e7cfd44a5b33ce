package dev.autocert.status;

/**
 * A TLS connector of the container that serves Autocert's certificates, as its adapter sees it. Status
 * and JMX list the connectors that are serving, so a connector that failed to start (its port taken by
 * another program, say) is never reported as serving a certificate.
 */
public interface ServingConnector {

    /** @return the container's name for the connector, e.g. {@code https-jsse-nio-127.0.0.1-8443} */
    String name();

    /** @return whether it is running and accepting handshakes now */
    boolean serving();
}
