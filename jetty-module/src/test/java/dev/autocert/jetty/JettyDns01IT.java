package dev.autocert.jetty;

import dev.autocert.testkit.Bind;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DNS-01 on Jetty: a wildcard certificate obtained through RFC 2136 updates (TSIG) of a real BIND 9
 * that Pebble resolves through, served by embedded Jetty for any one-label name; the TXT record is
 * gone afterwards.
 */
class JettyDns01IT {

    @TempDir
    Path dir;

    @Test
    void wildcardOverRfc2136IsServedByJetty() throws Exception {
        try (Bind bind = Bind.builder().zone("jwild.test").workDir(dir.resolve("bind")).start();
             Pebble pebble = Pebble.builder().httpPort(FreePorts.take()).tlsPort(FreePorts.take())
                     .dnsServer(bind.address()).workDir(dir.resolve("pebble")).start()) {
            Map<String, String> settings = EmbeddedJetty.settings(pebble);
            settings.put("domains", "*.jwild.test,jwild.test");
            settings.put("challenges", "dns-01");
            settings.put("retryDelay", "2s");
            settings.put("rfc2136Server", bind.address());
            settings.put("rfc2136TsigKeyName", bind.keyName());
            settings.put("rfc2136TsigAlgorithm", bind.keyAlgorithm());
            settings.put("rfc2136TsigSecret", bind.keySecret());
            settings.put("dnsResolver", bind.address());
            try (EmbeddedJetty jetty = new EmbeddedJetty(settings, dir.resolve("store"))) {
                List<X509Certificate> roots = pebble.roots();
                await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", jetty.httpsPort, "app.jwild.test", roots),
                                roots, "app.jwild.test"));
                List<X509Certificate> apex = TlsProbe.javaHandshake("127.0.0.1", jetty.httpsPort, "jwild.test", roots);
                TlsProbe.verifyChain(apex, roots, "jwild.test");
                assertThat(TlsProbe.subjectAltNames(apex.get(0))).containsExactlyInAnyOrder("jwild.test", "*.jwild.test");
                TlsProbe.OpensslResult h2 = TlsProbe.openssl("127.0.0.1", jetty.httpsPort, "www.jwild.test", "h2,http/1.1", "1.3");
                assertThat(h2.alpn()).isEqualTo("h2");
                TlsProbe.verifyChain(h2.chain(), roots, "www.jwild.test");
                await().atMost(Duration.ofSeconds(10)).until(() -> bind.txt("_acme-challenge.jwild.test").isEmpty());
            }
        }
    }
}
