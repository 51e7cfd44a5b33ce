package dev.autocert.samples.boot;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.ManagedProcess;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's executable jar started with {@code java -jar}, as its users run it, against a local Pebble: the
 * certificate is issued over TLS-ALPN-01 on the HTTPS connector the starter adds, goes live without a restart and
 * verifies; Actuator's health and the Micrometer meters show it over HTTP; a restart with Pebble stopped serves the
 * stored certificate; with Spring Security requiring a login everywhere the HTTP-01 challenge is still answered.
 */
class SpringBootSampleIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void issuesOverTlsAlpnServesStoredOnRestartAndAnswersHttp01BehindSpringSecurity() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        Path storage = dir.resolve("autocert");
        X509Certificate issued;
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(dir.resolve("pebble")).start()) {
            List<X509Certificate> roots = pebble.roots();
            long started = System.nanoTime();
            try (ManagedProcess app = startApp("boot-alpn", pebble, httpPort, httpsPort, storage, "boot.test",
                    List.of("--autocert.challenges=tls-alpn-01"))) {
                issued = awaitServed(app, httpsPort, "boot.test", roots);
                System.out.printf("spring-boot sample: java -jar to CA-issued certificate served: %.2f s%n",
                        (System.nanoTime() - started) / 1e9);
                assertThat(TlsProbe.httpsGet(httpsPort, "boot.test", "/", roots).body())
                        .contains("hello from Spring Boot over https");

                String health = get(httpPort, "/actuator/health");
                // the autocert component is UP with its certificate's days to expiry (Boot 3 writes status first, Boot 4 last)
                String certificate = "\"details\":\\{\"boot\\.test\":\\{[^}]*\"daysToExpiry\":8\\d[^}]*\\}\\}";
                assertThat(health).containsPattern("\"autocert\":\\{(?:" + certificate + ",\"status\":\"UP\"|\"status\":\"UP\","
                        + certificate + ")\\}");
                String expiry = get(httpPort, "/actuator/metrics/autocert.certificate.expiry");
                assertThat(secondsIn(expiry)).isGreaterThan(Duration.ofDays(1).toSeconds());
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        get(httpPort, "/actuator/metrics/autocert.renewals?tag=result:success")).contains("\"value\":1.0"));
                assertThat(get(httpPort, "/actuator/metrics/autocert.renewal.failures.consecutive")).contains("\"value\":0.0");
                assertThat(get(httpPort, "/actuator/info")).contains("\"autocert\"").contains("boot.test");
                assertThat(Files.getPosixFilePermissions(storage.resolve("certificates/boot.test/privkey.pem")))
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            }

            pebble.stop();
            try (ManagedProcess app = startApp("boot-restart", pebble, httpPort, httpsPort, storage, "boot.test", List.of())) {
                app.waitForPort("127.0.0.1", httpsPort, Duration.ofSeconds(60));
                List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "boot.test", roots);
                assertThat(chain.get(0).getSerialNumber()).isEqualTo(issued.getSerialNumber());
                TlsProbe.verifyChain(chain, roots, "boot.test");
            }
        }

        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(dir.resolve("pebble-2")).start()) {
            List<X509Certificate> roots = pebble.roots();
            try (ManagedProcess app = startApp("boot-secured", pebble, httpPort, httpsPort, dir.resolve("autocert-secured"),
                    "secured.test", List.of("--autocert.challenges=http-01", "--spring.profiles.active=secured"))) {
                // issued although only http-01 may be used (autocert.challenges) and every request needs a login
                awaitServed(app, httpsPort, "secured.test", roots);
                HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).as("the application itself requires a login").isEqualTo(302);
                assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
                HttpResponse<String> challenge = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                        + "/.well-known/acme-challenge/no-such-token")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(challenge.statusCode()).as("Autocert answers the challenge path, not the login").isEqualTo(404);
            }
        }
    }

    @Test
    void withServerSslBootsConnectorServesTheManagedNamesAndItsKeystoreTheRest() throws Exception {
        int httpsPort = FreePorts.take();
        Path keystore = dir.resolve("boot.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "boot", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=other.test",
                "-ext", "SAN=dns:other.test", "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit").inheritIO().start();
        assertThat(keytool.waitFor()).isZero();
        try (Pebble pebble = Pebble.builder().httpPort(FreePorts.take()).tlsPort(httpsPort).workDir(dir.resolve("pebble")).start()) {
            List<X509Certificate> roots = pebble.roots();
            List<String> command = new ArrayList<>(List.of(java(), "-jar", System.getProperty("sample.jar"),
                    "--server.address=127.0.0.1", "--server.port=" + httpsPort,
                    "--server.ssl.key-store=" + keystore, "--server.ssl.key-store-password=changeit",
                    "--server.ssl.key-store-type=PKCS12", "--server.ssl.key-alias=boot",
                    "--autocert.domains=ssl.test", "--autocert.challenges=tls-alpn-01",
                    "--autocert.directory=" + pebble.directoryUrl(), "--autocert.ca-trust=" + pebble.caTrustPem(),
                    "--autocert.storage=" + dir.resolve("autocert"), "--autocert.preflight=false"));
            try (ManagedProcess app = ManagedProcess.start("boot-ssl", command, Map.of(), dir.resolve("ssl"))) {
                // TLS-ALPN-01 on Boot's own TLS connector: no connector is added
                awaitServed(app, httpsPort, "ssl.test", roots);
                X509Certificate other = TlsProbe.openssl("127.0.0.1", httpsPort, "other.test", null, null).chain().get(0);
                assertThat(other.getSubjectX500Principal().getName()).isEqualTo("CN=other.test");
                assertThat(app.logTail(400)).doesNotContain("added HTTPS on port");
            }
        }
    }

    @Test
    void aBadPropertyIsNamedWithItsFixAndTheApplicationServesUnlessFailFast() throws Exception {
        int httpPort = FreePorts.take();
        List<String> command = new ArrayList<>(List.of(java(), "-jar", System.getProperty("sample.jar"),
                "--server.address=127.0.0.1", "--server.port=" + httpPort, "--autocert.storage=" + dir.resolve("autocert"),
                "--autocert.domain=typo.test"));
        String named = "Property 'autocert.domain' is not a known setting (did you mean 'domains'?)";
        try (ManagedProcess app = ManagedProcess.start("boot-bad", command, Map.of(), dir.resolve("bad"))) {
            app.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(get(httpPort, "/")).contains("hello from Spring Boot over http"));
            assertThat(app.logTail(200)).contains(named).contains("Fix: rename it to autocert.domains");
        }
        command.add("--autocert.fail-fast=true");
        try (ManagedProcess app = ManagedProcess.start("boot-fail-fast", command, Map.of(), dir.resolve("fail-fast"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !app.isAlive());
            assertThat(app.logTail(200)).contains("APPLICATION FAILED TO START")
                    .contains("Autocert property 'autocert.domain' is not a known setting (did you mean 'domains'?).")
                    .contains("rename it to autocert.domains");
        }
    }

    private ManagedProcess startApp(String name, Pebble pebble, int httpPort, int httpsPort, Path storage, String domain,
                                    List<String> extra) {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", System.getProperty("sample.jar"),
                "--server.address=127.0.0.1", "--server.port=" + httpPort,
                "--autocert.https-port=" + httpsPort, "--autocert.https-address=127.0.0.1",
                "--autocert.domains=" + domain, "--autocert.email=ops@" + domain,
                "--autocert.directory=" + pebble.directoryUrl(), "--autocert.ca-trust=" + pebble.caTrustPem(),
                "--autocert.storage=" + storage, "--autocert.preflight=false"));
        command.addAll(extra);
        return ManagedProcess.start(name, command, Map.of(), dir.resolve(name));
    }

    private static X509Certificate awaitServed(ManagedProcess app, int httpsPort, String domain, List<X509Certificate> roots) {
        List<X509Certificate> served = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .failFast("the application exited", () -> !app.isAlive())
                .untilAsserted(() -> {
                    List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", httpsPort, domain, roots);
                    TlsProbe.verifyChain(chain, roots, domain);
                    served.clear();
                    served.addAll(chain);
                });
        return served.get(0);
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static double secondsIn(String metricJson) {
        Matcher m = Pattern.compile("\"value\":([0-9.E+-]+)").matcher(metricJson);
        assertThat(m.find()).as(metricJson).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
