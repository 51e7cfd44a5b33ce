package dev.autocert.jetty;

import dev.autocert.Autocert;
import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.tls.AcmeTlsAlpn;
import dev.autocert.tls.AutocertKeyManager;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The TLS stack for validation connections only: TLS-ALPN-01 (RFC 8737) and the legacy TLS-SNI-01.
 * {@link AcmeTlsDetector} hands it the connections whose ClientHello asks for them; it never sees a
 * normal client. Its certificates come from {@link Autocert#keyManager} without a delegate, so it
 * presents a pending challenge certificate or nothing — never a real certificate. For TLS-ALPN-01 the
 * engine gets the static ALPN list {@code acme-tls/1} when a challenge is pending for the SNI: the JDK
 * then selects the protocol while reading the ClientHello, before it chooses the certificate, in TLS
 * 1.2 as in 1.3 (Jetty's own ALPN selector runs too late in TLS 1.2); otherwise the handshake ends
 * with {@code no_application_protocol} ({@link AcmeTlsAlpn}). The connection is closed right after
 * the handshake.
 */
public final class AcmeTlsConnectionFactory extends SslConnectionFactory {

    private final ChallengeBoard board;

    /**
     * @param autocert the instance whose pending challenges are answered
     */
    public AcmeTlsConnectionFactory(Autocert autocert) {
        super(new ChallengeContext(autocert), AutocertKeyManager.ACME_TLS_1);
        this.board = autocert.challengeBoard();
    }

    /** A connection for TLS-ALPN-01 without a server name, the only kind a stock detector would hand over. */
    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return newConnection(connector, endPoint, true, null);
    }

    /**
     * @param connector the connector that accepted the connection
     * @param endPoint  its network end point
     * @param acmeTls1  whether the client offered ALPN {@code acme-tls/1} (otherwise it is TLS-SNI-01,
     *                  where the client may offer no ALPN at all and must not be refused for that)
     * @param sni       the client's server name, {@code null} when it sent none: with {@code acme-tls/1} it
     *                  decides between the challenge and {@code no_application_protocol} ({@link AcmeTlsAlpn})
     * @return the TLS connection, ready to be upgraded to
     */
    Connection newConnection(Connector connector, EndPoint endPoint, boolean acmeTls1, String sni) {
        SocketAddress remote = endPoint.getRemoteSocketAddress();
        SSLEngine engine = remote instanceof InetSocketAddress address
                ? getSslContextFactory().newSSLEngine(address)
                : getSslContextFactory().newSSLEngine();
        engine.setUseClientMode(false);
        if (acmeTls1) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setApplicationProtocols(AcmeTlsAlpn.serverProtocols(board, sni));
            engine.setSSLParameters(parameters);
        }
        SslConnection tls = newSslConnection(connector, endPoint, engine);
        tls.setRenegotiationAllowed(false);
        configure(tls, connector, endPoint);
        // built here instead of looked up on the connector: registering an "acme-tls/1" factory there
        // would add it to the normal ALPN list, and a normal connection must never negotiate it
        EndPoint decrypted = tls.getSslEndPoint();
        decrypted.setConnection(new CloseAfterHandshake(decrypted, connector.getExecutor(), tls));
        return tls;
    }

    /** Jetty's TLS configuration around an SSLContext whose only key manager is Autocert's, with no delegate. */
    static final class ChallengeContext extends SslContextFactory.Server {

        ChallengeContext(Autocert autocert) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[] {autocert.keyManager(null)}, null, null);
                setSslContext(context);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("The JDK offers no TLS: " + e.getMessage(), e);
            }
            // a validator never resumes a session, and a cache would only keep challenge sessions alive
            setSessionCachingEnabled(false);
            setRenegotiationAllowed(false);
        }
    }
}
