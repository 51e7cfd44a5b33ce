package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.renew.RenewalPolicy;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.toolbox.AcmeUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Renewal the way Pebble 2.10 asks for it: the certificate profile named in {@code profile}, the renewal time
 * drawn inside Pebble's renewal window (ARI) and kept across a restart without asking Pebble again, an early
 * renewal when Pebble's window moves into the past, with the order naming the certificate it replaces (read
 * back from Pebble's own order), and an unknown profile refused with the list Pebble offers.
 */
class AriProfilesIT {

    private static final Pattern WINDOW = Pattern.compile("\"start\":\\s*\"([^\"]+)\",\\s*\"end\":\\s*\"([^\"]+)\"");

    @TempDir
    Path dir;

    @Test
    void theProfileAndTheCasRenewalWindowDecideAndAnEarlyRenewalNamesTheCertificateItReplaces() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        Path store = dir.resolve("store");
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take())
                .profile("default", "ninety days", Duration.ofDays(90)).profile("week", "seven days", Duration.ofDays(7))
                .workDir(dir.resolve("pebble")).start()) {
            List<X509Certificate> roots = pebble.roots();
            X509Certificate first;
            CertificateStatus decided;
            AutocertListener listener = listener(pebble, store, httpsPort);
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                first = awaitServed(httpsPort, roots, null);
                Duration lifetime = Duration.between(first.getNotBefore().toInstant(), first.getNotAfter().toInstant());
                assertThat(lifetime).as("the 'week' profile").isBetween(Duration.ofDays(7).minusMinutes(2), Duration.ofDays(7).plusMinutes(2));

                await().atMost(Duration.ofSeconds(15))
                        .until(() -> RenewalPolicy.ARI_WINDOW.equals(listener.getAutocert().status().get(0).nextReason()));
                decided = listener.getAutocert().status().get(0);
                Matcher w = WINDOW.matcher(pebble.renewalInfo(AcmeUtils.getRenewalUniqueIdentifier(first)));
                assertThat(w.find()).isTrue();
                assertThat(decided.nextAttempt()).as("inside Pebble's window")
                        .isAfterOrEqualTo(Instant.parse(w.group(1))).isBefore(Instant.parse(w.group(2)));
                assertThat(decided.renewalInfoCheck()).as("Pebble's Retry-After: 6 hours")
                        .isBetween(Instant.now().plus(Duration.ofHours(6)).minusSeconds(60), Instant.now().plus(Duration.ofHours(6)));
            }

            // a restart serves the stored certificate with the stored decision: Pebble is not asked again before its Retry-After
            AutocertListener again = listener(pebble, store, httpsPort);
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, again).start()) {
                Thread.sleep(500);
                CertificateStatus restarted = again.getAutocert().status().get(0);
                assertThat(restarted.nextAttempt()).isEqualTo(decided.nextAttempt());
                assertThat(restarted.renewalInfoCheck()).isEqualTo(decided.renewalInfoCheck());
                assertThat(restarted.nextReason()).isEqualTo(RenewalPolicy.ARI_WINDOW);
            }

            // Pebble now says "renew now" (a window in the past, as before a mass revocation); the next check
            // (forced by removing the stored decision) renews at once, and the order says what it replaces
            Instant past = Instant.now().minus(Duration.ofHours(2));
            pebble.setRenewalInfo(first, "{\"suggestedWindow\": {\"start\": \"" + past + "\", \"end\": \"" + past.plusSeconds(60) + "\"}}");
            Files.delete(store.resolve("certificates/ari.test/schedule"));
            Path firstFolder = copy(store.resolve("certificates/ari.test"), dir.resolve("first-folder"));
            try (LogCapture log = new LogCapture("dev.autocert.acme.Issuer");
                 EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener(pebble, store, httpsPort)).start()) {
                X509Certificate second = awaitServed(httpsPort, roots, first);
                assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
                assertThat(log.messages()).anyMatch(m -> m.contains("Ordered a certificate for [ari.test]")
                        && m.contains("replacing " + AcmeUtils.getRenewalUniqueIdentifier(first) + " (the CA's order says so)"));
            }

            // the store holds the first certificate again (a backup restored): the CA refuses it as the one replaced,
            // having replaced it already, and the same order without 'replaces' is placed at once
            copy(firstFolder, store.resolve("certificates/ari.test"));
            try (LogCapture log = new LogCapture("dev.autocert.acme.Issuer");
                 EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener(pebble, store, httpsPort)).start()) {
                X509Certificate third = awaitServed(httpsPort, roots, first);
                assertThat(log.messages()).anyMatch(m -> m.contains("The CA refuses the certificate for [ari.test]")
                        && m.contains("ordering without 'replaces'"));
                assertThat(third.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
            }
        }
    }

    @Test
    void aProfileTheCaDoesNotOfferIsOneErrorListingItsProfiles() throws Exception {
        int httpPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take())
                .profile("default", "ninety days", Duration.ofDays(90)).profile("week", "seven days", Duration.ofDays(7))
                .workDir(dir.resolve("pebble")).start()) {
            AutocertListener listener = listener(pebble, dir.resolve("store"), FreePorts.take());
            listener.set(Setting.PROFILE, "tiny");
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                await().atMost(Duration.ofSeconds(15)).until(() -> listener.getAutocert().status().get(0).failures() > 0);
                Diagnosis d = listener.getAutocert().status().get(0).lastError();
                assertThat(d.kind()).isEqualTo(Diagnosis.Kind.PROFILE_NOT_OFFERED);
                assertThat(d.setting()).isEqualTo("profile");
                assertThat(d.evidence()).contains("offers the profiles default (ninety days), week (seven days), not 'tiny'");
                assertThat(d.fix()).isEqualTo("set profile to one of default, week, or remove it");
            }
        }
    }

    private static AutocertListener listener(Pebble pebble, Path store, int httpsPort) {
        AutocertListener listener = PebbleListener.of(pebble, "ari.test", store, httpsPort);
        listener.set(Setting.PROFILE, "week");
        listener.set(Setting.RETRY_DELAY, "2s");
        return listener;
    }

    private static X509Certificate awaitServed(int httpsPort, List<X509Certificate> roots, X509Certificate replaced) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            X509Certificate leaf = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "ari.test", roots).get(0);
            return replaced == null || !leaf.getSerialNumber().equals(replaced.getSerialNumber());
        });
        List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "ari.test", roots);
        TlsProbe.verifyChain(chain, roots, "ari.test");
        return chain.get(0);
    }

    /** Copies a folder's files into {@code to} (created), replacing those there; @return {@code to} */
    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }
}
