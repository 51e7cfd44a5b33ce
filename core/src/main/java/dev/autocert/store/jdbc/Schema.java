package dev.autocert.store.jdbc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, created and migrated by the store itself: {@code autocert_schema} holds the version, and
 * each migration runs once, in one transaction, under an advisory lock so nodes starting together do not
 * migrate twice. A database whose schema is newer than this code is refused, because an older node could
 * misread or overwrite rows it does not understand.
 */
final class Schema {

    /** The advisory lock key of migrations ("autocert" in ASCII, as a number). */
    private static final long MIGRATION_LOCK = 0x6175746f63657274L;

    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE autocert_accounts (directory text PRIMARY KEY, key_pair text NOT NULL,"
                    + " saved_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE autocert_certificates (name text PRIMARY KEY, private_key text NOT NULL, chain text NOT NULL,"
                    + " serial text NOT NULL, domains text NOT NULL, not_before timestamptz NOT NULL,"
                    + " not_after timestamptz NOT NULL, saved_by text NOT NULL, saved_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE autocert_rate_limits (name text PRIMARY KEY, until timestamptz NOT NULL)",
            "CREATE TABLE autocert_leases (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)",
            "CREATE TABLE autocert_challenges (type text NOT NULL, key text NOT NULL, key_authorization text NOT NULL,"
                    + " expires_at timestamptz NOT NULL, PRIMARY KEY (type, key))"),
            List.of("CREATE TABLE autocert_on_demand (name text PRIMARY KEY, added_at timestamptz NOT NULL DEFAULT now())",
                    "CREATE TABLE autocert_schedules (name text PRIMARY KEY, serial text NOT NULL, renew_at timestamptz NOT NULL,"
                            + " reason text NOT NULL, renewal_info_check timestamptz, issued_by text)",
                    "ALTER TABLE autocert_rate_limits ADD COLUMN directory text"),
            List.of("CREATE TABLE autocert_validation_failures (directory text NOT NULL, name text NOT NULL,"
                            + " failed_at timestamptz NOT NULL)",
                    "CREATE INDEX autocert_validation_failures_by_name ON autocert_validation_failures (directory, name)"));

    /** The version this code writes. */
    static final int VERSION = MIGRATIONS.size();

    private Schema() {
    }

    /**
     * Brings the schema to {@link #VERSION}.
     *
     * @return the version found before
     * @throws IOException when the database's schema is newer than this code
     */
    static int migrate(Connection c) throws SQLException, IOException {
        return Database.inTransaction(c, tx -> {
            try (Statement st = tx.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                st.execute("CREATE TABLE IF NOT EXISTS autocert_schema (version integer NOT NULL)");
                int found;
                try (ResultSet rs = st.executeQuery("SELECT max(version) FROM autocert_schema")) {
                    rs.next();
                    found = rs.getInt(1);
                }
                if (found > VERSION) {
                    throw new IOException("the cluster database's schema is version " + found + ", newer than this Autocert"
                            + " knows (" + VERSION + "): upgrade Autocert on this node; every node of a cluster must run a"
                            + " version that knows the schema");
                }
                for (int v = found; v < VERSION; v++) {
                    for (String sql : MIGRATIONS.get(v)) {
                        st.execute(sql);
                    }
                }
                if (found < VERSION) {
                    st.execute("DELETE FROM autocert_schema");
                    st.execute("INSERT INTO autocert_schema (version) VALUES (" + VERSION + ")");
                }
                return found;
            }
        });
    }
}
