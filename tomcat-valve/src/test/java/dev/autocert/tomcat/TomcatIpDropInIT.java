package dev.autocert.tomcat;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.Pem;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Tomcat distribution with the drop-in JAR and one listener line for {@code domains="127.0.0.1"}: Pebble
 * validates the address over HTTP-01, the added HTTPS connector serves the certificate to a client without SNI
 * ({@code openssl s_client -verify_ip}), and the status page lists the address like any name.
 */
class TomcatIpDropInIT extends DistributionTestSupport {

    @Test
    void anAddressOnTheDistribution() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        newTomcat("tomcat.home").insertIntoServer(listenerLine("domains=\"127.0.0.1\" acceptTerms=\"true\""
                + " httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\" httpChallengePort=\"" + httpPort + "\""
                + " statusPath=\"/.well-known/autocert-status\""));
        tomcat.start().awaitPort(httpsPort);
        List<X509Certificate> roots = pebble.roots();
        Path rootsPem = Files.writeString(work.resolve("roots.pem"), Pem.encode(roots));
        List<X509Certificate> chain = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> TlsProbe.javaHandshake("127.0.0.1", httpsPort, "127.0.0.1", roots), c -> true);
        assertThat(CertifiedKey.names(chain.get(0))).containsExactly("127.0.0.1");
        TlsProbe.OpensslResult openssl = TlsProbe.opensslVerifyIp("127.0.0.1", httpsPort, rootsPem);
        assertThat(openssl.handshakeOk()).as(openssl.output()).isTrue();
        assertThat(tomcat.console()).contains("127.0.0.1: validated over http-01").contains("127.0.0.1: preflight passed");

        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/.well-known/autocert-status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"name\": \"127.0.0.1\"").contains("\"domains\": [\"127.0.0.1\"]")
                .contains("\"state\": \"VALID\"");
    }
}
