package dev.autocert.jetty;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.Pem;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An IP-address certificate (RFC 8738) on embedded Jetty: Pebble validates 127.0.0.1 over TLS-ALPN-01 through
 * Jetty's ClientHello router (SNI {@code 1.0.0.127.in-addr.arpa}); a client connecting to the address, without SNI,
 * gets the certificate, verified by {@code openssl s_client -verify_ip}, and Jetty answers its request.
 */
class JettyIpCertificateIT {

    @TempDir
    Path dir;

    @Test
    void anAddressIsValidatedOverTlsAlpnAndServedWithoutSni() throws Exception {
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(FreePorts.take()).tlsPort(httpsPort).workDir(dir.resolve("pebble")).start()) {
            Map<String, String> settings = EmbeddedJetty.settings(pebble);
            settings.put("domains", "127.0.0.1");
            settings.put("challenges", "tls-alpn-01");
            settings.put("retryDelay", "1s");
            List<X509Certificate> roots = pebble.roots();
            Path rootsPem = Files.writeString(dir.resolve("roots.pem"), Pem.encode(roots));
            try (EmbeddedJetty jetty = new EmbeddedJetty(settings, dir.resolve("store"), FreePorts.take(), httpsPort)) {
                List<X509Certificate> chain = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions().until(() -> TlsProbe.javaHandshake("127.0.0.1", httpsPort, "127.0.0.1", roots), c -> true);
                assertThat(CertifiedKey.names(chain.get(0))).containsExactly("127.0.0.1");
                TlsProbe.OpensslResult openssl = TlsProbe.opensslVerifyIp("127.0.0.1", httpsPort, rootsPem);
                assertThat(openssl.handshakeOk()).as(openssl.output()).isTrue();
                // Jetty's SNI host check accepts a request to the address on a connection without SNI
                TlsProbe.HttpsResponse response = TlsProbe.httpsGet(httpsPort, "127.0.0.1", "/", roots);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo(EmbeddedJetty.BODY);
            }
        }
    }
}
