package dev.autocert.jetty;

import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TLS connector of an embedded server with Autocert: validation handshakes (acme-tls/1 and
 * *.acme.invalid) get challenge certificates or nothing, on TLS 1.2 and 1.3, and are closed;
 * every other handshake runs on the connector's own stack with h2; hellos that are large, split
 * over many records or read in pieces still get there.
 */
class TlsRoutingTest {

    @TempDir
    static Path storage;
    private static EmbeddedJetty jetty;
    private static CertifiedKey challenge;
    private static String sniName;
    private static CertifiedKey sniChallenge;

    @BeforeAll
    static void start() throws Exception {
        jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage);
        challenge = SelfSigned.tlsAlpn01("a.test", "token.thumbprint");
        jetty.autocert.autocert().challengeBoard().putTlsAlpn01("a.test", challenge);
        sniName = SelfSigned.tlsSni01Name("sni-token.thumbprint");
        sniChallenge = SelfSigned.tlsSni01("sni-token.thumbprint");
        jetty.autocert.autocert().challengeBoard().putTlsSni01(sniName, sniChallenge);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void aNormalHandshakeKeepsH2AndGetsTheManagedCertificate(String version) {
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, "b.test", "h2,http/1.1", version);
        assertThat(r.handshakeOk()).as(r.output()).isTrue();
        assertThat(r.protocol()).isEqualTo("TLSv" + version);
        assertThat(r.alpn()).isEqualTo("h2");
        assertThat(TlsProbe.subjectAltNames(r.chain().get(0))).containsExactly("b.test");
        assertThat(r.chain().get(0).getSubjectX500Principal().getName()).contains("Autocert temporary certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void acmeTls1GetsTheChallengeCertificateAndIsClosed(String version) throws IOException {
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, "a.test", "acme-tls/1", version);
        assertThat(r.handshakeOk()).as(r.output()).isTrue();
        assertThat(r.alpn()).isEqualTo("acme-tls/1");
        assertThat(r.chain().get(0)).isEqualTo(challenge.leaf());
        assertThat(r.chain().get(0).getCriticalExtensionOIDs()).contains(SelfSigned.ACME_IDENTIFIER.getId());

        TlsClient.Handshake jdk = TlsClient.handshake(jetty.httpsPort, "a.test", List.of("acme-tls/1"), "TLSv" + version);
        try (var socket = jdk.socket()) {
            assertThat(jdk.alpn()).isEqualTo("acme-tls/1");
            assertThat(jdk.leaf()).isEqualTo(challenge.leaf());
            assertThat(TlsClient.closedByServer(socket)).as("closed right after the handshake").isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void acmeTls1WithoutAPendingChallengeNeverGetsARealCertificate(String version) {
        for (String name : Arrays.asList("b.test", "www.a.test", null)) {
            TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, name, "acme-tls/1", version);
            assertThat(r.handshakeOk()).as(r.output()).isFalse();
            assertThat(r.chain()).isEmpty();
            assertThat(r.alert()).as(r.output()).isEqualTo("no application protocol");
        }
        // a client offering h2 as well is still a validation connection
        TlsProbe.OpensslResult both = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, "b.test", "h2,acme-tls/1", version);
        assertThat(both.chain()).isEmpty();
        List<X509Certificate[]> seen = new ArrayList<>();
        assertThatThrownBy(() -> TlsClient.handshake(jetty.httpsPort, "b.test", List.of("acme-tls/1"), "TLSv" + version, seen))
                .isInstanceOf(IOException.class);
        assertThat(seen).as("certificates presented").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void tlsSni01AnswersTheAcmeInvalidName(String version) {
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, sniName, null, version);
        assertThat(r.handshakeOk()).as(r.output()).isTrue();
        assertThat(r.chain().get(0)).isEqualTo(sniChallenge.leaf());
        assertThat(TlsProbe.subjectAltNames(r.chain().get(0))).containsExactly(sniName);
        TlsProbe.OpensslResult unknown = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, "0123456789abcdef.0123456789abcdef.acme.invalid", null, version);
        assertThat(unknown.handshakeOk()).isFalse();
        assertThat(unknown.chain()).isEmpty();
    }

    @Test
    void withoutSniTheFirstManagedCertificateIsServed() {
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, null, null, null);
        assertThat(r.handshakeOk()).as(r.output()).isTrue();
        assertThat(TlsProbe.subjectAltNames(r.chain().get(0))).containsExactly("a.test", "www.a.test");
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 80})
    void largeClientHellosReachTheNormalStack(int protocols) throws IOException {
        // 40 x 250 bytes: one 10 KB record, parsed whole; 80 x 250: 20 KB in two records, beyond the detector's buffer
        List<String> alpn = TlsClient.manyProtocols(protocols, 250, "http/1.1");
        assertThat(TlsClient.clientHello("b.test", alpn, null).length).isGreaterThan(protocols * 250);
        for (String version : new String[] {"TLSv1.2", "TLSv1.3"}) {
            TlsClient.Handshake h = TlsClient.handshake(jetty.httpsPort, "b.test", alpn, version);
            try (var socket = h.socket()) {
                assertThat(h.alpn()).isEqualTo("http/1.1");
                assertThat(TlsProbe.subjectAltNames(h.leaf())).containsExactly("b.test");
                assertThat(TlsClient.get(socket, "b.test")).isEqualTo(EmbeddedJetty.BODY);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void anOversizedAcmeTls1HelloStillGetsNoCertificate(String version) {
        // beyond the detector's 16 KB it goes to the normal stack, whose ALPN list never has acme-tls/1:
        // Jetty refuses the protocol before any certificate is sent
        List<String> alpn = TlsClient.manyProtocols(80, 250, "acme-tls/1");
        List<X509Certificate[]> seen = new ArrayList<>();
        assertThatThrownBy(() -> TlsClient.handshake(jetty.httpsPort, "a.test", alpn, version, seen))
                .isInstanceOf(IOException.class);
        assertThat(seen).as("certificates presented").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 512})
    void helloSplitOverManyRecordsAndReadsIsRoutedRight(int recordSize) throws Exception {
        try (RecordSplittingProxy proxy = new RecordSplittingProxy(jetty.httpsPort, recordSize)) {
            TlsClient.Handshake normal = TlsClient.handshake(proxy.port, "b.test", List.of("h2", "http/1.1"), "TLSv1.3");
            try (var socket = normal.socket()) {
                assertThat(normal.alpn()).isEqualTo("h2");
                assertThat(TlsProbe.subjectAltNames(normal.leaf())).containsExactly("b.test");
            }
            TlsClient.Handshake http11 = TlsClient.handshake(proxy.port, "b.test", TlsClient.manyProtocols(30, 250, "http/1.1"), "TLSv1.2");
            try (var socket = http11.socket()) {
                assertThat(TlsClient.get(socket, "b.test")).isEqualTo(EmbeddedJetty.BODY);
            }
            // a validation hello of 8 KB in pieces is still recognised as one
            TlsClient.Handshake validation = TlsClient.handshake(proxy.port, "a.test", TlsClient.manyProtocols(30, 250, "acme-tls/1"), "TLSv1.2");
            try (var socket = validation.socket()) {
                assertThat(validation.alpn()).isEqualTo("acme-tls/1");
                assertThat(validation.leaf()).isEqualTo(challenge.leaf());
            }
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsStillJettysBusiness() throws Exception {
        try (Socket s = new Socket("127.0.0.1", jetty.httpsPort)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes());
            byte[] answer = s.getInputStream().readAllBytes();
            // Jetty's own TLS stack answers (an alert or a close), never our challenge stack or the app in clear text
            assertThat(new String(answer)).doesNotContain(EmbeddedJetty.BODY);
        }
    }
}
