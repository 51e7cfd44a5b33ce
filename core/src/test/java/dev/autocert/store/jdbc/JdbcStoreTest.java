package dev.autocert.store.jdbc;

import dev.autocert.config.ChallengeType;
import dev.autocert.config.KeyType;
import dev.autocert.store.ClusterStore;
import dev.autocert.store.FileStore;
import dev.autocert.store.StoredSchedule;
import dev.autocert.testkit.Postgres;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.NamingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The cluster store against a real PostgreSQL: one database per test, two stores on it act as two nodes. */
class JdbcStoreTest {

    private static final URI DIRECTORY = URI.create("https://ca.test:14000/dir");
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Postgres pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startPostgres() {
        pg = Postgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    private static String freshDatabase() {
        return pg.createDatabase("store_" + DATABASES.incrementAndGet());
    }

    private JdbcStore node(String url, byte[] key, String folder) {
        return new JdbcStore(new JdbcStore.Settings(url, pg.user(), pg.password(), key), new FileStore(tmp.resolve(folder), "pw"),
                Duration.ofSeconds(2));
    }

    private static byte[] aesKey(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @Test
    void createsItsTablesAndRecordsTheSchemaVersion() throws IOException {
        String url = freshDatabase();
        try (JdbcStore store = node(url, null, "a")) {
            store.migrate();
        }
        String db = url.substring(url.lastIndexOf('/') + 1);
        assertThat(pg.psql(db, "SELECT version FROM autocert_schema")).isEqualTo(Integer.toString(Schema.VERSION));
        assertThat(pg.psql(db, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables"
                + " WHERE table_name LIKE 'autocert_%'"))
                .isEqualTo("autocert_accounts,autocert_certificates,autocert_challenges,autocert_leases,autocert_on_demand,"
                        + "autocert_rate_limits,autocert_schedules,autocert_schema,autocert_validation_failures");
        try (JdbcStore again = node(url, null, "b")) {
            again.migrate(); // a second node finds the schema current and changes nothing
        }
        assertThat(pg.psql(db, "SELECT count(*) FROM autocert_schema")).isEqualTo("1");
    }

    @Test
    void aDatabaseOfTheFirstVersionGetsTheOnDemandTable() throws IOException {
        String url = freshDatabase();
        String db = url.substring(url.lastIndexOf('/') + 1);
        pg.psql(db, "CREATE TABLE autocert_schema (version integer NOT NULL)");
        for (String sql : Schema.MIGRATIONS.get(0)) {
            pg.psql(db, sql);
        }
        pg.psql(db, "INSERT INTO autocert_schema VALUES (1)");
        try (JdbcStore store = node(url, null, "a")) {
            store.migrate();
            store.saveOnDemand("shop.ok.test", true);
            assertThat(store.loadOnDemandNames()).containsExactly("shop.ok.test");
        }
        assertThat(pg.psql(db, "SELECT version FROM autocert_schema")).isEqualTo(Integer.toString(Schema.VERSION));
    }

    @Test
    void aSchemaNewerThanTheCodeIsAClearError() {
        String url = freshDatabase();
        String db = url.substring(url.lastIndexOf('/') + 1);
        pg.psql(db, "CREATE TABLE autocert_schema (version integer NOT NULL)");
        pg.psql(db, "INSERT INTO autocert_schema VALUES (" + (Schema.VERSION + 1) + ")");
        try (JdbcStore store = node(url, null, "a")) {
            assertThatThrownBy(store::migrate).isInstanceOf(IOException.class)
                    .hasMessageContaining("schema is version " + (Schema.VERSION + 1))
                    .hasMessageContaining("upgrade Autocert on this node");
        }
    }

    @Test
    void accountsCertificatesAndRateLimitsAreSharedBetweenNodes() throws IOException {
        String url = freshDatabase();
        try (JdbcStore a = node(url, aesKey(1), "a"); JdbcStore b = node(url, aesKey(1), "b")) {
            KeyPair account = KeyType.EC256.generate();
            a.saveAccountKey(DIRECTORY, account);
            assertThat(b.loadAccountKey(DIRECTORY)).hasValueSatisfying(k ->
                    assertThat(k.getPrivate().getEncoded()).isEqualTo(account.getPrivate().getEncoded()));
            assertThat(b.loadAccountKey(URI.create("https://other.test/dir"))).isEmpty();

            CertifiedKey cert = SelfSigned.temporary(List.of("a.test", "www.a.test"), KeyType.EC256);
            a.saveCertificate("a.test", cert);
            Optional<CertifiedKey> loaded = b.loadCertificate("a.test");
            assertThat(loaded).hasValueSatisfying(c -> {
                assertThat(c.key().getEncoded()).isEqualTo(cert.key().getEncoded());
                assertThat(c.chain()).isEqualTo(cert.chain());
            });
            assertThat(b.files("a.test").keystore()).exists(); // node b's local copy, for hooks and keystores
            assertThat(Files.readString(b.files("a.test").fullchain())).contains("BEGIN CERTIFICATE");

            Instant until = Instant.parse("2030-01-01T00:00:00Z");
            a.saveRateLimit("a.test", Optional.of(until));
            assertThat(b.loadRateLimit("a.test")).contains(until);
            b.saveRateLimit("a.test", Optional.empty());
            assertThat(a.loadRateLimit("a.test")).isEmpty();
        }
    }

    @Test
    void aRenewalScheduleAndItsCaAreSharedBetweenNodes() throws IOException {
        String url = freshDatabase();
        try (JdbcStore a = node(url, null, "a"); JdbcStore b = node(url, null, "b")) {
            assertThat(b.loadSchedule("a.test")).isEmpty();
            StoredSchedule ari = new StoredSchedule(new BigInteger("1f2e3d", 16), Instant.parse("2027-02-01T10:15:30.123Z"),
                    "ari-window", Instant.parse("2026-12-03T18:00:00Z"), URI.create("https://ca-two.test/dir"));
            a.saveSchedule("a.test", ari);
            assertThat(b.loadSchedule("a.test")).contains(ari);
            StoredSchedule lifetime = new StoredSchedule(BigInteger.TEN, Instant.parse("2027-03-01T00:00:00Z"), "lifetime", null, null);
            b.saveSchedule("a.test", lifetime);
            assertThat(a.loadSchedule("a.test")).contains(lifetime);
        }
    }

    @Test
    void aRateLimitKeepsTheCaThatSetIt() throws IOException {
        String url = freshDatabase();
        try (JdbcStore a = node(url, null, "a"); JdbcStore b = node(url, null, "b")) {
            Instant until = Instant.parse("2026-12-03T20:00:00Z");
            a.saveRateLimit("a.test", until, URI.create("https://ca-two.test/dir"));
            assertThat(b.loadRateLimit("a.test")).contains(until);
            assertThat(b.loadRateLimitedBy("a.test")).contains(URI.create("https://ca-two.test/dir"));
            b.saveRateLimit("a.test", Optional.of(until));
            assertThat(a.loadRateLimitedBy("a.test")).isEmpty();
        }
    }

    @Test
    void theFailedValidationBudgetOutlivesARestartOfEveryNode() throws IOException {
        String url = freshDatabase();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant earlier = now.minus(Duration.ofMinutes(10));
        try (JdbcStore a = node(url, null, "a"); JdbcStore b = node(url, null, "b")) {
            a.saveValidationFailures(DIRECTORY, Map.of("a.test", List.of(earlier, now)));
            b.saveValidationFailures(DIRECTORY, Map.of("b.test", List.of(now), "a.test", List.of(now)));
            // b's view of a.test replaces a's; a's other names would stay
            a.saveValidationFailures(DIRECTORY, Map.of("c.test", List.of(now.minus(Duration.ofHours(2)))));
        }
        try (JdbcStore restarted = node(url, null, "c")) {
            assertThat(restarted.loadValidationFailures(DIRECTORY))
                    .as("the last hour, whichever node saw it").isEqualTo(Map.of("a.test", List.of(now), "b.test", List.of(now)));
            assertThat(restarted.loadValidationFailures(URI.create("https://other-ca.test/dir"))).isEmpty();
            restarted.saveValidationFailures(DIRECTORY, Map.of());
        }
        String db = url.substring(url.lastIndexOf('/') + 1);
        assertThat(pg.psql(db, "SELECT string_agg(name, ',' ORDER BY name) FROM autocert_validation_failures"))
                .as("a save drops what is older than an hour").isEqualTo("a.test,b.test");
    }

    @Test
    void onDemandNamesAreSharedBetweenNodes() throws IOException {
        String url = freshDatabase();
        try (JdbcStore a = node(url, null, "a"); JdbcStore b = node(url, null, "b")) {
            a.saveOnDemand("shop.ok.test", true);
            a.saveOnDemand("shop.ok.test", true);
            b.saveOnDemand("blog.ok.test", true);
            assertThat(b.loadOnDemandNames()).containsExactly("blog.ok.test", "shop.ok.test");

            b.saveOnDemand("shop.ok.test", false);
            assertThat(a.loadOnDemandNames()).containsExactly("blog.ok.test");
        }
    }

    @Test
    void nodesStartingAtOnceEndUpWithTheFirstSavedAccountKey() throws Exception {
        String url = freshDatabase();
        URI ca = URI.create("https://ca.test/directory");
        List<JdbcStore> nodes = List.of(node(url, null, "n1"), node(url, null, "n2"), node(url, null, "n3"));
        List<KeyPair> made = nodes.stream().map(n -> KeyType.EC256.generate()).toList();
        List<CompletableFuture<KeyPair>> kept = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JdbcStore n = nodes.get(i);
            KeyPair k = made.get(i);
            kept.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return n.saveAccountKeyIfAbsent(ca, k);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        Set<PublicKey> used = new HashSet<>();
        for (CompletableFuture<KeyPair> k : kept) {
            used.add(k.get().getPublic());
        }
        assertThat(used).as("one account for the cluster").hasSize(1);
        assertThat(made.stream().map(KeyPair::getPublic)).contains(used.iterator().next());
        assertThat(nodes.get(0).loadAccountKey(ca).orElseThrow().getPublic()).isEqualTo(used.iterator().next());
        nodes.forEach(JdbcStore::close);
    }

    @Test
    void privateKeysAreEncryptedWithTheStorageKeyAndAWrongKeyIsNamed() throws IOException {
        String url = freshDatabase();
        String db = url.substring(url.lastIndexOf('/') + 1);
        CertifiedKey cert = SelfSigned.temporary(List.of("k.test"), KeyType.EC256);
        try (JdbcStore a = node(url, aesKey(1), "a")) {
            a.saveCertificate("k.test", cert);
            a.saveAccountKey(DIRECTORY, KeyType.EC256.generate());
        }
        String column = pg.psql(db, "SELECT private_key FROM autocert_certificates");
        assertThat(column).startsWith("aes-gcm:").doesNotContain("PRIVATE KEY")
                .doesNotContain(Base64.getEncoder().encodeToString(cert.key().getEncoded()).substring(0, 40));
        assertThat(pg.psql(db, "SELECT key_pair FROM autocert_accounts")).startsWith("aes-gcm:");

        try (JdbcStore wrong = node(url, aesKey(2), "b"); JdbcStore none = node(url, null, "c")) {
            assertThatThrownBy(() -> wrong.loadCertificate("k.test")).hasMessageContaining("does not decrypt with this storageKey");
            assertThatThrownBy(() -> none.loadCertificate("k.test")).hasMessageContaining("storageKey is not set");
        }
        // a row copied under another name does not decrypt: the name is bound to the ciphertext
        pg.psql(db, "INSERT INTO autocert_certificates (name, private_key, chain, serial, domains, not_before, not_after, saved_by)"
                + " SELECT 'copy.test', private_key, chain, serial, domains, not_before, not_after, saved_by FROM autocert_certificates");
        try (JdbcStore right = node(url, aesKey(1), "d")) {
            assertThat(right.loadCertificate("k.test")).isPresent();
            assertThatThrownBy(() -> right.loadCertificate("copy.test")).hasMessageContaining("does not decrypt");
        }
    }

    @Test
    void withoutAStorageKeyKeysAreStoredInPlainText() throws IOException {
        String url = freshDatabase();
        String db = url.substring(url.lastIndexOf('/') + 1);
        try (JdbcStore a = node(url, null, "a")) {
            a.saveCertificate("p.test", SelfSigned.temporary(List.of("p.test"), KeyType.EC256));
            assertThat(a.loadCertificate("p.test")).isPresent();
        }
        assertThat(pg.psql(db, "SELECT private_key FROM autocert_certificates")).startsWith("plain:-----BEGIN PRIVATE KEY");
    }

    @Test
    void exactlyOneNodeHoldsALeaseUntilItIsReleasedOrExpires() throws Exception {
        String url = freshDatabase();
        try (JdbcStore a = node(url, null, "a"); JdbcStore b = node(url, null, "b")) {
            Optional<ClusterStore.Lease> held = a.tryLease("a.test");
            assertThat(held).isPresent();
            assertThat(b.tryLease("a.test")).as("held by a").isEmpty();
            assertThat(b.tryLease("other.test")).as("leases are per certificate").isPresent();
            assertThat(a.tryLease("a.test")).as("its holder takes it again").isPresent();
            assertThat(held.get().renew()).isTrue();
            held.get().release();
            Optional<ClusterStore.Lease> byB = b.tryLease("a.test");
            assertThat(byB).as("released").isPresent();
            assertThat(a.tryLease("a.test")).isEmpty();
            Thread.sleep(2500); // b "dies": its 2-second lease runs out
            assertThat(a.tryLease("a.test")).as("expired").isPresent();
            assertThat(byB.get().renew()).as("the expired holder learns it lost the lease").isFalse();
        }
    }

    @Test
    void challengeAnswersAreReadableByEveryNodeUntilRemoved() throws IOException {
        String url = freshDatabase();
        try (JdbcStore a = node(url, null, "a"); JdbcStore b = node(url, null, "b")) {
            a.challenges().put(ChallengeType.HTTP_01, "token-1234567890abcdef", "token-1234567890abcdef.thumb");
            a.challenges().put(ChallengeType.TLS_ALPN_01, "a.test", "alpn-auth");
            assertThat(b.challenges().find(ChallengeType.HTTP_01, "token-1234567890abcdef")).contains("token-1234567890abcdef.thumb");
            assertThat(b.challenges().find(ChallengeType.TLS_ALPN_01, "a.test")).contains("alpn-auth");
            assertThat(b.challenges().find(ChallengeType.TLS_ALPN_01, "token-1234567890abcdef")).isEmpty();
            a.challenges().remove(ChallengeType.HTTP_01, "token-1234567890abcdef");
            assertThat(b.challenges().find(ChallengeType.HTTP_01, "token-1234567890abcdef")).isEmpty();
        }
    }

    @Test
    void otherNodesHearOfAStoredCertificateWithinASecond() throws Exception {
        String url = freshDatabase();
        try (JdbcStore a = node(url, null, "a"); JdbcStore b = node(url, null, "b")) {
            a.migrate();
            List<String> heard = new CopyOnWriteArrayList<>();
            b.watch(heard::add);
            Thread.sleep(300); // the feed's first comparison: nothing stored yet
            long t0 = System.nanoTime();
            a.saveCertificate("n.test", SelfSigned.temporary(List.of("n.test"), KeyType.EC256));
            await().atMost(Duration.ofSeconds(2)).until(() -> heard.contains("n.test"));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("LISTEN/NOTIFY, not the 5 s poll").isLessThan(Duration.ofSeconds(2));
            CertifiedKey same = a.loadCertificate("n.test").orElseThrow();
            a.saveCertificate("n.test", same); // the same certificate again changes nothing
            Thread.sleep(500);
            assertThat(heard).containsExactly("n.test");
            long closing = System.nanoTime();
            b.close();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("close ends the wait for notifications at once")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("autocert-store-feed"));
        }
    }

    @Test
    void aJndiNameIsLookedUpOnFirstUseAndAMissingOneIsNamed() throws Exception {
        String url = freshDatabase();
        if (DriverManager.drivers().noneMatch(Driver.class::isInstance)) {
            DriverManager.registerDriver(new Driver()); // the stores closed before deregistered it, as a redeployed webapp's must
        }
        AtomicInteger lookups = new AtomicInteger();
        DataSourceLookup lookup = name -> {
            lookups.incrementAndGet();
            if (!name.equals("java:comp/env/jdbc/autocert")) {
                throw new NamingException("Name [" + name + "] is not bound");
            }
            PGSimpleDataSource ds = new PGSimpleDataSource(); // what a container's resource would be bound to
            ds.setURL(url);
            ds.setUser(pg.user());
            ds.setPassword(pg.password());
            return DataSourceLookup.dataSource(name, ds);
        };
        try (JdbcStore missing = new JdbcStore(new JdbcStore.Settings("java:comp/env/jdbc/other", null, null, null),
                new FileStore(tmp.resolve("m"), "pw"), Duration.ofSeconds(2), lookup)) {
            assertThatThrownBy(() -> missing.tryLease("j.test")).isInstanceOf(IOException.class)
                    .hasMessageContaining("java:comp/env/jdbc/other").hasMessageContaining("GlobalNamingResources");
        }
        try (JdbcStore a = new JdbcStore(new JdbcStore.Settings("java:comp/env/jdbc/autocert", null, null, null),
                new FileStore(tmp.resolve("j"), "pw"), Duration.ofSeconds(2), lookup)) {
            int before = lookups.get();
            assertThat(a.tryLease("j.test")).isPresent();
            a.saveRateLimit("j.test", Optional.of(Instant.parse("2030-01-01T00:00:00Z")));
            assertThat(node(url, null, "url-node").loadRateLimit("j.test")).as("one database, by JNDI and by URL").isPresent();
            assertThat(lookups.get() - before).as("looked up once").isEqualTo(1);
        }
        assertThatThrownBy(() -> DataSourceLookup.dataSource("java:comp/env/x", "text")).isInstanceOf(NamingException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void aStoppedDatabaseIsAnIoErrorAndTheStoreReconnectsAfterwards() throws Exception {
        try (Postgres own = Postgres.start()) {
            String url = own.createDatabase("restart");
            try (JdbcStore a = new JdbcStore(new JdbcStore.Settings(url, own.user(), own.password(), null),
                    new FileStore(tmp.resolve("a"), "pw"))) {
                a.saveRateLimit("r.test", Optional.of(Instant.parse("2030-01-01T00:00:00Z")));
                CertifiedKey served = SelfSigned.temporary(List.of("s.test"), KeyType.EC256);
                a.saveCertificate("s.test", served);
                own.stop();
                assertThatThrownBy(() -> a.tryLease("r.test")).isInstanceOf(IOException.class).hasMessageContaining(url);
                assertThatThrownBy(() -> a.loadCertificate("r.test")).isInstanceOf(IOException.class);
                // what the node served before stays served through a restart while the database is down
                assertThat(a.loadCertificate("s.test")).hasValueSatisfying(k -> assertThat(k.leaf()).isEqualTo(served.leaf()));
                own.startServer();
                assertThat(a.loadRateLimit("r.test")).isPresent();
                own.stop();
                own.startServer();
                // the connection kept from before the restart is dead: the first call after it still succeeds
                assertThat(a.loadRateLimit("r.test")).isPresent();
                assertThat(a.tryLease("r.test")).isPresent();
            }
        }
    }
}
