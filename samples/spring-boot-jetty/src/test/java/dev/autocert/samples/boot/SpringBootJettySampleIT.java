package dev.autocert.samples.boot;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.ManagedProcess;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample on embedded Jetty, started with {@code java -jar} against a local Pebble: one certificate over
 * TLS-ALPN-01 on the HTTPS connector the starter adds, another over HTTP-01 on Boot's HTTP connector.
 */
class SpringBootJettySampleIT {

    @TempDir
    Path dir;

    @Test
    void issuesOverTlsAlpnAndOverHttp01() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(dir.resolve("pebble")).start()) {
            List<X509Certificate> roots = pebble.roots();
            for (String challenge : List.of("tls-alpn-01", "http-01")) {
                String domain = challenge.replace("-01", "") + ".jetty.test";
                long started = System.nanoTime();
                try (ManagedProcess app = ManagedProcess.start("jetty-" + challenge, List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", System.getProperty("sample.jar"),
                        "--server.address=127.0.0.1", "--server.port=" + httpPort,
                        "--autocert.https-port=" + httpsPort, "--autocert.https-address=127.0.0.1",
                        "--autocert.domains=" + domain, "--autocert.challenges=" + challenge,
                        "--autocert.directory=" + pebble.directoryUrl(), "--autocert.ca-trust=" + pebble.caTrustPem(),
                        "--autocert.storage=" + dir.resolve("autocert-" + challenge), "--autocert.preflight=false"),
                        Map.of(), dir.resolve(challenge))) {
                    List<X509Certificate> served = new ArrayList<>();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                            .failFast("the application exited", () -> !app.isAlive())
                            .untilAsserted(() -> {
                                List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", httpsPort, domain, roots);
                                TlsProbe.verifyChain(chain, roots, domain);
                                served.addAll(chain);
                            });
                    System.out.printf("spring-boot-jetty sample (%s): java -jar to CA-issued certificate served: %.2f s%n",
                            challenge, (System.nanoTime() - started) / 1e9);
                    assertThat(TlsProbe.httpsGet(httpsPort, domain, "/", roots).body()).contains("hello from Spring Boot over https");
                    assertThat(app.logTail(400)).as("Boot runs Jetty, not Tomcat").contains("Jetty started").doesNotContain("Tomcat started");
                }
            }
        }
    }
}
