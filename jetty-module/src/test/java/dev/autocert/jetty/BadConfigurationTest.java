package dev.autocert.jetty;

import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad setting is reported with its fix, and the server starts and serves anyway. */
class BadConfigurationTest {

    @TempDir
    Path storage;

    @Test
    void missingDomainsLeaveJettyServing() throws Exception {
        Map<String, String> settings = EmbeddedJetty.settings();
        settings.remove("domains");
        try (EmbeddedJetty jetty = new EmbeddedJetty(settings, storage)) {
            assertThat(jetty.server.isStarted()).isTrue();
            assertThat(jetty.autocert.autocert()).isNull();
            assertThat(jetty.autocert.configurationProblem()).hasValueSatisfying(p -> assertThat(p)
                    .contains("Setting 'domains' is missing").contains("Fix:"));

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.httpPort + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(app.body()).isEqualTo(EmbeddedJetty.BODY);
            HttpResponse<String> challenge = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.httpPort
                    + "/.well-known/acme-challenge/unknownToken_0123456789")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(challenge.statusCode()).isEqualTo(404);

            // the TLS connector had no keystore: it serves a temporary certificate rather than failing handshakes
            TlsClient.Handshake h = TlsClient.handshake(jetty.httpsPort, "a.test", List.of("h2", "http/1.1"), null);
            try (var socket = h.socket()) {
                assertThat(h.alpn()).isEqualTo("h2");
                assertThat(TlsProbe.subjectAltNames(h.leaf())).containsExactly("localhost");
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "domain     | typo.test       | Setting 'domain' is not a known setting (did you mean 'domains'?)",
        "statusPath | autocert-status | Setting 'statusPath' is not a path starting with '/'",
        "httpsPort  | 8443            | Setting 'httpsPort' is read by the Tomcat listener only, not by Jetty",
        "httpChallengePort | 99999    | Setting 'httpChallengePort' is not a port number from 1 to 65535: '99999'",
    })
    void aBadSettingIsNamed(String name, String value, String problem) throws Exception {
        Map<String, String> settings = EmbeddedJetty.settings();
        settings.put(name, value);
        try (EmbeddedJetty jetty = new EmbeddedJetty(settings, storage)) {
            assertThat(jetty.autocert.configurationProblem()).hasValueSatisfying(p -> assertThat(p).contains(problem));
        }
    }
}
