package dev.autocert.tomcat;

import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same drop-in JAR, built against Tomcat 11, on the real Tomcat 10.1 distribution: the listener,
 * the valve, the JSSE wrapping and the acme-tls/1 protocol all load; a certificate is issued and
 * served with h2 kept, and acme-tls/1 without a pending challenge gets nothing.
 */
class Tomcat101DropInIT extends DistributionTestSupport {

    @Test
    void theDropInWorksOnTomcat101() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(work.resolve("pebble")).start();
        newTomcat("tomcat101.home").insertIntoServer(listenerLine("domains=\"ten.test\" acceptTerms=\"true\""
                + " httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\""));
        tomcat.start();
        List<X509Certificate> roots = pebble.roots();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "ten.test", roots), roots, "ten.test"));
        TlsProbe.OpensslResult h2 = TlsProbe.openssl("127.0.0.1", httpsPort, "ten.test", "h2,http/1.1", "1.3");
        assertThat(h2.alpn()).isEqualTo("h2");
        TlsProbe.OpensslResult acme = TlsProbe.openssl("127.0.0.1", httpsPort, "ten.test", "acme-tls/1", "1.2");
        assertThat(acme.handshakeOk()).isFalse();
        assertThat(tomcat.console()).contains("Apache Tomcat/10.1").doesNotContain("SEVERE");
    }
}
