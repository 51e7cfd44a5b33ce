package dev.autocert.store.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tells which certificates were stored, on a thread with a connection of its own: PostgreSQL's
 * {@code LISTEN/NOTIFY} wakes it at once, and every wake-up (or, without a notification, every
 * {@link #POLL}) compares each certificate's serial with the last one seen, so a lost notification costs at
 * most one poll interval. The driver's notification call is reached by reflection ({@code PGConnection}), so
 * core compiles without the driver; without it the feed only polls. A broken connection is reopened with
 * back-off.
 */
final class ChangeFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /** The channel {@link JdbcStore} notifies with the certificate's name. */
    static final String CHANNEL = "autocert_certificates";
    /** Longest wait between two comparisons. */
    static final Duration POLL = Duration.ofSeconds(5);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Database db;
    private final Consumer<String> changed;
    private final Map<String, String> seen = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Written by the feed's thread; closed by {@link #close()} too, which ends a wait for notifications at once. */
    private volatile Connection connection;
    private Object notifications;
    private Method getNotifications;

    ChangeFeed(Database db, Consumer<String> changed) {
        this.db = db;
        this.changed = changed;
        this.thread = new Thread(this::loop, "autocert-store-feed");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        long backoff = 1000;
        while (running) {
            try {
                if (connection == null) {
                    connect();
                }
                compare();
                db.seenElsewhere(null);
                backoff = 1000;
                await();
            } catch (SQLException e) {
                if (!running) {
                    break; // closed under it: not a database problem
                }
                db.seenElsewhere(e);
                disconnect();
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            } catch (RuntimeException e) {
                LOG.warn("The cluster store's change feed failed: {}", e.toString());
                disconnect();
                sleep(backoff);
            }
        }
        disconnect();
    }

    private void connect() throws SQLException {
        connection = db.open();
        try (Statement st = connection.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        }
        try {
            Class<?> type = Class.forName("org.postgresql.PGConnection", false, connection.getClass().getClassLoader());
            notifications = connection.unwrap(type);
            getNotifications = type.getMethod("getNotifications", int.class);
        } catch (ReflectiveOperationException | SQLException notPgjdbc) {
            LOG.info("The JDBC driver offers no LISTEN/NOTIFY; certificates stored by other nodes are noticed within {} s",
                    POLL.toSeconds());
            getNotifications = null;
        }
    }

    /** Tells about each certificate whose serial differs from the last one seen (all of them the first time). */
    private void compare() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, serial FROM autocert_certificates")) {
            while (rs.next()) {
                String name = rs.getString(1);
                String serial = rs.getString(2);
                if (!serial.equals(seen.put(name, serial))) {
                    try {
                        changed.accept(name);
                    } catch (RuntimeException e) {
                        LOG.warn("Taking up the certificate {} stored by another node failed: {}", name, e.toString());
                    }
                }
            }
        }
    }

    /** Waits for a notification, at most {@link #POLL}. */
    private void await() throws SQLException {
        if (getNotifications == null) {
            sleep(POLL.toMillis());
            return;
        }
        try {
            getNotifications.invoke(notifications, (int) POLL.toMillis());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            getNotifications = null;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    private void disconnect() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken anyway
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close(); // the blocked getNotifications call returns with an error, and the loop ends
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
