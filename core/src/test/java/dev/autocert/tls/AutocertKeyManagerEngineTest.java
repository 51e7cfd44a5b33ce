package dev.autocert.tls;

import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.config.KeyType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedKeyManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same choices through {@link AutocertKeyManager#chooseEngineServerAlias}, the path of the NIO
 * connectors (Tomcat NIO/NIO2, Jetty): two {@link SSLEngine}s handshaking in memory.
 */
class AutocertKeyManagerEngineTest {

    private final LiveCertificates live = new LiveCertificates();
    private final ChallengeBoard board = new ChallengeBoard();

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void liveChallengeAndDelegate(String protocol) throws Exception {
        CertifiedKey aTest = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        CertifiedKey other = SelfSigned.temporary(List.of("other.test"), KeyType.EC256);
        live.install(aTest);
        board.putTlsAlpn01("a.test", SelfSigned.tlsAlpn01("a.test", "token.thumb"));
        SSLContext server = serverContext(TlsTestSupport.delegate(other));

        assertThat(handshake(server, protocol, "a.test", "http/1.1").leaf()).isEqualTo(aTest.leaf());
        assertThat(handshake(server, protocol, "unknown.test").leaf()).isEqualTo(other.leaf());

        Handshake challenge = handshake(server, protocol, "a.test", AutocertKeyManager.ACME_TLS_1);
        assertThat(challenge.alpn()).isEqualTo(AutocertKeyManager.ACME_TLS_1);
        SelfSignedTest.assertAcmeIdentifier(challenge.leaf(), "token.thumb");

        board.removeTlsAlpn01("a.test");
        assertThatThrownBy(() -> handshake(server, protocol, "a.test", AutocertKeyManager.ACME_TLS_1))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> handshake(server, protocol, SelfSigned.tlsSni01Name("x")))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void unknownNameWithoutDelegateFails(String protocol) throws Exception {
        live.install(SelfSigned.temporary(List.of("a.test"), KeyType.EC256));
        SSLContext server = serverContext(null);
        assertThatThrownBy(() -> handshake(server, protocol, "unknown.test")).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void withoutSniAnEngineServesTheFirstManagedAddress(String protocol) throws Exception {
        CertifiedKey address = SelfSigned.temporary(List.of("::1", "127.0.0.1"), KeyType.EC256);
        live.install(address);
        live.install(SelfSigned.temporary(List.of("a.test"), KeyType.EC256));
        // an engine does not know the address a connection arrived on: the first managed address's certificate
        SSLContext server = serverContext(TlsTestSupport.delegate(), "::1");
        assertThat(handshake(server, protocol, null).leaf()).isEqualTo(address.leaf());
        assertThat(CertifiedKey.names(handshake(server, protocol, "a.test").leaf())).containsExactly("a.test");
    }

    private record Handshake(X509Certificate leaf, String alpn) {
    }

    private SSLContext serverContext(X509ExtendedKeyManager delegate) throws Exception {
        return serverContext(delegate, null);
    }

    private SSLContext serverContext(X509ExtendedKeyManager delegate, String addressName) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {new AutocertKeyManager(delegate, live, board, null, addressName)}, null, null);
        return ctx;
    }

    private static Handshake handshake(SSLContext serverContext, String protocol, String sni, String... alpn) throws Exception {
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        SSLParameters sp = server.getSSLParameters();
        sp.setApplicationProtocols(TlsTestSupport.SERVER_ALPN);
        server.setSSLParameters(sp);
        SSLEngine client = TlsTestSupport.handshake(server, TlsTestSupport.client(protocol, sni, alpn), Integer.MAX_VALUE);
        return new Handshake((X509Certificate) client.getSession().getPeerCertificates()[0], client.getApplicationProtocol());
    }
}
