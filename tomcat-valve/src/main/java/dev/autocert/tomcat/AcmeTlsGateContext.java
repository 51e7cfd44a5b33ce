package dev.autocert.tomcat;

import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.tls.AcmeTlsGateEngine;
import org.apache.tomcat.util.net.SSLContext;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * Tomcat's SSL context with every engine it creates wrapped in an {@link AcmeTlsGateEngine}, so an
 * {@code acme-tls/1} handshake without a pending challenge is refused with {@code no_application_protocol}.
 * Tomcat picks the ALPN list itself from its own reading of the ClientHello; this is the one place
 * between that and the handshake where Autocert can act.
 */
final class AcmeTlsGateContext implements SSLContext {

    private final SSLContext delegate;
    private final ChallengeBoard board;
    private final List<String> negotiableProtocols;

    /**
     * @param delegate            Tomcat's context
     * @param board               the pending challenges
     * @param negotiableProtocols the connector's ALPN protocols, in its order of preference
     */
    AcmeTlsGateContext(SSLContext delegate, ChallengeBoard board, List<String> negotiableProtocols) {
        this.delegate = delegate;
        this.board = board;
        this.negotiableProtocols = List.copyOf(negotiableProtocols);
    }

    @Override
    public SSLEngine createSSLEngine() {
        return new AcmeTlsGateEngine(delegate.createSSLEngine(), board, negotiableProtocols);
    }

    @Override
    public void init(KeyManager[] kms, TrustManager[] tms, SecureRandom sr) throws KeyManagementException {
        delegate.init(kms, tms, sr);
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public SSLSessionContext getServerSessionContext() {
        return delegate.getServerSessionContext();
    }

    @Override
    public SSLServerSocketFactory getServerSocketFactory() {
        return delegate.getServerSocketFactory();
    }

    @Override
    public SSLParameters getSupportedSSLParameters() {
        return delegate.getSupportedSSLParameters();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
