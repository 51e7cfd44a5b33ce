package dev.autocert.tomcat;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Another program holds the port of the HTTPS connector the listener adds (a classic problem): Tomcat cannot start
 * that connector, and Autocert says so by name instead of reporting the certificate it then obtains as live; the
 * status lists no connector serving it, and the store still gets it for the next start.
 */
class ConnectorDownIT extends DistributionTestSupport {

    @Test
    void aConnectorThatCouldNotStartIsNeverReportedAsServing() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        newTomcat("tomcat.home").insertIntoServer(listenerLine("domains=\"down.test\" acceptTerms=\"true\""
                + " httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\" statusPath=\"/.well-known/autocert-status\""));
        try (ServerSocket otherProgram = new ServerSocket()) {
            otherProgram.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpsPort));
            tomcat.start().awaitPort(httpPort);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    // the listener's word on the issued certificate, whichever it is
                    assertThat(tomcat.console()).containsAnyOf("is stored, but no TLS connector", "[down.test] is live"));
            String log = tomcat.console();
            assertThat(log).contains("Connector [https-jsse-nio-127.0.0.1-" + httpsPort + "] is not running (FAILED):"
                    + " another program holds port " + httpsPort);
            assertThat(log).contains("Certificate for [down.test]").contains("is stored, but no TLS connector is running to serve it");
            assertThat(log).doesNotContain("is live").doesNotContain("and reloaded");
            assertThat(tomcat.base().resolve("conf/autocert/certificates/down.test/fullchain.pem")).exists();

            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/.well-known/autocert-status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.body()).contains("\"name\": \"down.test\"").contains("\"servedBy\": []")
                    .doesNotContain("\"notAfter\": null");
        }
        assertThat(Files.readString(tomcat.base().resolve("conf/server.xml"))).contains("AutocertListener");
    }
}
