package dev.autocert.ondemand;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.KeyType;
import dev.autocert.renew.CertificateManager;
import dev.autocert.renew.CertificateSource;
import dev.autocert.renew.RenewalWindow;
import dev.autocert.store.MemoryStore;
import dev.autocert.testkit.AskEndpoint;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.LiveCertificates;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OnDemandGateTest {

    private final MemoryStore store = new MemoryStore();
    private final LiveCertificates live = new LiveCertificates();
    private final CountingSource source = new CountingSource();
    private AskEndpoint askServer;
    private CertificateManager manager;

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        if (askServer != null) {
            askServer.close();
        }
    }

    /** An ask endpoint that approves names ending in {@code .ok.test} and counts every call per name. */
    private String askEndpoint() throws Exception {
        askServer = new AskEndpoint(".ok.test");
        return askServer.url();
    }

    private OnDemandGate gate(Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(settings);
        all.put("onDemand", "true");
        all.put("directory", "https://127.0.0.1:1/dir");
        all.put("retryDelay", "1h");
        AutocertConfig config = AutocertConfig.parse(all, Path.of("unused-by-a-memory-store"));
        manager = new CertificateManager(config, store, List.of(source), live);
        OnDemandGate gate = new OnDemandGate(config.onDemand(), manager, Clock.systemUTC());
        manager.loadStored();
        manager.start();
        return gate;
    }

    private int askedFor(String name) {
        return askServer == null ? 0 : askServer.callsFor(name);
    }

    @Test
    void anAllowedNameIsObtainedAndServedAndMarkedInTheStore() throws Exception {
        OnDemandGate gate = gate(Map.of("onDemandAllow", "*.ok.test"));

        assertThat(gate.obtain("A.ok.test")).isEqualTo(OnDemandGate.Outcome.SERVED);

        assertThat(live.served("a.ok.test")).isPresent();
        assertThat(source.issued).hasValue(1);
        assertThat(store.onDemand).containsExactly("a.ok.test");
        assertThat(manager.status()).extracting(s -> s.name()).containsExactly("a.ok.test");
    }

    @Test
    void aRefusedNameIsNeverOrderedAndTheAskEndpointHearsOfItOncePerWindow() throws Exception {
        OnDemandGate gate = gate(Map.of("onDemandAsk", askEndpoint()));

        for (int i = 0; i < 5; i++) {
            assertThat(gate.obtain("b.evil.test")).isEqualTo(OnDemandGate.Outcome.REFUSED);
        }

        assertThat(askedFor("b.evil.test")).isEqualTo(1);
        assertThat(source.attempts).hasValue(0);
        assertThat(manager.manages("b.evil.test")).isFalse();
    }

    @Test
    void namesNoCaCouldIssueForAreRefusedWithoutAsking() throws Exception {
        OnDemandGate gate = gate(Map.of("onDemandAsk", askEndpoint()));

        for (String sni : List.of("localhost", "192.0.2.1", "a..ok.test", "-a.ok.test", "*.ok.test", "a.ok.test_")) {
            assertThat(gate.obtain(sni)).as(sni).isEqualTo(OnDemandGate.Outcome.REFUSED);
        }

        assertThat(askServer.calls()).isEmpty();
    }

    @Test
    void manyHandshakesForOneNewNameShareOneApprovalAndOneOrder() throws Exception {
        OnDemandGate gate = gate(Map.of("onDemandAsk", askEndpoint()));
        source.hold = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<OnDemandGate.Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                outcomes.add(clients.submit(() -> gate.obtain("shop.ok.test")));
            }
            await().atMost(5, TimeUnit.SECONDS).until(() -> source.attempts.get() == 1);
            Thread.sleep(200); // the other 49 wait on the same future instead of ordering
            source.hold.countDown();
            for (Future<OnDemandGate.Outcome> outcome : outcomes) {
                assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(OnDemandGate.Outcome.SERVED);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(source.attempts).hasValue(1);
        assertThat(askedFor("shop.ok.test")).isEqualTo(1);
    }

    @Test
    void theRateLimitRefusesNewNamesBeyondItWithoutOrdering() throws Exception {
        OnDemandGate gate = gate(Map.of("onDemandAllow", "*.ok.test", "onDemandRate", "2"));

        assertThat(gate.obtain("a.ok.test")).isEqualTo(OnDemandGate.Outcome.SERVED);
        assertThat(gate.obtain("b.ok.test")).isEqualTo(OnDemandGate.Outcome.SERVED);
        assertThat(gate.obtain("c.ok.test")).as("third in a minute").isEqualTo(OnDemandGate.Outcome.REFUSED);
        assertThat(gate.obtain("a.ok.test")).as("an issued name is not a new one").isEqualTo(OnDemandGate.Outcome.SERVED);

        assertThat(source.attempts).hasValue(2);
        assertThat(manager.manages("c.ok.test")).isFalse();
    }

    @Test
    void theTotalLimitCountsEveryOnDemandCertificate() throws Exception {
        store.certificates.put("old.ok.test", SelfSigned.temporary(List.of("old.ok.test"), KeyType.EC256));
        store.onDemand.add("old.ok.test");
        OnDemandGate gate = gate(Map.of("onDemandAllow", "*.ok.test", "onDemandMax", "2"));

        assertThat(gate.obtain("a.ok.test")).isEqualTo(OnDemandGate.Outcome.SERVED);
        assertThat(gate.obtain("b.ok.test")).as("the stored one and a.ok.test make 2").isEqualTo(OnDemandGate.Outcome.REFUSED);

        assertThat(manager.onDemandCount()).isEqualTo(2);
        assertThat(source.attempts).hasValue(1);
    }

    @Test
    void aHandshakeStopsWaitingAfterOnDemandWaitWhileTheIssuanceGoesOn() throws Exception {
        OnDemandGate gate = gate(Map.of("onDemandAllow", "slow.ok.test", "onDemandWait", "200ms"));
        source.hold = new CountDownLatch(1);

        long started = System.nanoTime();
        assertThat(gate.obtain("slow.ok.test")).isEqualTo(OnDemandGate.Outcome.NOT_READY);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
        assertThat(gate.obtain("slow.ok.test")).as("a later handshake while the order runs").isEqualTo(OnDemandGate.Outcome.NOT_READY);

        source.hold.countDown();
        await().atMost(5, TimeUnit.SECONDS).until(() -> live.served("slow.ok.test").isPresent());
        assertThat(source.attempts).hasValue(1);
    }

    @Test
    void theAskEndpointDownRefusesNewNamesButKeepsStoredOnesServedAndRenewed() throws Exception {
        store.certificates.put("old.ok.test", SelfSigned.temporary(List.of("old.ok.test"), KeyType.EC256));
        store.onDemand.add("old.ok.test");
        String url = askEndpoint();
        askServer.close();
        askServer = null;
        OnDemandGate gate = gate(Map.of("onDemandAsk", url));

        assertThat(live.served("old.ok.test")).as("stored on-demand name served at start, nothing asked").isPresent();
        assertThat(gate.obtain("new.ok.test")).isEqualTo(OnDemandGate.Outcome.REFUSED);
        assertThat(manager.renewNow("old.ok.test")).isTrue();
        await().atMost(5, TimeUnit.SECONDS).until(() -> source.issued.get() == 1);
        assertThat(source.attempts).hasValue(1);
    }

    @Test
    void aNameTheAskEndpointNowRefusesIsNotRenewedAndForgotten() throws Exception {
        store.certificates.put("gone.evil.test", SelfSigned.temporary(List.of("gone.evil.test"), KeyType.EC256));
        store.onDemand.add("gone.evil.test");
        gate(Map.of("onDemandAsk", askEndpoint()));
        assertThat(askServer.calls()).as("a restart asks nothing for stored names").isEmpty();

        manager.renewNow("gone.evil.test");

        await().atMost(5, TimeUnit.SECONDS).until(() -> askedFor("gone.evil.test") == 1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> store.onDemand.isEmpty());
        assertThat(source.attempts).hasValue(0);
        assertThat(live.served("gone.evil.test")).as("served until it expires").isPresent();
    }

    /** Issues self-signed certificates, counting attempts; an attempt waits for {@link #hold} when set. */
    private static final class CountingSource implements CertificateSource {
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger issued = new AtomicInteger();
        volatile CountDownLatch hold;

        @Override
        public CertifiedKey issue(CertificateSpec spec, CertifiedKey replacing) throws InterruptedException {
            attempts.incrementAndGet();
            if (hold != null) {
                hold.await(10, TimeUnit.SECONDS);
            }
            issued.incrementAndGet();
            return SelfSigned.temporary(spec.domains(), KeyType.EC256);
        }

        @Override
        public Optional<RenewalWindow> renewalWindow(CertifiedKey certificate) {
            return Optional.empty();
        }

        @Override
        public List<String> validatedBy(List<String> domains) {
            return List.of();
        }

        @Override
        public String toString() {
            return URI.create("https://127.0.0.1:1/dir").toString();
        }
    }
}
