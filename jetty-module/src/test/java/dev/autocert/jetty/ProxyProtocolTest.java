package dev.autocert.jetty;

import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a load balancer speaking the PROXY protocol: the detector goes after the PROXY factory, gets
 * the bytes that factory read past the header, and still routes validation and normal handshakes.
 */
class ProxyProtocolTest {

    @TempDir
    Path storage;

    @Test
    void theDetectorSitsBehindThePROXYHeader() throws Exception {
        try (EmbeddedJetty jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage, true, tls -> { }, null)) {
            ServerConnector https = (ServerConnector) jetty.server.getConnectors()[1];
            assertThat(https.getProtocols()).startsWith("[proxy]", AcmeTlsDetector.PROTOCOL, "ssl");
            CertifiedKey challenge = SelfSigned.tlsAlpn01("a.test", "token.thumbprint");
            jetty.autocert.autocert().challengeBoard().putTlsAlpn01("a.test", challenge);

            try (SSLSocket s = behindProxy(jetty.httpsPort, "a.test", List.of("acme-tls/1"))) {
                assertThat(s.getApplicationProtocol()).isEqualTo("acme-tls/1");
                assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(challenge.leaf());
            }
            try (SSLSocket s = behindProxy(jetty.httpsPort, "b.test", List.of("http/1.1"))) {
                assertThat(TlsProbe.subjectAltNames((X509Certificate) s.getSession().getPeerCertificates()[0]))
                        .containsExactly("b.test");
                assertThat(TlsClient.get(s, "b.test")).isEqualTo(EmbeddedJetty.BODY);
            }
        }
    }

    /** A TLS client whose connection starts with a PROXY v1 line, sent in the same segment as the ClientHello. */
    private static SSLSocket behindProxy(int port, String sni, List<String> alpn) throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        raw.setSoTimeout(10_000);
        raw.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 50000 443\r\n".getBytes(StandardCharsets.US_ASCII));
        SSLSocket s = (SSLSocket) TlsClient.trustAll().getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
        s.setSSLParameters(TlsClient.parameters(s.getSSLParameters(), sni, alpn, null));
        s.startHandshake();
        return s;
    }
}
