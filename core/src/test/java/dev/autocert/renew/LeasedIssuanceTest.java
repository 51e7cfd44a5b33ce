package dev.autocert.renew;

import dev.autocert.TestCerts;
import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.MemoryCluster;
import dev.autocert.store.MemoryStore;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Orders in a cluster happen under the certificate's lease, once; the others take up what the holder stored. */
class LeasedIssuanceTest {

    private static final CertificateSpec SPEC = new CertificateSpec(List.of("a.test"));

    private final MemoryCluster cluster = new MemoryCluster();
    private final MemoryStore store = new MemoryStore();
    private final AtomicInteger orders = new AtomicInteger();
    private final Map<String, Optional<CertifiedKey>> servedByNode = new ConcurrentHashMap<>();

    /** An issuer that counts its orders and can be held in the middle of one. */
    private final class CountingIssuer implements CertificateSource {
        final CountDownLatch ordering = new CountDownLatch(1);
        final CountDownLatch mayFinish;

        CountingIssuer(CountDownLatch mayFinish) {
            this.mayFinish = mayFinish;
        }

        @Override
        public CertifiedKey issue(CertificateSpec spec, CertifiedKey replacing) throws InterruptedException {
            orders.incrementAndGet();
            ordering.countDown();
            mayFinish.await(5, TimeUnit.SECONDS);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            return TestCerts.selfSigned(now, now.plus(Duration.ofDays(90)), "a.test");
        }

        @Override
        public List<String> validatedBy(List<String> domains) {
            return List.of();
        }
    }

    private LeasedIssuance node(String id, CertificateSource issuer) {
        servedByNode.put(id, Optional.empty());
        return new LeasedIssuance(issuer, cluster.node(id), store, name -> servedByNode.get(id), Duration.ofMillis(20));
    }

    @Test
    void theHolderOrdersOnceAndTheWaitingNodeTakesUpItsCertificate() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        CountingIssuer first = new CountingIssuer(finish);
        CountingIssuer second = new CountingIssuer(new CountDownLatch(0));
        CompletableFuture<CertifiedKey> a = CompletableFuture.supplyAsync(() -> issue(node("a", first)));
        assertThat(first.ordering.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<CertifiedKey> b = CompletableFuture.supplyAsync(() -> issue(node("b", second)));
        Thread.sleep(200);
        assertThat(b).as("b waits while a holds the lease").isNotDone();
        finish.countDown();
        assertThat(b.get(5, TimeUnit.SECONDS).leaf()).isEqualTo(a.get(5, TimeUnit.SECONDS).leaf());
        assertThat(orders).hasValue(1);
        assertThat(store.certificates.get("a.test").leaf()).as("stored before the lease was released").isEqualTo(a.get().leaf());
        assertThat(cluster.leases).as("released").isEmpty();
    }

    @Test
    void aForcedRenewalOfTheCertificateThisNodeServesOrders() throws Exception {
        CertifiedKey served = TestCerts.selfSigned(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(60)), "a.test");
        store.certificates.put("a.test", served);
        LeasedIssuance a = node("a", new CountingIssuer(new CountDownLatch(0)));
        servedByNode.put("a", Optional.of(served));
        assertThat(a.issue(SPEC, null).leaf()).isNotEqualTo(served.leaf());
        assertThat(orders).hasValue(1);
    }

    @Test
    void aNewerCertificateStoredByAnotherNodeIsTakenUpWithoutAnOrder() throws Exception {
        CertifiedKey old = TestCerts.selfSigned(Instant.now().minus(Duration.ofDays(80)), Instant.now().plus(Duration.ofDays(10)), "a.test");
        CertifiedKey newer = TestCerts.selfSigned(Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(89)), "a.test");
        store.certificates.put("a.test", newer);
        LeasedIssuance a = node("a", new CountingIssuer(new CountDownLatch(0)));
        servedByNode.put("a", Optional.of(old));
        assertThat(a.issue(SPEC, null).leaf()).isEqualTo(newer.leaf());
        assertThat(orders).hasValue(0);
    }

    @Test
    void withTheStoreDownNobodyOrders() {
        cluster.down = true;
        DiagnosedException e = catchThrowableOfType(DiagnosedException.class,
                () -> node("a", new CountingIssuer(new CountDownLatch(0))).issue(SPEC, null));
        assertThat(e.diagnosis().kind()).isEqualTo(Diagnosis.Kind.STORAGE_FAILED);
        assertThat(e.diagnosis().evidence()).contains("no node orders without it");
        assertThat(orders).hasValue(0);
    }

    @Test
    void aLeaseHeldByAnotherNodeIsWaitedForUntilItIsGivenUp() throws Exception {
        cluster.leases.put("a.test", "dead-node");
        CompletableFuture<CertifiedKey> a = CompletableFuture.supplyAsync(() -> issue(node("a", new CountingIssuer(new CountDownLatch(0)))));
        Thread.sleep(200);
        assertThat(a).isNotDone();
        assertThat(orders).hasValue(0);
        cluster.leases.remove("a.test"); // the holder's lease expired
        assertThat(a.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(orders).hasValue(1);
    }

    private static CertifiedKey issue(LeasedIssuance node) {
        try {
            return node.issue(SPEC, null);
        } catch (DiagnosedException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
