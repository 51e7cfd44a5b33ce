package dev.autocert.store.jdbc;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.store.CertificateFiles;
import dev.autocert.store.ClusterStore;
import dev.autocert.store.FileStore;
import dev.autocert.store.Pem;
import dev.autocert.store.SharedChallenges;
import dev.autocert.store.Store;
import dev.autocert.store.StoredSchedule;
import dev.autocert.tls.CertifiedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The cluster store: accounts, certificates with their keys, rate limits, the failed-validation budget, leases and pending challenge answers
 * in a PostgreSQL database that every node of a cluster names in {@code storage}. Tables are created and
 * migrated by the store ({@link Schema}). Private keys are encrypted with {@code storageKey} when one is given
 * ({@link KeyCipher}). Each certificate read or written is also copied to a local {@link FileStore}, so hook
 * commands and connector keystores find files as with the folder store.
 *
 * <p>A lease is a row (certificate, owner, expiry by the database's clock) rather than an advisory lock: an
 * advisory lock belongs to a session, so a dropped connection (a database restart, a pooler, a network blip)
 * would free it silently while its holder still orders; a row survives that, can be read by people, and
 * expires by itself when its holder dies.
 */
public final class JdbcStore implements Store, ClusterStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    /** How long a lease lasts unless renewed; its holder renews it while an order runs. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);
    /** How long a published challenge answer stays readable at most (validations end much sooner). */
    private static final Duration CHALLENGE_LIFETIME = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Where the database is.
     *
     * @param url      a {@code jdbc:postgresql://} URL, or the JNDI name ({@code java:...}) of a {@code DataSource}
     * @param user     the database user, or {@code null}
     * @param password its password, or {@code null}
     * @param key      the AES key of {@code storageKey}, or {@code null} to keep private keys in plain text
     */
    public record Settings(String url, String user, String password, byte[] key) {
    }

    private final Database db;
    private final KeyCipher cipher;
    private final FileStore local;
    private final Duration leaseTime;
    private final String nodeId;
    private final SharedChallenges challenges = new Challenges();
    private volatile boolean migrated;
    private ChangeFeed feed;

    /**
     * @param settings where the database is
     * @param local    where copies of the certificate files go (the container's store folder)
     */
    public JdbcStore(Settings settings, FileStore local) {
        this(settings, local, DEFAULT_LEASE);
    }

    /**
     * @param settings  where the database is
     * @param local     where copies of the certificate files go
     * @param leaseTime how long a lease lasts unless renewed
     */
    public JdbcStore(Settings settings, FileStore local, Duration leaseTime) {
        this(settings, local, leaseTime, DataSourceLookup.initialContext());
    }

    /**
     * @param settings  where the database is
     * @param local     where copies of the certificate files go
     * @param leaseTime how long a lease lasts unless renewed
     * @param lookup    how a JNDI name in {@code settings} is found (unused with a JDBC URL)
     */
    public JdbcStore(Settings settings, FileStore local, Duration leaseTime, DataSourceLookup lookup) {
        this.db = new Database(settings.url(), settings.user(), settings.password(),
                AutocertConfig.namesDataSource(settings.url()) ? lookup : null);
        this.cipher = new KeyCipher(settings.key());
        this.local = local;
        this.leaseTime = leaseTime;
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        this.nodeId = hostName() + "-" + HexFormat.of().formatHex(suffix);
        if (!cipher.encrypts()) {
            LOG.warn("Private keys are stored unencrypted in {}: whoever can read its tables (or a backup) can impersonate"
                    + " the sites; set storageKey to encrypt them", settings.url());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "node";
        }
    }

    /** Runs SQL once the schema is current. */
    private <T> T run(Database.Work<T> work) throws IOException {
        return db.run(c -> {
            if (!migrated) {
                int before = Schema.migrate(c);
                if (before < Schema.VERSION) {
                    LOG.info("Cluster store schema in {} brought from version {} to {}", db.url(), before, Schema.VERSION);
                }
                migrated = true;
            }
            return work.run(c);
        });
    }

    /**
     * Creates or migrates the tables now (they are otherwise brought up to date on first use).
     *
     * @throws IOException when the database cannot be reached or its schema is newer than this code
     */
    public void migrate() throws IOException {
        run(c -> null);
    }

    @Override
    public Optional<KeyPair> loadAccountKey(URI directory) throws IOException {
        String row = "account:" + directory;
        Optional<String> sealed = run(c -> one(c, "SELECT key_pair FROM autocert_accounts WHERE directory = ?", directory.toString()));
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pem.readKeyPair(cipher.open(sealed.get(), row)));
        } catch (GeneralSecurityException e) {
            throw new IOException("the account key of " + directory + " in the cluster store is damaged: " + e.getMessage(), e);
        }
    }

    @Override
    public void saveAccountKey(URI directory, KeyPair keys) throws IOException {
        String sealed = cipher.seal(Pem.keyPair(keys), "account:" + directory);
        run(c -> update(c, "INSERT INTO autocert_accounts (directory, key_pair) VALUES (?, ?) ON CONFLICT (directory)"
                + " DO UPDATE SET key_pair = EXCLUDED.key_pair, saved_at = now()", directory.toString(), sealed));
    }

    @Override
    public KeyPair saveAccountKeyIfAbsent(URI directory, KeyPair keys) throws IOException {
        String sealed = cipher.seal(Pem.keyPair(keys), "account:" + directory);
        // the database decides which of the nodes starting at once saved first; every node reads that one back
        run(c -> update(c, "INSERT INTO autocert_accounts (directory, key_pair) VALUES (?, ?) ON CONFLICT (directory)"
                + " DO NOTHING", directory.toString(), sealed));
        return loadAccountKey(directory).orElseThrow(() -> new IOException("the account key of " + directory
                + " vanished from the cluster store right after it was saved"));
    }

    @Override
    public Optional<CertifiedKey> loadCertificate(String name) throws IOException {
        Optional<CertifiedKey> stored;
        try {
            stored = fromDatabase(name);
        } catch (IOException unreachable) {
            // a database down when a node starts must not leave it dark: its local copy is what it last served
            Optional<CertifiedKey> copy = local.loadCertificate(name);
            if (copy.isEmpty()) {
                throw unreachable;
            }
            LOG.warn("Serving the local copy of the certificate {} from {}: {}", name, local.root(), unreachable.getMessage());
            return copy;
        }
        if (stored.isPresent()) {
            copyToLocal(name, stored.get());
        }
        return stored;
    }

    private Optional<CertifiedKey> fromDatabase(String name) throws IOException {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT private_key, chain FROM autocert_certificates WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(decode(name, rs.getString(1), rs.getString(2))) : Optional.empty();
                }
            }
        });
    }

    private CertifiedKey decode(String name, String sealedKey, String chain) throws IOException {
        try {
            KeyPair pair = Pem.readKeyPair(cipher.open(sealedKey, "certificate:" + name));
            return new CertifiedKey(pair.getPrivate(), Pem.readCertificates(chain));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the certificate " + name + " in the cluster store is damaged: " + e.getMessage(), e);
        }
    }

    @Override
    public void saveCertificate(String name, CertifiedKey certificate) throws IOException {
        String sealed = cipher.seal(Pem.keyPair(new KeyPair(certificate.leaf().getPublicKey(), certificate.key())), "certificate:" + name);
        String serial = certificate.leaf().getSerialNumber().toString(16);
        run(c -> {
            // the same certificate again (a node taking up what another stored) changes nothing and wakes nobody
            int changed = update(c, "INSERT INTO autocert_certificates (name, private_key, chain, serial, domains, not_before,"
                    + " not_after, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                    + " private_key = EXCLUDED.private_key, chain = EXCLUDED.chain, serial = EXCLUDED.serial,"
                    + " domains = EXCLUDED.domains, not_before = EXCLUDED.not_before, not_after = EXCLUDED.not_after,"
                    + " saved_by = EXCLUDED.saved_by, saved_at = now() WHERE autocert_certificates.serial <> EXCLUDED.serial",
                    name, sealed, Pem.certificates(certificate.chain()), serial, String.join(",", certificate.names()),
                    Timestamp.from(certificate.notBefore()), Timestamp.from(certificate.notAfter()), nodeId);
            if (changed > 0) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    ps.setString(1, ChangeFeed.CHANNEL);
                    ps.setString(2, name);
                    ps.execute();
                }
            }
            return changed;
        });
        copyToLocal(name, certificate);
    }

    /** Keeps the local files in step with the database, for hooks and connector keystores; a failure is logged. */
    private void copyToLocal(String name, CertifiedKey certificate) {
        try {
            Optional<CertifiedKey> there = local.loadCertificate(name);
            if (there.isEmpty() || !there.get().leaf().equals(certificate.leaf())) {
                local.saveCertificate(name, certificate);
            }
        } catch (IOException e) {
            LOG.warn("Cannot copy the certificate {} to {}; hooks and keystores there stay old: {}", name, local.root(), e.getMessage());
        }
    }

    @Override
    public Optional<Instant> loadRateLimit(String name) throws IOException {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT until FROM autocert_rate_limits WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveRateLimit(String name, Instant until, URI by) throws IOException {
        run(c -> update(c, "INSERT INTO autocert_rate_limits (name, until, directory) VALUES (?, ?, ?) ON CONFLICT (name)"
                + " DO UPDATE SET until = EXCLUDED.until, directory = EXCLUDED.directory", name, Timestamp.from(until), by.toString()));
    }

    @Override
    public Optional<URI> loadRateLimitedBy(String name) throws IOException {
        return run(c -> one(c, "SELECT directory FROM autocert_rate_limits WHERE name = ?", name).map(URI::create));
    }

    @Override
    public void saveRateLimit(String name, Optional<Instant> until) throws IOException {
        if (until.isPresent()) {
            run(c -> update(c, "INSERT INTO autocert_rate_limits (name, until) VALUES (?, ?) ON CONFLICT (name)"
                    + " DO UPDATE SET until = EXCLUDED.until, directory = NULL", name, Timestamp.from(until.get())));
        } else {
            run(c -> update(c, "DELETE FROM autocert_rate_limits WHERE name = ?", name));
        }
    }

    @Override
    public Optional<StoredSchedule> loadSchedule(String name) throws IOException {
        return run(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT serial, renew_at, reason, renewal_info_check, issued_by"
                    + " FROM autocert_schedules WHERE name = ?", name); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp check = rs.getTimestamp(4);
                String issuedBy = rs.getString(5);
                return Optional.of(new StoredSchedule(new BigInteger(rs.getString(1), 16), rs.getTimestamp(2).toInstant(),
                        rs.getString(3), check == null ? null : check.toInstant(), issuedBy == null ? null : URI.create(issuedBy)));
            }
        });
    }

    /** Shared by the nodes like the certificate: a node that restarts, or takes over, keeps the decision and the CA. */
    @Override
    public void saveSchedule(String name, StoredSchedule schedule) throws IOException {
        Instant check = schedule.renewalInfoCheck();
        URI issuedBy = schedule.issuedBy();
        run(c -> update(c, "INSERT INTO autocert_schedules (name, serial, renew_at, reason, renewal_info_check, issued_by)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET serial = EXCLUDED.serial,"
                        + " renew_at = EXCLUDED.renew_at, reason = EXCLUDED.reason,"
                        + " renewal_info_check = EXCLUDED.renewal_info_check, issued_by = EXCLUDED.issued_by",
                name, schedule.serial().toString(16), Timestamp.from(schedule.renewAt()), schedule.reason(),
                check == null ? null : Timestamp.from(check), issuedBy == null ? null : issuedBy.toString()));
    }

    /** The refused validations of the last hour, whichever node saw them. */
    @Override
    public Map<String, List<Instant>> loadValidationFailures(URI directory) throws IOException {
        return run(c -> {
            Map<String, List<Instant>> out = new TreeMap<>();
            try (PreparedStatement ps = prepare(c, "SELECT name, failed_at FROM autocert_validation_failures WHERE directory = ?"
                    + " AND failed_at > now() - interval '1 hour' ORDER BY name, failed_at", directory.toString());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), n -> new ArrayList<>()).add(rs.getTimestamp(2).toInstant());
                }
            }
            return out;
        });
    }

    /**
     * Replaces the failures of the names given, in one transaction; those another node saw for other names stay, and
     * rows older than an hour go.
     */
    @Override
    public void saveValidationFailures(URI directory, Map<String, List<Instant>> failures) throws IOException {
        String ca = directory.toString();
        run(c -> Database.inTransaction(c, tx -> {
            update(tx, "DELETE FROM autocert_validation_failures WHERE directory = ? AND failed_at < now() - interval '1 hour'", ca);
            for (Map.Entry<String, List<Instant>> e : failures.entrySet()) {
                update(tx, "DELETE FROM autocert_validation_failures WHERE directory = ? AND name = ?", ca, e.getKey());
                for (Instant at : e.getValue()) {
                    update(tx, "INSERT INTO autocert_validation_failures (directory, name, failed_at) VALUES (?, ?, ?)",
                            ca, e.getKey(), Timestamp.from(at));
                }
            }
            return null;
        }));
    }

    @Override
    public Set<String> loadOnDemandNames() throws IOException {
        return run(c -> {
            Set<String> names = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM autocert_on_demand");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    @Override
    public void saveOnDemand(String name, boolean onDemand) throws IOException {
        if (onDemand) {
            run(c -> update(c, "INSERT INTO autocert_on_demand (name) VALUES (?) ON CONFLICT (name) DO NOTHING", name));
        } else {
            run(c -> update(c, "DELETE FROM autocert_on_demand WHERE name = ?", name));
        }
    }

    @Override
    public CertificateFiles files(String name) {
        return local.files(name);
    }

    @Override
    public Duration leaseTime() {
        return leaseTime;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public Optional<Lease> tryLease(String name) throws IOException {
        boolean taken = run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO autocert_leases (name, owner, expires_at)"
                    + " VALUES (?, ?, now() + ? * interval '1 millisecond') ON CONFLICT (name) DO UPDATE SET"
                    + " owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at"
                    + " WHERE autocert_leases.owner = EXCLUDED.owner OR autocert_leases.expires_at < now() RETURNING owner")) {
                ps.setString(1, name);
                ps.setString(2, nodeId);
                ps.setLong(3, leaseTime.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        return taken ? Optional.of(new RowLease(name)) : Optional.empty();
    }

    /** A lease row this node holds. */
    private final class RowLease implements Lease {
        private final String name;

        RowLease(String name) {
            this.name = name;
        }

        @Override
        public boolean renew() throws IOException {
            return run(c -> update(c, "UPDATE autocert_leases SET expires_at = now() + ? * interval '1 millisecond'"
                    + " WHERE name = ? AND owner = ?", leaseTime.toMillis(), name, nodeId)) == 1;
        }

        @Override
        public void release() {
            try {
                run(c -> update(c, "DELETE FROM autocert_leases WHERE name = ? AND owner = ?", name, nodeId));
            } catch (IOException e) {
                LOG.warn("Cannot give up the lease of {}; it expires by itself within {} s: {}", name,
                        leaseTime.toSeconds(), e.getMessage());
            }
        }
    }

    @Override
    public SharedChallenges challenges() {
        return challenges;
    }

    /** Challenge answers in {@code autocert_challenges}, expiring after an hour at most. */
    private final class Challenges implements SharedChallenges {
        @Override
        public void put(ChallengeType type, String key, String keyAuthorization) throws IOException {
            run(c -> {
                update(c, "DELETE FROM autocert_challenges WHERE expires_at < now()");
                return update(c, "INSERT INTO autocert_challenges (type, key, key_authorization, expires_at)"
                        + " VALUES (?, ?, ?, now() + ? * interval '1 millisecond') ON CONFLICT (type, key) DO UPDATE SET"
                        + " key_authorization = EXCLUDED.key_authorization, expires_at = EXCLUDED.expires_at",
                        type.acmeName(), key, keyAuthorization, CHALLENGE_LIFETIME.toMillis());
            });
        }

        @Override
        public void remove(ChallengeType type, String key) throws IOException {
            run(c -> update(c, "DELETE FROM autocert_challenges WHERE type = ? AND key = ?", type.acmeName(), key));
        }

        @Override
        public Optional<String> find(ChallengeType type, String key) throws IOException {
            return run(c -> one(c, "SELECT key_authorization FROM autocert_challenges WHERE type = ? AND key = ?"
                    + " AND expires_at > now()", type.acmeName(), key));
        }
    }

    @Override
    public synchronized void watch(Consumer<String> changed) {
        if (feed != null) {
            throw new IllegalStateException("the change feed is already watched");
        }
        feed = new ChangeFeed(db, changed);
        feed.start();
    }

    /** Stops the change feed and closes the connection. */
    @Override
    public synchronized void close() {
        if (feed != null) {
            feed.close();
            feed = null;
        }
        db.close();
    }

    private static Optional<String> one(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
