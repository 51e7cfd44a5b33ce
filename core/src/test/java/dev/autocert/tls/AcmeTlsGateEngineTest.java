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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RFC 8737 refusals through {@link AcmeTlsGateEngine}, handshaking in memory with a JDK client: {@code acme-tls/1}
 * without a pending challenge ends with {@code no_application_protocol} and no certificate, with or without the
 * container having set an ALPN list, however the hello arrives; a pending challenge and normal clients are untouched.
 */
class AcmeTlsGateEngineTest {

    /** Tomcat's order on a connector with h2 and Autocert: acme-tls/1 last. */
    private static final List<String> CONNECTOR_ALPN = List.of("h2", AcmeTlsAlpn.PROTOCOL);

    private final LiveCertificates live = new LiveCertificates();
    private final ChallengeBoard board = new ChallengeBoard();
    private final CertifiedKey real = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void acmeTls1WithoutPendingChallengeIsNoApplicationProtocol(String protocol) throws Exception {
        live.install(real);
        board.putTlsAlpn01("other.test", SelfSigned.tlsAlpn01("other.test", "token.thumb"));
        for (String sni : new String[] {"a.test", "unknown.test", null}) {
            // the container's list as Tomcat sets it (the intersection with the client's offer) and no list at all
            for (String[] containerAlpn : new String[][] {{AcmeTlsAlpn.PROTOCOL}, {}}) {
                SSLEngine client = TlsTestSupport.client(protocol, sni, AcmeTlsAlpn.PROTOCOL);
                assertThatThrownBy(() -> TlsTestSupport.handshake(server(containerAlpn), client, Integer.MAX_VALUE))
                        .as("SNI %s, container ALPN %s", sni, List.of(containerAlpn))
                        .isInstanceOf(SSLHandshakeException.class)
                        .hasMessageContaining("no_application_protocol");
                assertThat(client.getHandshakeSession()).isNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aHelloArrivingInPiecesIsDecidedWhenComplete(String protocol) throws Exception {
        live.install(real);
        SSLEngine refused = TlsTestSupport.client(protocol, "a.test", AcmeTlsAlpn.PROTOCOL);
        assertThatThrownBy(() -> TlsTestSupport.handshake(server(), refused, 7))
                .hasMessageContaining("no_application_protocol");
        board.putTlsAlpn01("a.test", SelfSigned.tlsAlpn01("a.test", "token.thumb"));
        SSLEngine validator = TlsTestSupport.handshake(server(), TlsTestSupport.client(protocol, "a.test", AcmeTlsAlpn.PROTOCOL), 7);
        assertThat(validator.getApplicationProtocol()).isEqualTo(AcmeTlsAlpn.PROTOCOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void pendingChallengeAndNormalClientsAreUntouched(String protocol) throws Exception {
        live.install(real);
        board.putTlsAlpn01("a.test", SelfSigned.tlsAlpn01("a.test", "token.thumb"));

        SSLEngine validator = TlsTestSupport.handshake(server(AcmeTlsAlpn.PROTOCOL),
                TlsTestSupport.client(protocol, "a.test", AcmeTlsAlpn.PROTOCOL), Integer.MAX_VALUE);
        assertThat(validator.getApplicationProtocol()).isEqualTo(AcmeTlsAlpn.PROTOCOL);
        SelfSignedTest.assertAcmeIdentifier(leaf(validator), "token.thumb");

        // h2 comes first in the server's order: a normal handshake, whatever else the client offers
        SSLEngine browser = TlsTestSupport.handshake(server("h2", AcmeTlsAlpn.PROTOCOL),
                TlsTestSupport.client(protocol, "a.test", "h2", AcmeTlsAlpn.PROTOCOL), Integer.MAX_VALUE);
        assertThat(browser.getApplicationProtocol()).isEqualTo("h2");
        assertThat(leaf(browser)).isEqualTo(real.leaf());

        SSLEngine plain = TlsTestSupport.handshake(server(), TlsTestSupport.client(protocol, "a.test"), Integer.MAX_VALUE);
        assertThat(leaf(plain)).isEqualTo(real.leaf());
    }

    /** A server engine as Tomcat builds it: the container's ALPN list on a gated engine. */
    private SSLEngine server(String... containerAlpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new AutocertKeyManager(null, live, board, null, null)}, null, null);
        SSLEngine engine = new AcmeTlsGateEngine(context.createSSLEngine(), board, CONNECTOR_ALPN);
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setApplicationProtocols(containerAlpn);
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static X509Certificate leaf(SSLEngine client) throws Exception {
        return (X509Certificate) client.getSession().getPeerCertificates()[0];
    }
}
