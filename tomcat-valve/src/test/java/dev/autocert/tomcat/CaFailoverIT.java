package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.status.AutocertJmx;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.MaintenanceFront;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.management.MBeanServer;
import javax.security.auth.x500.X500Principal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real Pebbles behind {@code directory="<first>,<second>"}: the first CA refuses (a front answering 503 to
 * everything, or a Pebble that was stopped), so after {@code caFailoverAfter} attempts, counted at the front and in
 * the log, the second issues; status, JMX and the log name it, and the failover is one WARNING naming both CAs. Once
 * the first is healthy again, the next renewal is ordered from it. External Account Binding per CA: a second CA that
 * requires it binds the account with the second entry of {@code eabKid}/{@code eabHmacKey}; a first CA that requires
 * it without an entry fails each attempt naming {@code eabKid} and the entry to fill, then the second issues. Both
 * Pebbles' HTTPS roots are in one {@code caTrust} file.
 */
class CaFailoverIT {

    private static final String NAME = "failover.test";
    private static final int FAILOVER_AFTER = 3;
    private static final String EAB_KID = "failover-kid";
    /** 32 bytes, base64url: the MAC key the EAB Pebbles know for {@link #EAB_KID}. */
    private static final String EAB_HMAC = "jFFOM6pfJAIvsJFnwuwP5atW32vrxovMgkAfUZMN__E";

    @TempDir
    Path dir;

    @Test
    void aFirstCaAnswering503HandsOverToTheSecondAndGetsTheNextRenewalOnceHealthy() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble first = pebble("first", httpPort); Pebble second = pebble("second", httpPort);
             MaintenanceFront front = new MaintenanceFront(first)) {
            AutocertListener listener = listener(front.directoryUrl() + "," + second.directoryUrl(), httpsPort, first, second);
            try (LogCapture log = new LogCapture("dev.autocert");
                 EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                long t0 = System.nanoTime();
                CertificateStatus issued = awaitIssuedBy(listener, second.directoryUrl());
                System.out.printf("[measure] CaFailoverIT 503 front: issued by the second CA %.1f s after start,"
                        + " %d requests refused at the front%n", (System.nanoTime() - t0) / 1e9, front.refused.get());
                // one request per attempt, and one for the login Autocert.prepare does while the container starts
                assertThat(front.refused).as("requests at the first CA, counted at its front").hasValue(FAILOVER_AFTER + 1);
                assertThat(failedAttempts(log)).hasSize(FAILOVER_AFTER);
                assertIssuedBy(issued, second, httpsPort);
                assertThat(issuerOf(httpsPort, second)).isNotEqualTo(first.intermediates().get(0).getSubjectX500Principal());
                assertThat(second.ordersPlaced()).isEqualTo(1);
                assertThat(first.ordersPlaced()).isZero();
                List<String> failovers = failovers(log);
                assertThat(failovers).as("one WARNING for the failover").singleElement().asString()
                        .startsWith("WARNING dev.autocert.renew.CertificateManager: ").contains(FAILOVER_AFTER + " attempts in a row failed at " + front.directoryUrl())
                        .contains("the next attempts go to " + second.directoryUrl()).contains("Last failure: the CA reported an error: the CA says \"down for maintenance\"");
                assertThat(log.messages()).anyMatch(m -> m.contains("Certificate for [" + NAME + "] issued by " + second.directoryUrl()));

                front.refusing.set(false);
                listener.getAutocert().renewNow(NAME);
                CertificateStatus renewed = awaitIssuedBy(listener, front.directoryUrl());
                assertIssuedBy(renewed, first, httpsPort);
                assertThat(first.ordersPlaced()).as("the next renewal starts at the first CA").isEqualTo(1);
                assertThat(second.ordersPlaced()).isEqualTo(1);
                assertThat(front.refused).hasValue(FAILOVER_AFTER + 1);
                assertThat(failedAttempts(log)).hasSize(FAILOVER_AFTER);
                assertThat(log.messages()).as("no ARI 'replaces' for the second CA's certificate at the first")
                        .noneMatch(m -> m.contains("Ordered a certificate for [" + NAME + "] from " + front.directoryUrl() + ", replacing"));
                assertThat(failovers(log)).hasSize(1);
            }
        }
    }

    @Test
    void aStoppedFirstPebbleHandsOverToTheSecondWhoseAccountIsBoundWithTheSecondEabEntry() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble first = pebble("first", httpPort);
             Pebble second = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).externalAccount(EAB_KID, EAB_HMAC)
                     .workDir(dir.resolve("second")).start()) {
            first.stop();
            AutocertListener listener = listener(first.directoryUrl() + "," + second.directoryUrl(), httpsPort, first, second);
            listener.set(Setting.EAB_KID, "," + EAB_KID);
            listener.set(Setting.EAB_HMAC_KEY, "," + EAB_HMAC);
            try (LogCapture log = new LogCapture("dev.autocert");
                 EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                long t0 = System.nanoTime();
                CertificateStatus issued = awaitIssuedBy(listener, second.directoryUrl());
                System.out.printf("[measure] CaFailoverIT stopped Pebble: issued by the second CA %.1f s after start%n",
                        (System.nanoTime() - t0) / 1e9);
                assertIssuedBy(issued, second, httpsPort);
                assertThat(failedAttempts(log)).as("failed attempts at the stopped Pebble").hasSize(FAILOVER_AFTER)
                        .allMatch(m -> m.contains("the CA cannot be reached"));
                assertThat(failovers(log)).singleElement().asString().contains(first.directoryUrl(), second.directoryUrl());
            }
        }
    }

    @Test
    void aFirstCaRequiringEabWithoutItsEntryIsDiagnosedNamingTheEntryAndTheSecondIssues() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble first = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).externalAccount(EAB_KID, EAB_HMAC)
                .workDir(dir.resolve("first")).start();
             Pebble second = pebble("second", httpPort)) {
            AutocertListener listener = listener(first.directoryUrl() + "," + second.directoryUrl(), httpsPort, first, second);
            try (LogCapture log = new LogCapture("dev.autocert");
                 EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                assertIssuedBy(awaitIssuedBy(listener, second.directoryUrl()), second, httpsPort);
                assertThat(failedAttempts(log)).hasSize(FAILOVER_AFTER).allSatisfy(m -> assertThat(m)
                        .contains("the CA refused the account: the CA at " + first.directoryUrl()
                                + " only accepts accounts bound to an external account")
                        .contains("Fix: set eabKid and eabHmacKey from the CA's console as entry 1 of each (one entry per CA"
                                + " of directory, e.g. eabKid=\"kid-1,\")")
                        .contains("setting 'eabKid'"));
                assertThat(first.ordersPlaced()).isZero();
            }
        }
    }

    private Pebble pebble(String name, int httpPort) {
        return Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(dir.resolve(name)).start();
    }

    /** A listener for {@link #NAME} on those CAs, trusting both Pebbles' HTTPS, retrying after 1 s. */
    private AutocertListener listener(String directory, int httpsPort, Pebble... pebbles) throws IOException {
        Path trust = dir.resolve("ca-trust.pem");
        StringBuilder pem = new StringBuilder();
        for (Pebble p : pebbles) {
            pem.append(Files.readString(p.caTrustPem()));
        }
        Files.writeString(trust, pem);
        AutocertListener listener = PebbleListener.of(pebbles[0], NAME, dir.resolve("store"), httpsPort);
        listener.set(Setting.DIRECTORY, directory);
        listener.set(Setting.CA_TRUST, trust.toString());
        listener.set(Setting.CA_FAILOVER_AFTER, String.valueOf(FAILOVER_AFTER));
        listener.set(Setting.RETRY_DELAY, "1s");
        listener.set(Setting.CHALLENGES, "http-01");
        listener.set(Setting.PREFLIGHT, "false");
        return listener;
    }

    private static CertificateStatus awaitIssuedBy(AutocertListener listener, String directory) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                .until(() -> directory.equals(listener.getAutocert().status().get(0).issuedBy())
                        && listener.getAutocert().status().get(0).failures() == 0);
        return listener.getAutocert().status().get(0);
    }

    /**
     * The served chain verifies against {@code by}'s roots, its leaf issued by {@code by}'s intermediate (Pebble names
     * each with a random suffix); JMX names the CA as status does.
     */
    private void assertIssuedBy(CertificateStatus status, Pebble by, int httpsPort) throws Exception {
        assertThat(status.failures()).isZero();
        assertThat(issuerOf(httpsPort, by)).isEqualTo(by.intermediates().get(0).getSubjectX500Principal());
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        assertThat(mbeans.getAttribute(AutocertJmx.objectName(dir.resolve("store"), NAME), "IssuedBy"))
                .isEqualTo(status.issuedBy());
    }

    /** @return the issuer of the leaf served now, whose chain verifies against {@code by}'s roots */
    private static X500Principal issuerOf(int httpsPort, Pebble by) {
        List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", httpsPort, NAME, by.roots());
        TlsProbe.verifyChain(chain, by.roots(), NAME);
        return chain.get(0).getIssuerX500Principal();
    }

    private static List<String> failedAttempts(LogCapture log) {
        return log.messages().stream().filter(m -> m.contains("Could not obtain the certificate for [" + NAME + "]")).toList();
    }

    /** @return the failover log lines, each with its level and logger */
    private static List<String> failovers(LogCapture log) {
        return log.text().lines().filter(m -> m.contains("attempts in a row failed at")).toList();
    }
}
