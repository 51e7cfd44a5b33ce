package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Short-lived certificates from Pebble's {@code shortlived} profile (12 s here, 6 days at Let's Encrypt) are
 * renewed on schedule five times in a row, then renewed twenty more times on
 * demand, each swapped into the running connector (in memory, and the connector keystore rewritten
 * and reloaded) while eight clients keep opening new TLS connections and sending requests: no
 * request fails. Then the CA
 * goes away: the failure is reported and the last certificate keeps being served.
 */
class RenewalUnderLoadIT {

    private static final int CLIENTS = 8;
    private static final int FORCED_RENEWALS = 20;
    private static final int SCHEDULED_RENEWALS = 5;
    private static final Duration SHORT_LIVED = Duration.ofSeconds(12);

    @Test
    void renewalsSwapWithZeroFailedRequestsAndSurviveTheCaGoingAway() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        Path work = Path.of("target", "it", "renewal-" + System.nanoTime()).toAbsolutePath();
        Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take())
                .profile(Pebble.SHORTLIVED, "short-lived, as Let's Encrypt's 6-day profile", SHORT_LIVED)
                .workDir(work.resolve("pebble")).start();
        AutocertListener listener = PebbleListener.of(pebble, "r.test", work.resolve("store"), httpsPort);
        listener.set(Setting.RETRY_DELAY, "500ms");
        listener.set(Setting.PROFILE, Pebble.SHORTLIVED);
        List<X509Certificate> roots = pebble.roots();

        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(work.resolve("base"), httpPort, listener).start()) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "r.test", roots), roots, "r.test"));

            Set<BigInteger> serials = ConcurrentHashMap.newKeySet();
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicInteger requests = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            Instant end = Instant.now().plus(Duration.ofSeconds(150));
            for (int i = 0; i < CLIENTS; i++) {
                clients.submit(() -> {
                    while (running.get() && Instant.now().isBefore(end)) {
                        try {
                            TlsProbe.HttpsResponse r = TlsProbe.httpsGet(httpsPort, "r.test", "/page", roots);
                            if (r.status() != 200 || !r.body().contains("hello from the app")) {
                                failures.add("status " + r.status());
                            }
                            serials.add(r.chain().get(0).getSerialNumber());
                            requests.incrementAndGet();
                        } catch (RuntimeException | AssertionError e) {
                            failures.add(e.toString());
                        }
                    }
                });
            }
            X509Certificate first = listener.getAutocert().served("r.test").orElseThrow().leaf();
            assertThat(Duration.between(first.getNotBefore().toInstant(), first.getNotAfter().toInstant()))
                    .as("the profile's lifetime").isLessThanOrEqualTo(SHORT_LIVED.plusSeconds(1));
            // five renewals on the certificate's own schedule (half of a lifetime under 10 days left), under load
            long scheduledFrom = System.nanoTime();
            await().atMost(Duration.ofSeconds(90)).until(() -> serials.size() >= 1 + SCHEDULED_RENEWALS || !failures.isEmpty());
            System.out.printf("[measure] %d scheduled renewals of a %d s certificate under load: %.1f s, %d failed requests%n",
                    SCHEDULED_RENEWALS, SHORT_LIVED.toSeconds(), (System.nanoTime() - scheduledFrom) / 1e9, failures.size());
            // then twenty more, one after the other, as fast as the CA issues them
            for (int i = 0; i < FORCED_RENEWALS && failures.isEmpty(); i++) {
                BigInteger before = listener.getAutocert().served("r.test").orElseThrow().leaf().getSerialNumber();
                assertThat(listener.getAutocert().renewNow("r.test")).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> !before.equals(
                        listener.getAutocert().served("r.test").orElseThrow().leaf().getSerialNumber()));
            }
            Thread.sleep(500); // let the clients see the last one
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            System.out.printf("[measure] %d requests on new TLS connections over %d certificates, %d failed%n",
                    requests.get(), serials.size(), failures.size());
            assertThat(failures).isEmpty();
            assertThat(serials).hasSizeGreaterThanOrEqualTo(1 + SCHEDULED_RENEWALS + FORCED_RENEWALS);

            // the CA disappears: failures are reported, backed off, and the last certificate stays
            pebble.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.getAutocert().status().get(0).failures() >= 2);
            CertificateStatus status = listener.getAutocert().status().get(0);
            assertThat(status.lastError().kind()).isEqualTo(Diagnosis.Kind.CA_UNREACHABLE);
            assertThat(status.lastError().setting()).isEqualTo("directory");
            assertThat(status.nextAttempt()).isAfter(Instant.now());
            // openssl, not Java: the short-lived certificate may have expired by now, the handshake must still work
            TlsProbe.OpensslResult served = TlsProbe.openssl("127.0.0.1", httpsPort, "r.test", null, null);
            assertThat(served.handshakeOk()).as(served.output()).isTrue();
            assertThat(served.chain().get(0))
                    .isEqualTo(listener.getAutocert().served("r.test").orElseThrow().leaf());
        } finally {
            pebble.close();
        }
    }
}
