package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.renew.Backoff;
import dev.autocert.testkit.ClientLoop;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.MaintenanceFront;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CA down during a renewal, on a shortened clock ({@code retryDelay=1s} stands for a minute): every attempt is
 * refused (a front answering 503, counted with its time), the attempts follow the back-off (each gap about twice the
 * one before, ±20 % jitter), the old certificate is served to a client that keeps connecting throughout, and once the
 * CA is back the next scheduled attempt renews, within one back-off step.
 */
class CaDownBackoffIT {

    private static final String NAME = "down.test";
    private static final int REFUSED_ATTEMPTS = 5;

    @TempDir
    Path dir;

    @Test
    void attemptsBackOffWhileTheOldCertificateServesAndTheNextStepRecovers() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(dir.resolve("pebble")).start();
             MaintenanceFront front = new MaintenanceFront(pebble)) {
            List<X509Certificate> roots = pebble.roots();
            front.refusing.set(false);
            X509Certificate old;
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener(front, pebble, httpsPort)).start()) {
                old = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> TlsProbe.javaHandshake("127.0.0.1", httpsPort, NAME, roots).get(0), c -> true);
            }

            // a new JVM's view: the CA is down from its first request on
            front.refusing.set(true);
            AutocertListener listener = listener(front, pebble, httpsPort);
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                // matched: the old certificate served while the CA is down
                ClientLoop client = ClientLoop.start(() -> TlsProbe.javaHandshake("127.0.0.1", httpsPort, NAME, roots).get(0).equals(old));
                listener.getAutocert().renewNow(NAME);
                await().atMost(Duration.ofSeconds(40)).until(() -> attempts(front.refusedAt()).size() >= REFUSED_ATTEMPTS);
                List<Instant> attempts = attempts(front.refusedAt());
                Instant back = Instant.now();
                front.refusing.set(false);
                X509Certificate renewed = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                        .until(() -> TlsProbe.javaHandshake("127.0.0.1", httpsPort, NAME, roots).get(0), leaf -> !leaf.equals(old));
                Duration recovery = Duration.between(back, Instant.now());
                client.close();

                List<Long> gaps = new ArrayList<>();
                for (int i = 1; i < attempts.size(); i++) {
                    gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
                }
                System.out.printf("[measure] CA down, retryDelay=1s: attempts %s ms apart; recovered %.1f s after the CA came back;"
                        + " %d handshakes served the old certificate, %d failed%n", gaps, recovery.toMillis() / 1000.0, client.matched(),
                        client.failed());
                Backoff backoff = new Backoff(Duration.ofSeconds(1));
                for (int i = 0; i < gaps.size(); i++) {
                    long nominal = backoff.nominal(i + 1).toMillis();
                    assertThat(gaps.get(i)).as("gap %d of %s", i + 1, gaps).isBetween(nominal * 8 / 10 - 100, nominal * 12 / 10 + 500);
                }
                long nextStep = backoff.nominal(attempts.size()).toMillis();
                assertThat(recovery.toMillis()).as("within one back-off step (%d ms nominal)", nextStep).isLessThan(nextStep * 12 / 10 + 3000);
                assertThat(renewed.getSerialNumber()).isNotEqualTo(old.getSerialNumber());
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, NAME, roots), roots, NAME);
                assertThat(client.failed()).as("handshakes failed while the CA was down").isZero();
                assertThat(client.matched()).isPositive();
            }
        }
    }

    /** The refused requests grouped into attempts: an attempt's requests come within half a second. */
    private static List<Instant> attempts(List<Instant> refused) {
        List<Instant> starts = new ArrayList<>();
        for (Instant at : refused) {
            if (starts.isEmpty() || Duration.between(starts.get(starts.size() - 1), at).toMillis() > 500) {
                starts.add(at);
            }
        }
        return starts;
    }

    private AutocertListener listener(MaintenanceFront front, Pebble pebble, int httpsPort) {
        AutocertListener listener = PebbleListener.of(pebble, NAME, dir.resolve("store"), httpsPort);
        listener.set(Setting.DIRECTORY, front.directoryUrl());
        listener.set(Setting.RETRY_DELAY, "1s");
        return listener;
    }
}
