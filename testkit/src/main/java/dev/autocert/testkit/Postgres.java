package dev.autocert.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's server binaries ({@code initdb}, {@code pg_ctl}), a cluster in
 * a fresh temp folder, listening on 127.0.0.1 at a free port, with one password-protected superuser
 * ({@link #user()}, {@link #password()}, SCRAM over TCP). When the JVM runs as root the server runs as
 * {@code nobody} (PostgreSQL refuses root). {@link #stop()} ends the postmaster by its PID (a fast shutdown,
 * which ends open sessions, then a kill); {@link #start()} brings it back on the same data and port, so tests
 * can take the database away and return it.
 *
 * <pre>{@code
 * try (Postgres pg = Postgres.start()) { String url = pg.createDatabase("autocert"); ... }
 * }</pre>
 *
 * Needs the Debian package {@code postgresql}; without it {@link #start()} fails saying so.
 */
public final class Postgres implements AutoCloseable {

    /** The package to install when PostgreSQL is missing. */
    public static final String PACKAGES = "postgresql";
    /** System property naming the folder of {@code initdb}/{@code pg_ctl}, overriding the look-up. */
    public static final String BIN_PROPERTY = "autocert.postgresBin";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String RUN_AS = "nobody";

    private final Path bin;
    private final Path dataDir;
    private final Path root;
    private final int port = FreePorts.take();
    private final String user = "autocert";
    private final String password;
    private long pid = -1;

    private Postgres(Path bin) throws IOException {
        this.bin = bin;
        this.root = Files.createTempDirectory("autocert-postgres");
        this.dataDir = root.resolve("data");
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.password = HexFormat.of().formatHex(secret);
    }

    /**
     * Creates a cluster in a temp folder and starts it.
     *
     * @return the running server
     * @throws IllegalStateException naming the Debian package when the binaries are missing, or with the
     *                               server's log when it does not start
     */
    public static Postgres start() {
        Path bin = findBin(System.getProperty(BIN_PROPERTY));
        Postgres pg;
        try {
            pg = new Postgres(bin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp folder for PostgreSQL", e);
        }
        try {
            pg.init();
            pg.startServer();
            return pg;
        } catch (RuntimeException | Error e) {
            pg.close();
            throw e;
        }
    }

    private void init() {
        try {
            Path pwfile = root.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardCharsets.US_ASCII);
            if (isRoot()) {
                run("chown", List.of("chown", "-R", RUN_AS, root.toString()));
            }
            List<String> cmd = asServerUser(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(),
                    "-U", user, "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync"));
            run("initdb", cmd);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PostgreSQL's password file under " + root, e);
        }
    }

    /** Starts the server again (after {@link #stop()}) on the same data, port and password. */
    public synchronized void startServer() {
        if (isRunning()) {
            return;
        }
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + root + " -c fsync=off -c max_connections=200";
        run("pg_ctl start", asServerUser(List.of(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60",
                "-D", dataDir.toString(), "-l", logFile().toString(), "-o", options)));
        try {
            String first = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.US_ASCII).get(0).trim();
            pid = Long.parseLong(first);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL started but its postmaster.pid cannot be read\n" + logTail(), e);
        }
    }

    /**
     * Stops the server by its PID: SIGINT (fast shutdown: open sessions are ended), after 10 seconds a kill.
     * Safe to call when it is not running.
     */
    public synchronized void stop() {
        if (pid < 0) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            Commands.run(List.of("kill", "-INT", Long.toString(pid)), null, Duration.ofSeconds(5), null);
            try {
                handle.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception timeoutOrInterrupt) {
                handle.get().destroyForcibly();
                try {
                    handle.get().onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // reported by isRunning()
                }
            }
        }
        pid = -1;
    }

    /** @return whether the postmaster is alive */
    public synchronized boolean isRunning() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** @return the postmaster's PID, or -1 when stopped */
    public synchronized long pid() {
        return pid;
    }

    /**
     * Creates a database (owned by {@link #user()}).
     *
     * @param name a lower-case SQL identifier
     * @return its JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/name}
     */
    public String createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("a database name of lower-case letters, digits and _: " + name);
        }
        psql("CREATE DATABASE " + name);
        return jdbcUrl(name);
    }

    /**
     * Runs SQL with {@code psql} as {@link #user()} in the database {@code postgres}.
     *
     * @param sql one statement
     * @return psql's output
     */
    public String psql(String sql) {
        return psql("postgres", sql);
    }

    /**
     * Runs SQL with {@code psql} as {@link #user()}.
     *
     * @param database the database to connect to
     * @param sql      one statement
     * @return psql's output (unaligned, tuples only)
     */
    public String psql(String database, String sql) {
        Path psql = Files.isExecutable(bin.resolve("psql")) ? bin.resolve("psql") : Paths.get("psql");
        ProcessBuilder pb = new ProcessBuilder(psql.toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", user, "-d", database, "-c", sql)
                .redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("psql '" + sql + "' failed: " + out);
            }
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run psql", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * @param database a database name
     * @return its JDBC URL on this server
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** @return the TCP port on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return the superuser's name */
    public String user() {
        return user;
    }

    /** @return the superuser's password (random per server) */
    public String password() {
        return password;
    }

    /** @return the server's log file */
    public Path logFile() {
        return root.resolve("postgres.log");
    }

    /** @return the last lines of the server's log */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the server and deletes its folder. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    private void run(String what, List<String> command) {
        Commands.Result r = Commands.run(command, null, TIMEOUT, root);
        if (!r.ok()) {
            throw new IllegalStateException(what + " failed (exit " + r.exitCode() + "): " + r.output() + "\n" + logTail());
        }
    }

    private static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", RUN_AS, "--"));
        cmd.addAll(command);
        return cmd;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Finds the folder of {@code initdb} and {@code pg_ctl}: the override, then {@code PATH}, then the newest
     * {@code /usr/lib/postgresql/<version>/bin} (Debian puts them there, off the {@code PATH}).
     */
    static Path findBin(String override) {
        String missing = "PostgreSQL's initdb/pg_ctl not found: install the Debian package " + PACKAGES
                + " (apt-get install -y " + PACKAGES + ") or set -D" + BIN_PROPERTY + " to their folder";
        if (override != null && !override.isBlank()) {
            Path dir = Paths.get(override);
            if (Files.isExecutable(dir.resolve("initdb"))) {
                return dir;
            }
            throw new IllegalStateException(missing + " (" + dir + " has no initdb)");
        }
        for (Path dir : Commands.searchPath()) {
            Path initdb = dir.resolve("initdb");
            if (Files.isExecutable(initdb) && Files.isExecutable(dir.resolve("pg_ctl"))) {
                try {
                    return initdb.toRealPath().getParent(); // Debian's PATH entries are links into the versioned folder
                } catch (IOException e) {
                    return dir;
                }
            }
        }
        Path debian = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(Postgres::majorVersion));
                if (newest.isPresent()) {
                    return newest.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + debian, e);
            }
        }
        throw new IllegalStateException(missing);
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** @return the environment a client process needs to reach this server with libpq tools */
    public Map<String, String> libpqEnvironment() {
        return Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(port), "PGUSER", user, "PGPASSWORD", password);
    }

    @Override
    public String toString() {
        return "PostgreSQL[127.0.0.1:" + port + ", pid " + pid + "]";
    }
}
