package dev.autocert.jetty;

import dev.autocert.Autocert;
import dev.autocert.tls.AutocertKeyManager;
import dev.autocert.tls.ClientHello;
import dev.autocert.tls.SelfSigned;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The first connection factory of a TLS connector: it reads the ClientHello and sends validation
 * handshakes — ALPN {@code acme-tls/1} (TLS-ALPN-01) or SNI {@code *.acme.invalid} (TLS-SNI-01) — to
 * an {@link AcmeTlsConnectionFactory}, and every other connection, bytes untouched, to the
 * connector's own {@link SslConnectionFactory}. Normal handshakes therefore run exactly as without
 * Autocert: same SslContextFactory, same ALPN list, {@code h2} still negotiated.
 *
 * <p>Jetty's {@code DetectorConnectionFactory} is not used: its connection buffers only the connection
 * default of 2 KB (4 KB once the pool rounds up) and closes the connection when a detector wants more;
 * a 5 KB ClientHello was cut off in a trial. That would hit clients with large hellos (many cipher
 * suites or ALPN names, post-quantum key shares, big session tickets). This detector buffers up to
 * 16 KB, joins a hello split over several records and reads, and hands anything larger to the normal
 * TLS stack instead of failing it. Validators send small hellos, so a large hello is never a validation.
 */
public final class AcmeTlsDetector extends AbstractConnectionFactory {

    /** The protocol name under which the detector is registered on the connector. */
    public static final String PROTOCOL = "acme-tls-detector";

    /**
     * Most bytes read before deciding. It must not exceed what Jetty's TLS connection can adopt from the
     * detector (its encrypted input buffer holds one TLS packet, 16709 bytes with the JDK).
     */
    static final int HELLO_LIMIT = 16 * 1024;

    /** Where a connection goes. */
    enum Route {
        /** The connector's own TLS stack. */
        NORMAL,
        /** The challenge stack with ALPN {@code acme-tls/1}. */
        TLS_ALPN_01,
        /** The challenge stack without ALPN. */
        TLS_SNI_01
    }

    private final SslConnectionFactory normal;
    private final AcmeTlsConnectionFactory challenge;

    /**
     * @param normal    the connector's own TLS factory, which gets every connection that is not a validation
     * @param challenge the factory for validation connections
     */
    public AcmeTlsDetector(SslConnectionFactory normal, AcmeTlsConnectionFactory challenge) {
        super(PROTOCOL);
        this.normal = normal;
        this.challenge = challenge;
        installBean(challenge); // started and stopped with the connector
    }

    /**
     * Puts a detector in front of the connector's TLS factory (after a PROXY-protocol factory, if any).
     *
     * @param connector a connector that is not running, with an {@link SslConnectionFactory}
     * @param autocert  the instance whose challenges are answered
     * @return whether the connector was changed (false: no TLS factory, or a detector is already there)
     */
    public static boolean insert(ServerConnector connector, Autocert autocert) {
        SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
        if (tls == null || connector.getConnectionFactory(PROTOCOL) != null) {
            return false;
        }
        String defaultProtocol = connector.getDefaultProtocol();
        List<ConnectionFactory> factories = new ArrayList<>(connector.getConnectionFactories());
        AcmeTlsDetector detector = new AcmeTlsDetector(tls, new AcmeTlsConnectionFactory(autocert));
        factories.add(factories.indexOf(tls), detector);
        connector.setConnectionFactories(factories);
        // new connections start at the default factory: that must be the detector when it was the TLS one
        if (defaultProtocol == null || defaultProtocol.equalsIgnoreCase(tls.getProtocol())) {
            connector.setDefaultProtocol(PROTOCOL);
        } else {
            connector.setDefaultProtocol(defaultProtocol);
        }
        return true;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return configure(new ClientHelloConnection(endPoint, connector, this), connector, endPoint);
    }

    /**
     * @param hello what was read so far
     * @param full  whether the buffer is full
     * @return where to send the connection, or {@code null} to read more
     */
    static Route route(ClientHello.Result hello, boolean full) {
        return switch (hello.status()) {
            case NEED_MORE -> full ? Route.NORMAL : null;
            case NOT_A_HELLO, TOO_LARGE -> Route.NORMAL;
            case COMPLETE -> {
                if (hello.alpn().contains(AutocertKeyManager.ACME_TLS_1)) {
                    yield Route.TLS_ALPN_01;
                }
                if (hello.sni() != null && hello.sni().endsWith(SelfSigned.ACME_INVALID)) {
                    yield Route.TLS_SNI_01;
                }
                yield Route.NORMAL;
            }
        };
    }

    /**
     * @param route     the decision
     * @param sni       the server name of the ClientHello, {@code null} when it had none
     * @param connector the connector
     * @param endPoint  the connection's end point
     * @return the connection to upgrade to
     */
    Connection connectionFor(Route route, String sni, Connector connector, EndPoint endPoint) {
        return switch (route) {
            case NORMAL -> normal.newConnection(connector, endPoint);
            case TLS_ALPN_01 -> challenge.newConnection(connector, endPoint, true, sni);
            case TLS_SNI_01 -> challenge.newConnection(connector, endPoint, false, sni);
        };
    }

    @Override
    public String toString() {
        return String.format("%s@%x{%s->%s|acme-tls/1}", getClass().getSimpleName(), hashCode(), PROTOCOL, normal.getProtocol());
    }
}
