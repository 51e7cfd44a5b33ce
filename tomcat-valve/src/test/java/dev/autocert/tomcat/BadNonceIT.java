package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pebble rejecting half of all nonces ({@code PEBBLE_WFE_NONCEREJECT=50}, a CA under load): acme4j resends a
 * request refused with {@code badNonce} with a fresh nonce (up to 10 times), so 20 certificates are all issued,
 * and the attempts that still failed are retried by the schedule.
 */
class BadNonceIT {

    @TempDir
    Path dir;

    @Test
    void halfTheNoncesRejectedAndTwentyOfTwentyCertificatesIssued() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        String domains = IntStream.rangeClosed(1, 20).mapToObj(i -> "n" + i + ".test").collect(Collectors.joining(";"));
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).env("PEBBLE_WFE_NONCEREJECT", "50")
                .workDir(dir.resolve("pebble")).start()) {
            AutocertListener listener = PebbleListener.of(pebble, domains, dir.resolve("store"), httpsPort);
            listener.set(Setting.RETRY_DELAY, "1s");
            List<X509Certificate> roots = pebble.roots();
            assertThat(pebble.pebbleProcess().logTail(1000)).contains("Configured to reject 50% of good nonces");
            try (LogCapture managerLog = new LogCapture("dev.autocert.renew.CertificateManager");
                 EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> listener.getAutocert().status().stream().allMatch(s -> s.notAfter() != null));
                for (int i = 1; i <= 20; i++) {
                    TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "n" + i + ".test", roots), roots, "n" + i + ".test");
                }
                List<CertificateStatus> status = listener.getAutocert().status();
                assertThat(status).hasSize(20).allMatch(s -> s.failures() == 0 && s.lastError() == null);
                // acme4j gives up on a request after 10 rejected nonces in a row (1 in 1024 here): such an attempt
                // is retried by the schedule, and nothing else may have failed
                List<String> failed = managerLog.messages().stream().filter(m -> m.startsWith("Could not obtain the certificate")).toList();
                System.out.println("BadNonceIT: 20 of 20 issued, failed attempts " + failed.size());
                assertThat(failed).hasSizeLessThan(5).allMatch(m -> m.toLowerCase(Locale.ROOT).contains("nonce"));
            }
        }
    }
}
