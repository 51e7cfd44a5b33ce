package dev.autocert.tls;

import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.config.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real JSSE handshakes against a server whose only key manager is {@link AutocertKeyManager}. */
class AutocertKeyManagerTlsTest {


    private final LiveCertificates live = new LiveCertificates();
    private final ChallengeBoard board = new ChallengeBoard();
    private CertifiedKey aTest;
    private TlsServer server;

    @BeforeEach
    void setUp() {
        aTest = SelfSigned.temporary(List.of("a.test", "www.a.test"), KeyType.EC256);
        live.install(aTest);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // (a) + (b)

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void servesTheLiveCertificateForTheSni(String protocol) throws Exception {
        start(null);
        Handshake h = handshake(protocol, "a.test", "http/1.1");
        assertThat(h.leaf()).isEqualTo(aTest.leaf());
        assertThat(h.protocol()).isEqualTo(protocol);
        assertThat(h.alpn()).isEqualTo("http/1.1");
        assertThat(handshake(protocol, "WWW.A.TEST").leaf()).isEqualTo(aTest.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void nextHandshakeSeesAnInstalledReplacement(String protocol) throws Exception {
        start(null);
        assertThat(handshake(protocol, "a.test").leaf()).isEqualTo(aTest.leaf());
        CertifiedKey newer = SelfSigned.temporary(List.of("a.test", "www.a.test"), KeyType.EC256);
        live.install(newer);
        assertThat(handshake(protocol, "a.test").leaf()).isEqualTo(newer.leaf()).isNotEqualTo(aTest.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void servesRsaAndWildcardCertificates(String protocol) throws Exception {
        CertifiedKey rsa = SelfSigned.temporary(List.of("rsa.test"), KeyType.RSA2048);
        CertifiedKey wildcard = SelfSigned.temporary(List.of("*.b.test"), KeyType.EC384);
        live.install(rsa);
        live.install(wildcard);
        start(null);
        assertThat(handshake(protocol, "rsa.test").leaf()).isEqualTo(rsa.leaf());
        assertThat(handshake(protocol, "x.b.test").leaf()).isEqualTo(wildcard.leaf());
    }

    // (c) + (d)

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void acmeTls1GetsTheChallengeCertificate(String protocol) throws Exception {
        board.putTlsAlpn01("a.test", SelfSigned.tlsAlpn01("a.test", "token.thumb"));
        start(TlsTestSupport.delegate());
        Handshake h = handshake(protocol, "a.test", AutocertKeyManager.ACME_TLS_1);
        assertThat(h.alpn()).isEqualTo(AutocertKeyManager.ACME_TLS_1);
        assertThat(h.leaf()).isNotEqualTo(aTest.leaf());
        SelfSignedTest.assertAcmeIdentifier(h.leaf(), "token.thumb");
        assertThat(new CertifiedKey(aTest.key(), List.of(h.leaf())).names()).containsExactly("a.test");
        // the same name without acme-tls/1 still gets the live certificate
        assertThat(handshake(protocol, "a.test", "http/1.1").leaf()).isEqualTo(aTest.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void acmeTls1WithoutPendingChallengeFails(String protocol) throws Exception {
        board.putTlsAlpn01("other.test", SelfSigned.tlsAlpn01("other.test", "token.thumb"));
        start(TlsTestSupport.delegate()); // neither the live certificate nor the delegate may answer
        assertThatThrownBy(() -> handshake(protocol, "a.test", AutocertKeyManager.ACME_TLS_1))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> handshake(protocol, null, AutocertKeyManager.ACME_TLS_1))
                .isInstanceOf(SSLHandshakeException.class);
        // the server is still fine for ordinary handshakes
        assertThat(handshake(protocol, "a.test", "http/1.1").leaf()).isEqualTo(aTest.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void removedChallengeIsNoLongerServed(String protocol) throws Exception {
        board.putTlsAlpn01("a.test", SelfSigned.tlsAlpn01("a.test", "token.thumb"));
        start(null);
        handshake(protocol, "a.test", AutocertKeyManager.ACME_TLS_1);
        board.removeTlsAlpn01("A.TEST");
        assertThatThrownBy(() -> handshake(protocol, "a.test", AutocertKeyManager.ACME_TLS_1))
                .isInstanceOf(SSLHandshakeException.class);
    }

    // (e)

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void tlsSni01(String protocol) throws Exception {
        String name = SelfSigned.tlsSni01Name("token.thumb");
        CertifiedKey challenge = SelfSigned.tlsSni01("token.thumb");
        board.putTlsSni01(name, challenge);
        start(TlsTestSupport.delegate());
        Handshake h = handshake(protocol, name);
        assertThat(h.leaf()).isEqualTo(challenge.leaf());
        assertThat(new CertifiedKey(aTest.key(), List.of(h.leaf())).names()).containsExactly(name);

        String unknown = SelfSigned.tlsSni01Name("another.thumb");
        assertThatThrownBy(() -> handshake(protocol, unknown)).isInstanceOf(SSLHandshakeException.class);
    }

    // (f)

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void unknownSniFallsBackToTheDelegate(String protocol) throws Exception {
        CertifiedKey other = SelfSigned.temporary(List.of("other.test"), KeyType.EC256);
        start(TlsTestSupport.delegate(other));
        assertThat(handshake(protocol, "unknown.test").leaf()).isEqualTo(other.leaf());
        assertThat(handshake(protocol, null).leaf()).isEqualTo(other.leaf());
        assertThat(handshake(protocol, "a.test").leaf()).isEqualTo(aTest.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void withADefaultNameTheDelegateServesOnlyTheNamesItCovers(String protocol) throws Exception {
        CertifiedKey other = SelfSigned.temporary(List.of("other.test"), KeyType.EC256);
        start(TlsTestSupport.delegate(other), "a.test");
        assertThat(handshake(protocol, "other.test").leaf()).isEqualTo(other.leaf());
        assertThat(handshake(protocol, "unknown.test").leaf()).isEqualTo(aTest.leaf());
        assertThat(handshake(protocol, null).leaf()).isEqualTo(aTest.leaf());
        CertifiedKey renewed = SelfSigned.temporary(List.of("a.test", "www.a.test"), KeyType.EC256);
        live.install(renewed);
        assertThat(handshake(protocol, null).leaf()).isEqualTo(renewed.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void unknownSniWithoutDelegateFails(String protocol) throws Exception {
        start(null);
        assertThatThrownBy(() -> handshake(protocol, "unknown.test")).isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> handshake(protocol, null)).isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> handshake(protocol, "y.x.a.test")).isInstanceOf(SSLHandshakeException.class);
    }

    // (g) IP addresses: clients connecting to an address send no SNI

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void withoutSniTheCertificateOfTheAddressTheConnectionArrivedOnIsServed(String protocol) throws Exception {
        CertifiedKey loopback = SelfSigned.temporary(List.of("127.0.0.1"), KeyType.EC256);
        CertifiedKey other = SelfSigned.temporary(List.of("192.0.2.1", "2001:db8::1"), KeyType.EC256);
        live.install(loopback);
        live.install(other);
        CertifiedKey own = SelfSigned.temporary(List.of("own.test"), KeyType.EC256);
        // the first address listed is another one, and a default name and a delegate exist: the socket's address wins
        start(TlsTestSupport.delegate(own), "a.test", "192.0.2.1");
        assertThat(handshake(protocol, null).leaf()).isEqualTo(loopback.leaf());
        assertThat(new CertifiedKey(loopback.key(), List.of(handshake(protocol, null).leaf())).names()).containsExactly("127.0.0.1");
        // a client that sends the address as SNI anyway (RFC 6066 forbids it, some do) gets it too
        assertThat(handshake(protocol, "127.0.0.1").leaf()).isEqualTo(loopback.leaf());
        // SNI still decides for names
        assertThat(handshake(protocol, "a.test").leaf()).isEqualTo(aTest.leaf());
        assertThat(handshake(protocol, "own.test").leaf()).isEqualTo(own.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void withoutSniAnUnmanagedArrivalAddressGetsTheFirstManagedAddress(String protocol) throws Exception {
        CertifiedKey other = SelfSigned.temporary(List.of("192.0.2.1"), KeyType.EC256);
        live.install(other);
        start(TlsTestSupport.delegate(), "a.test", "192.0.2.1");
        assertThat(handshake(protocol, null).leaf()).isEqualTo(other.leaf());
        // without a managed address, the default name as before
        start(TlsTestSupport.delegate(), "a.test", null);
        assertThat(handshake(protocol, null).leaf()).isEqualTo(aTest.leaf());
    }

    // --- plumbing ------------------------------------------------------------------------------

    private record Handshake(X509Certificate leaf, String protocol, String alpn) {
    }

    private void start(X509ExtendedKeyManager delegate) throws Exception {
        start(delegate, null);
    }

    private void start(X509ExtendedKeyManager delegate, String defaultName) throws Exception {
        start(delegate, defaultName, null);
    }

    private void start(X509ExtendedKeyManager delegate, String defaultName, String addressName) throws Exception {
        if (server != null) {
            server.close();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {new AutocertKeyManager(delegate, live, board, defaultName, addressName)}, null, null);
        server = new TlsServer(ctx);
    }

    /** A fresh client context each time, so no session is ever resumed. */
    private Handshake handshake(String protocol, String sni, String... alpn) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TlsTestSupport.TrustAll()}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {protocol});
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
            }
            p.setApplicationProtocols(alpn);
            s.setSSLParameters(p);
            s.startHandshake();
            return new Handshake((X509Certificate) s.getSession().getPeerCertificates()[0],
                    s.getSession().getProtocol(), s.getApplicationProtocol());
        }
    }

    /** Accepts connections, completes one handshake on each and closes it. */
    private static final class TlsServer implements AutoCloseable {
        private final SSLServerSocket socket;
        private final Thread thread;
        private volatile boolean closed;

        TlsServer(SSLContext ctx) throws IOException {
            socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            SSLParameters p = socket.getSSLParameters();
            p.setApplicationProtocols(TlsTestSupport.SERVER_ALPN);
            socket.setSSLParameters(p);
            thread = new Thread(this::serve, "tls-test-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!closed) {
                try (SSLSocket s = (SSLSocket) socket.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                } catch (IOException e) {
                    // failed handshakes are what some tests expect; a closed socket ends the loop
                }
            }
        }

        @Override
        public void close() throws Exception {
            closed = true;
            socket.close();
            thread.join(10_000);
        }
    }
}
