package dev.autocert.renew;

import dev.autocert.TestCerts;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.KeyType;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.MemoryStore;
import dev.autocert.store.Store;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.LiveCertificates;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The manager with a fake certificate source, a store held in memory (the {@link Store} seam: no file is
 * written) and a clock the test moves: what it serves, stores, schedules and tells, without a CA.
 */
class CertificateManagerTest {

    private final MemoryStore store = new MemoryStore();
    private final FakeSource source = new FakeSource();
    private final LiveCertificates live = new LiveCertificates();
    private final MovableClock clock = new MovableClock(Instant.now());
    private final List<String> told = new CopyOnWriteArrayList<>();
    private CertificateManager manager;

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
    }

    private CertificateManager manager(String domains) throws Exception {
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", domains, "directory", "https://127.0.0.1:1/dir",
                "retryDelay", "50ms"), Path.of("unused-by-a-memory-store"));
        manager = new CertificateManager(config, store, List.of(source), live, clock);
        manager.addListener(new CertificateEvents() {
            @Override
            public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
                told.add((fresh ? "issued " : "loaded ") + spec.name());
            }

            @Override
            public void failed(CertificateSpec spec, Diagnosis diagnosis) {
                told.add("failed " + spec.name() + " " + diagnosis.kind());
            }

            @Override
            public void expiring(CertificateSpec spec, CertifiedKey certificate, Diagnosis diagnosis) {
                told.add("expiring " + spec.name());
            }
        });
        return manager;
    }

    @Test
    void aStoredCertificateIsServedAtOnceAndNotReissuedBeforeItIsDue() throws Exception {
        CertifiedKey stored = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        store.saveCertificate("a.test", stored);
        manager("a.test");
        assertThat(manager.loadStored()).isEqualTo(1);
        assertThat(manager.anyDue()).as("nothing to order: the CA is not contacted ahead").isFalse();
        assertThat(live.lookup("a.test")).containsSame(stored);
        assertThat(told).containsExactly("loaded a.test");
        manager.start();
        CertificateStatus status = manager.status().get(0);
        assertThat(status.notAfter()).isEqualTo(stored.notAfter());
        assertThat(status.nextReason()).isEqualTo(RenewalPolicy.LIFETIME);
        assertThat(status.nextAttempt()).isAfter(clock.instant());
        Thread.sleep(200);
        assertThat(source.issued).hasValue(0);
    }

    @Test
    void aNewerCertificateAnotherNodeStoredIsServedAndToldAsFreshAnOlderOneIsNot() throws Exception {
        CertifiedKey mine = TestCerts.selfSigned(clock.instant().minus(Duration.ofDays(10)),
                clock.instant().plus(Duration.ofDays(80)), "a.test");
        store.saveCertificate("a.test", mine);
        manager("a.test").loadStored();
        manager.start();
        assertThat(manager.adoptStored("a.test")).as("the same certificate").isFalse();

        CertifiedKey older = TestCerts.selfSigned(clock.instant().minus(Duration.ofDays(20)),
                clock.instant().plus(Duration.ofDays(70)), "a.test");
        store.saveCertificate("a.test", older);
        assertThat(manager.adoptStored("a.test")).as("an older one").isFalse();

        CertifiedKey newer = TestCerts.selfSigned(clock.instant().minus(Duration.ofMinutes(1)),
                clock.instant().plus(Duration.ofDays(90)), "a.test");
        store.saveCertificate("a.test", newer);
        assertThat(manager.adoptStored("a.test")).isTrue();
        assertThat(live.lookup("a.test")).containsSame(newer);
        assertThat(live.served("a.test")).containsSame(newer);
        assertThat(manager.status().get(0).notAfter()).isEqualTo(newer.notAfter());
        assertThat(told).containsExactly("loaded a.test", "issued a.test"); // adapters swap it into their keystores
        assertThat(manager.adoptStored("unknown.test")).isFalse();
        assertThat(source.issued).hasValue(0);
    }

    @Test
    void aMissingCertificateIsIssuedStoredServedAndTold() throws Exception {
        assertThat(manager("a.test,www.a.test").anyDue()).isTrue();
        manager.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("issued a.test"));
        assertThat(store.certificates.get("a.test").names()).containsExactly("a.test", "www.a.test");
        assertThat(live.lookup("www.a.test")).containsSame(store.certificates.get("a.test"));
        assertThat(manager.status().get(0).nextReason()).isEqualTo(RenewalPolicy.LIFETIME);
        assertThat(manager.status().get(0).failures()).isZero();
    }

    @Test
    void aStoreThatTurnsReadOnlyIsNamedWhileTheNewCertificateIsServed() throws Exception {
        manager("a.test").start();
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("issued a.test"));
        CertifiedKey first = store.certificates.get("a.test");
        store.readOnly = true;
        manager.renewNow("a.test");
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("failed a.test STORAGE_FAILED"));
        await().atMost(Duration.ofSeconds(5)).until(() -> live.lookup("a.test").filter(k -> k != first).isPresent());
        // installed before the store's failure is told: a handshake waiting on demand for the name gets it
        assertThat(told).containsExactly("issued a.test", "issued a.test", "failed a.test STORAGE_FAILED");
        CertificateStatus status = manager.status().get(0);
        assertThat(status.lastError().setting()).isEqualTo("storage");
        assertThat(status.lastError().evidence()).contains("Read-only file system");
        assertThat(store.certificates.get("a.test")).as("the store still holds the last one it could keep").isSameAs(first);

        store.readOnly = false;
        manager.renewNow("a.test");
        await().atMost(Duration.ofSeconds(5)).until(() -> store.certificates.get("a.test") != first);
        assertThat(manager.status().get(0).lastError()).isNull();
    }

    @Test
    void failuresBackOffAreToldOnceAnHourAndTheNextSuccessClearsThem() throws Exception {
        source.failuresToCome.set(3);
        manager("a.test").start();
        await().atMost(Duration.ofSeconds(5)).until(() -> source.attempts.get() >= 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("issued a.test"));
        // three failures at the same clock time: the listeners heard of the first only
        assertThat(told).containsExactly("failed a.test CA_UNREACHABLE", "issued a.test");
        assertThat(manager.status().get(0).failures()).isZero();
        assertThat(manager.status().get(0).lastError()).isNull();

        source.failuresToCome.set(1);
        clock.advance(Duration.ofHours(1));
        manager.renewNow("a.test");
        await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 4);
        assertThat(told.get(2)).isEqualTo("failed a.test CA_UNREACHABLE"); // an hour later: told again
    }

    @Test
    void aFailureShowsInTheStatusWithTheRetryPlanned() throws Exception {
        source.failuresToCome.set(Integer.MAX_VALUE);
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "a.test", "directory", "https://127.0.0.1:1/dir",
                "retryDelay", "1h"), Path.of("unused"));
        manager = new CertificateManager(config, store, List.of(source), live, clock);
        manager.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.status().get(0).failures() == 1);
        CertificateStatus status = manager.status().get(0);
        assertThat(status.nextReason()).isEqualTo("retry 2 after a failure");
        assertThat(status.lastError().kind()).isEqualTo(Diagnosis.Kind.CA_UNREACHABLE);
        assertThat(Duration.between(clock.instant(), status.nextAttempt())).isBetween(Duration.ofMinutes(47), Duration.ofMinutes(73));
        assertThat(status.notAfter()).isNull();
    }

    @Test
    void aSlowListenerNeverBlocksTheStatus() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inListener = new CountDownLatch(1);
        manager("a.test").addListener(new CertificateEvents() {
            @Override
            public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
                inListener.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // a keystore rewrite and reload that takes its time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        manager.start();
        assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue();
        long t = System.nanoTime();
        CertificateStatus status = manager.status().get(0);
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(2));
        assertThat(status.notAfter()).isNotNull();
        release.countDown();
    }

    @Test
    void aRateLimitInTheStoreHoldsTheFirstOrderUntilItLifts() throws Exception {
        store.saveRateLimit("a.test", Optional.of(clock.instant().plus(Duration.ofHours(2))));
        manager("a.test").loadStored();
        manager.start();
        assertThat(manager.status().get(0).nextReason()).isEqualTo("when the CA's rate limit lifts");
        Thread.sleep(200);
        assertThat(source.attempts).hasValue(0);
    }

    @Test
    void aRenewalAskedForDuringAnAttemptJoinsIt() throws Exception {
        source.hold = new CountDownLatch(1);
        manager("a.test").start();
        await().atMost(Duration.ofSeconds(5)).until(() -> source.attempts.get() == 1);
        for (int i = 0; i < 5; i++) {
            assertThat(manager.renewNow("a.test")).isTrue();
        }
        source.hold.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("issued a.test"));
        Thread.sleep(200);
        assertThat(source.attempts).hasValue(1);
    }

    @Test
    void theCasWindowSetsTheRenewalTimeAndARestartKeepsItWithoutAskingAgain() throws Exception {
        CertifiedKey stored = SelfSigned.temporary(List.of("a.test"), KeyType.EC256); // valid 30 days
        store.saveCertificate("a.test", stored);
        Instant now = clock.instant();
        source.window = new RenewalWindow(now.plus(Duration.ofDays(10)), now.plus(Duration.ofDays(11)), now.plus(Duration.ofHours(6)));
        manager("a.test").loadStored();
        manager.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> RenewalPolicy.ARI_WINDOW.equals(manager.status().get(0).nextReason()));
        CertificateStatus decided = manager.status().get(0);
        assertThat(decided.nextAttempt()).isAfterOrEqualTo(source.window.start()).isBefore(source.window.end());
        assertThat(decided.renewalInfoCheck()).isEqualTo(source.window.checkAgainAt());
        assertThat(source.windowsAsked).hasValue(1);
        assertThat(store.schedules.get("a.test").renewAt()).isEqualTo(decided.nextAttempt());
        manager.close();

        // a restart: the same decision, and the CA is not asked before the time it gave
        manager("a.test").loadStored();
        manager.start();
        Thread.sleep(200);
        assertThat(manager.status().get(0).nextAttempt()).isEqualTo(decided.nextAttempt());
        assertThat(manager.status().get(0).nextReason()).isEqualTo(RenewalPolicy.ARI_WINDOW);
        assertThat(source.windowsAsked).hasValue(1);
        assertThat(source.issued).hasValue(0);
    }

    @Test
    void aWindowThatStartedRenewsNowAndTheOrderNamesTheCertificateItReplaces() throws Exception {
        CertifiedKey stored = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        store.saveCertificate("a.test", stored);
        Instant now = clock.instant();
        source.window = new RenewalWindow(now.minus(Duration.ofHours(1)), now.plusSeconds(1), now.plus(Duration.ofHours(6)));
        manager("a.test").loadStored();
        manager.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("issued a.test"));
        await().atMost(Duration.ofSeconds(5)).until(() -> source.windowsAsked.get() == 2);
        Thread.sleep(200);
        assertThat(source.replaced).containsExactly(stored);
        assertThat(live.lookup("a.test")).isNotEqualTo(Optional.of(stored));
        // the CA says "now" for the new certificate too: not renewed again within the hour, no loop of orders
        assertThat(source.issued).hasValue(1);
        assertThat(manager.status().get(0).renewalInfoCheck()).isEqualTo(clock.instant().plus(CertificateManager.RENEWAL_INFO_RETRY));
    }

    @Test
    void aCaWithoutRenewalInformationKeepsTheLifetimeRuleAndIsNotAskedAgain() throws Exception {
        store.saveCertificate("a.test", SelfSigned.temporary(List.of("a.test"), KeyType.EC256));
        manager("a.test").loadStored();
        manager.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> source.windowsAsked.get() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.status().get(0).renewalInfoCheck() == null);
        assertThat(manager.status().get(0).nextReason()).isEqualTo(RenewalPolicy.LIFETIME);
        assertThat(store.schedules.get("a.test").renewalInfoCheck()).isNull();
    }

    @Test
    void anExpiredCertificateWithTheCaUnreachableKeepsServingLoudly() throws Exception {
        Instant now = clock.instant();
        CertifiedKey expired = TestCerts.selfSigned(now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(1)), "a.test");
        store.saveCertificate("a.test", expired);
        source.failuresToCome.set(Integer.MAX_VALUE);
        manager("a.test").loadStored();
        manager.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains("expiring a.test"));
        assertThat(live.lookup("a.test")).as("still served: better than none").containsSame(expired);
        CertificateStatus status = manager.status().get(0);
        assertThat(status.state(clock.instant())).isEqualTo(CertificateStatus.State.EXPIRED);
        assertThat(status.failures()).isPositive();
        // told once a day, not at every retry
        Thread.sleep(300);
        assertThat(told.stream().filter(t -> t.startsWith("expiring"))).hasSize(1);
    }

    /** Issues self-signed certificates for the spec's names, after failing as often as asked. */
    private static final class FakeSource implements CertificateSource {
        final AtomicInteger failuresToCome = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger issued = new AtomicInteger();
        /** When set, an attempt waits for it: an order in progress. */
        volatile CountDownLatch hold;
        /** The CA's renewal window, or none (a CA without ARI). */
        volatile RenewalWindow window;
        final AtomicInteger windowsAsked = new AtomicInteger();
        final List<CertifiedKey> replaced = new CopyOnWriteArrayList<>();
        /** When set, each failure says the CA takes no order before then (a rate limit). */
        volatile Instant retryAfter;

        @Override
        public Optional<RenewalWindow> renewalWindow(CertifiedKey certificate) {
            windowsAsked.incrementAndGet();
            return Optional.ofNullable(window);
        }

        @Override
        public CertifiedKey issue(CertificateSpec spec, CertifiedKey replacing) throws DiagnosedException, InterruptedException {
            attempts.incrementAndGet();
            if (replacing != null) {
                replaced.add(replacing);
            }
            if (hold != null) {
                hold.await(10, TimeUnit.SECONDS);
            }
            if (failuresToCome.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.CA_UNREACHABLE, "test", "none", "directory"), null,
                        retryAfter);
            }
            issued.incrementAndGet();
            return SelfSigned.temporary(spec.domains(), KeyType.EC256);
        }

        @Override
        public List<String> validatedBy(List<String> domains) {
            return List.of();
        }
    }

    // --- several CAs ----------------------------------------------------------------------------

    private static final String FIRST_CA = "https://ca-one.test/dir";
    private static final String SECOND_CA = "https://ca-two.test/dir";

    /** A manager of a.test with two CAs, {@code second} behind {@link #source}; retries an hour apart, so only renewNow moves. */
    private CertificateManager twoCas(FakeSource second, String failoverAfter) throws Exception {
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "a.test", "directory", FIRST_CA + "," + SECOND_CA,
                "retryDelay", "1h", "caFailoverAfter", failoverAfter), Path.of("unused"));
        manager = new CertificateManager(config, store, List.of(source, second), live, clock);
        return manager;
    }

    /** Runs one attempt now and waits until it failed, {@code failures} in a row then. */
    private CertificateStatus attempt(int failures) {
        manager.renewNow("a.test");
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.status().get(0).failures() == failures);
        return manager.status().get(0);
    }

    /** Runs one attempt now and waits until its certificate is served. */
    private CertificateStatus issuedNow() {
        CertifiedKey before = live.served("a.test").orElse(null);
        manager.renewNow("a.test");
        await().atMost(Duration.ofSeconds(5)).until(() -> live.served("a.test").orElse(null) != before);
        return manager.status().get(0);
    }

    private final FakeSource second = new FakeSource();

    private Duration untilNext(CertificateStatus status) {
        return Duration.between(clock.instant(), status.nextAttempt());
    }

    @Test
    void afterCaFailoverAfterFailuresTheNextCaIssuesAfterRetryDelayAndTheNextRenewalStartsAtTheFirst() throws Exception {
        source.failuresToCome.set(Integer.MAX_VALUE);
        twoCas(second, "3").start();
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.status().get(0).failures() == 1);
        assertThat(untilNext(manager.status().get(0))).isBetween(Duration.ofMinutes(47), Duration.ofMinutes(73));
        assertThat(untilNext(attempt(2))).as("the first CA's back-off doubles").isBetween(Duration.ofMinutes(95), Duration.ofMinutes(145));
        CertificateStatus third = attempt(3);
        assertThat(untilNext(third)).as("the next CA is asked after retryDelay, not after the back-off the first earned")
                .isBetween(Duration.ofMinutes(47), Duration.ofMinutes(73));
        assertThat(source.attempts).hasValue(3);
        assertThat(second.attempts).hasValue(0);

        CertificateStatus issued = issuedNow();
        assertThat(second.issued).hasValue(1);
        assertThat(issued.issuedBy()).isEqualTo(SECOND_CA);
        assertThat(issued.lastError()).isNull();
        assertThat(store.schedules.get("a.test").issuedBy()).isEqualTo(URI.create(SECOND_CA));
        await().atMost(Duration.ofSeconds(5)).until(() -> second.windowsAsked.get() == 1);
        assertThat(source.windowsAsked).as("ARI is asked of the CA that issued").hasValue(0);

        source.failuresToCome.set(0);
        assertThat(issuedNow().issuedBy()).as("the next renewal starts at the first CA").isEqualTo(FIRST_CA);
        assertThat(source.replaced).as("no 'replaces' for another CA's certificate").isEmpty();
        issuedNow();
        assertThat(source.replaced).as("'replaces' for the first CA's own certificate").hasSize(1);
        assertThat(second.attempts).hasValue(1);
    }

    @Test
    void aFailingLastCaHandsBackToTheFirstWhichResumesItsOwnBackoff() throws Exception {
        source.failuresToCome.set(Integer.MAX_VALUE);
        second.failuresToCome.set(Integer.MAX_VALUE);
        twoCas(second, "2").start();
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.status().get(0).failures() == 1);
        attempt(2); // first CA twice: the next goes to the second
        assertThat(untilNext(attempt(3))).isBetween(Duration.ofMinutes(47), Duration.ofMinutes(73));
        CertificateStatus round = attempt(4); // second CA twice: back to the first, which had failed twice
        assertThat(untilNext(round)).as("the first CA's third attempt follows its own two failures, as with one CA")
                .isBetween(Duration.ofMinutes(95), Duration.ofMinutes(145));
        assertThat(source.attempts).hasValue(2);
        assertThat(second.attempts).hasValue(2);
        attempt(5);
        assertThat(source.attempts).hasValue(3);
    }

    @Test
    void aStoredRateLimitOfTheSecondCaDoesNotHoldBackAStartsAttemptAtTheFirst() throws Exception {
        store.saveRateLimit("a.test", clock.instant().plus(Duration.ofHours(2)), URI.create(SECOND_CA));
        twoCas(second, "3").loadStored();
        manager.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> source.issued.get() == 1);
        assertThat(second.attempts).hasValue(0);
    }

    @Test
    void aStoredRateLimitOfTheFirstCaHoldsBackAStartsAttempt() throws Exception {
        store.saveRateLimit("a.test", clock.instant().plus(Duration.ofHours(2)), URI.create(FIRST_CA));
        twoCas(second, "3").loadStored();
        manager.start();
        Thread.sleep(200);
        assertThat(manager.status().get(0).nextReason()).isEqualTo("when the CA's rate limit lifts");
        assertThat(source.attempts).hasValue(0);
    }

    @Test
    void aRateLimitIsStoredWithTheCaThatSetIt() throws Exception {
        source.failuresToCome.set(1);
        source.retryAfter = clock.instant().plus(Duration.ofDays(7));
        manager("a.test").start();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.limitsBy.containsKey("a.test"));
        assertThat(store.limitsBy.get("a.test")).hasToString("https://127.0.0.1:1/dir");
    }

    @Test
    void aRateLimitOfTheCaThatFailsOverDoesNotHoldBackTheNextCa() throws Exception {
        source.failuresToCome.set(1);
        source.retryAfter = clock.instant().plus(Duration.ofDays(7));
        twoCas(second, "1").start();
        await().atMost(Duration.ofSeconds(5)).until(() -> manager.status().get(0).failures() == 1);
        CertificateStatus failed = manager.status().get(0);
        assertThat(untilNext(failed)).isBetween(Duration.ofMinutes(47), Duration.ofMinutes(73));
        assertThat(failed.nextReason()).isEqualTo("retry 2 after a failure");
        assertThat(store.limits).doesNotContainKey("a.test");
        assertThat(issuedNow().issuedBy()).isEqualTo(SECOND_CA);
    }

    /** A clock that stands still until the test moves it. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
