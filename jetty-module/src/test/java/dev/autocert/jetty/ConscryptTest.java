package dev.autocert.jetty;

import dev.autocert.config.KeyType;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty with Conscrypt (BoringSSL) as its TLS provider ({@code SslContextFactory.setProvider("Conscrypt")}, as
 * jetty-home's {@code conscrypt} module sets it, and Jetty's Conscrypt ALPN processor): Autocert's key manager still
 * picks the certificate per handshake by SNI (TLS 1.2 and 1.3, h2 kept), a certificate installed live is served at
 * the next handshake, and the ClientHello router still sends acme-tls/1 to the challenge certificate (its own JDK
 * context) and closes it.
 */
class ConscryptTest {

    @TempDir
    static Path storage;
    private static Provider conscrypt;
    private static EmbeddedJetty jetty;
    private static CertifiedKey challenge;

    @BeforeAll
    static void start() throws Exception {
        conscrypt = Conscrypt.newProvider();
        Security.addProvider(conscrypt);
        jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage, false, tls -> tls.setProvider(conscrypt.getName()), null);
        challenge = SelfSigned.tlsAlpn01("a.test", "token.thumbprint");
        jetty.autocert.autocert().challengeBoard().putTlsAlpn01("a.test", challenge);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
        Security.removeProvider(conscrypt.getName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void conscryptAsksAutocertsKeyManagerPerHandshake(String version) {
        assertThat(jetty.tls.getSslContext().getProvider().getName()).isEqualTo("Conscrypt");
        for (String name : List.of("a.test", "www.a.test", "b.test")) {
            TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, name, "h2,http/1.1", version);
            assertThat(r.handshakeOk()).as(r.output()).isTrue();
            assertThat(r.protocol()).isEqualTo("TLSv" + version);
            assertThat(r.alpn()).isEqualTo("h2");
            assertThat(TlsProbe.subjectAltNames(r.chain().get(0))).contains(name);
        }
    }

    @Test
    void aCertificateInstalledLiveIsServedAtTheNextHandshake() {
        CertifiedKey next = SelfSigned.temporary(List.of("b.test"), KeyType.EC256);
        jetty.autocert.autocert().liveCertificates().install("b.test", next);
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, "b.test", null, "1.3");
        assertThat(r.chain().get(0)).isEqualTo(next.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void acmeTls1IsStillRoutedToTheChallengeCertificate(String version) {
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, "a.test", "acme-tls/1", version);
        assertThat(r.handshakeOk()).as(r.output()).isTrue();
        assertThat(r.alpn()).isEqualTo("acme-tls/1");
        assertThat(r.chain().get(0)).isEqualTo(challenge.leaf());
    }
}
