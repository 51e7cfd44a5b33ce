package dev.autocert.store.jdbc;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The connection to the cluster database: opened on first use, reopened after a failure, one statement at a
 * time. With a JDBC URL the PostgreSQL driver is found by class name (it is shaded into the Tomcat drop-in JAR,
 * shipped in the Jetty module, a dependency of the WAR, or on the container's class path), so core needs no
 * driver at compile time; with a JNDI name the container's {@code DataSource} (its pool, its driver, its
 * timeouts) gives the connections, looked up on first use because a container binds its names late in its
 * start. Whether the database answers is logged once per change, not per failed statement.
 */
final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** The driver's class name; the shade plugin rewrites this constant along with the driver's classes. */
    private static final String DRIVER = "org.postgresql.Driver";
    private static final String CONNECT_TIMEOUT_SECONDS = "5";
    private static final String SOCKET_TIMEOUT_SECONDS = "30";

    private final String url;
    private final Properties properties = new Properties();
    private final @Nullable DataSourceLookup lookup;
    private @Nullable DataSource dataSource;
    private Connection connection;
    private Boolean reachable;

    /** Runs SQL on the connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    /**
     * @param url      a {@code jdbc:postgresql://} URL, or the JNDI name of a {@code DataSource} when {@code lookup}
     *                 is given
     * @param user     the database user, or {@code null} (a data source's own then)
     * @param password its password, or {@code null}
     * @param lookup   how to find the data source a JNDI name names; {@code null} for a URL
     */
    Database(String url, @Nullable String user, @Nullable String password, @Nullable DataSourceLookup lookup) {
        this.url = url;
        this.lookup = lookup;
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        properties.setProperty("loginTimeout", CONNECT_TIMEOUT_SECONDS);
        properties.setProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
        properties.setProperty("ApplicationName", "autocert");
    }

    /**
     * Runs {@code work} on the shared connection; a failure closes it, so the next call connects anew.
     *
     * @throws IOException naming the database and what went wrong (never the password)
     */
    synchronized <T> T run(Work<T> work) throws IOException {
        boolean reused = connection != null;
        try {
            return attempt(work);
        } catch (SQLException first) {
            closeQuietly();
            if (reused) {
                // a connection kept from before may have died with a database restart: one more try on a new one
                // (every statement of the store may run twice: upserts, deletes by key, reads)
                try {
                    return attempt(work);
                } catch (SQLException again) {
                    closeQuietly();
                    changed(false, again);
                    throw new IOException("the cluster database " + url + " failed: " + again.getMessage(), again);
                }
            }
            changed(false, first);
            throw new IOException("the cluster database " + url + " failed: " + first.getMessage(), first);
        }
    }

    /**
     * Runs {@code work} on {@code c} as one transaction: committed when it returns, rolled back when it throws; the
     * connection's auto-commit is as before afterwards.
     */
    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException, IOException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException, IOException {
        if (connection == null || connection.isClosed()) {
            connection = open();
        }
        T result = work.run(connection);
        changed(true, null);
        return result;
    }

    /** @return a new connection of its own (for LISTEN, which holds one) */
    Connection open() throws SQLException {
        if (lookup != null) {
            String user = properties.getProperty("user");
            DataSource ds = dataSource();
            return user == null ? ds.getConnection() : ds.getConnection(user, properties.getProperty("password"));
        }
        Driver driver = driver();
        Connection c = driver.connect(url, properties);
        if (c == null) {
            throw new SQLException("the driver " + driver.getClass().getName() + " does not accept the URL " + url);
        }
        return c;
    }

    private synchronized DataSource dataSource() throws SQLException {
        if (dataSource == null) {
            try {
                dataSource = lookup.find(url);
            } catch (NamingException e) {
                throw new SQLException("the JNDI name " + url + " names no DataSource (" + e.getMessage() + "): declare it"
                        + " (Tomcat: a <Resource type=\"javax.sql.DataSource\"> in server.xml's GlobalNamingResources; a WAR:"
                        + " one in its context), or correct storage", e);
            }
        }
        return dataSource;
    }

    private Driver driver() throws SQLException {
        for (ClassLoader loader : new ClassLoader[] {Database.class.getClassLoader(), Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                return (Driver) Class.forName(DRIVER, true, loader).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError notHere) {
                // try the next loader, then DriverManager
            }
        }
        try {
            return DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new SQLException("no PostgreSQL JDBC driver on the class path (storage names a database): put"
                    + " postgresql-42.x.jar into the container's lib folder, or use the Autocert JAR that bundles it", e);
        }
    }

    /** Logs that the database answers again, or stopped answering, once per change. */
    private void changed(boolean up, SQLException cause) {
        if (reachable != null && reachable == up) {
            return;
        }
        if (up && reachable != null) {
            LOG.info("The cluster database {} answers again", url);
        } else if (!up) {
            LOG.warn("The cluster database {} does not answer ({}): serving the certificates at hand; no renewal until it"
                    + " is back", url, cause.getMessage());
        }
        reachable = up;
    }

    /**
     * Tells the log what another connection (the change feed's) saw.
     *
     * @param cause what failed, or {@code null} when the database answered
     */
    synchronized void seenElsewhere(SQLException cause) {
        changed(cause == null, cause);
    }

    /** @return the JDBC URL or JNDI name (neither holds a password: that is a property) */
    String url() {
        return url;
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is broken anyway
            }
            connection = null;
        }
    }

    /**
     * Closes the connection. The driver registered itself with {@link DriverManager} when its class was loaded;
     * a registration from this class loader is undone, so a redeployed webapp leaves no driver behind (a
     * container's {@code DataSource} keeps its own).
     */
    @Override
    public synchronized void close() {
        closeQuietly();
        if (lookup != null) {
            return; // the container's driver, not ours
        }
        ClassLoader own = Database.class.getClassLoader();
        DriverManager.drivers().filter(d -> d.getClass().getClassLoader() == own).forEach(d -> {
            try {
                DriverManager.deregisterDriver(d);
            } catch (SQLException | SecurityException e) {
                LOG.debug("Cannot deregister the JDBC driver {}", d.getClass().getName(), e);
            }
        });
    }
}
