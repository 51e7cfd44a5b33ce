package dev.autocert.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the real-distribution runners share: a server base folder, one server process at a time
 * started from a command line, its console, and its stop by PID.
 *
 * @param <S> the runner's own type, returned by the fluent methods
 */
abstract class ServerDistribution<S extends ServerDistribution<S>> implements AutoCloseable {

    /** The system property naming the feature release of the JDK servers run on ({@link #jdk(int)}). */
    public static final String SERVER_JDK = "autocert.server.jdk";

    private final Path base;
    private ManagedProcess process;

    ServerDistribution(Path base) {
        this.base = base;
    }

    /** @return this, typed as the runner */
    abstract S self();

    /** Starts {@code command}, its output in {@code logFolder/<name>.log}, and waits for {@code port}. */
    final void launch(String name, List<String> command, Path logFolder, int port) {
        process = ManagedProcess.start(name, command, Map.of(), logFolder);
        process.waitForPort("127.0.0.1", port, Duration.ofSeconds(60));
    }

    /**
     * The JDK the server runs on: the one of the system property {@code autocert.server.jdk} (a feature release,
     * e.g. {@code 25}, found by {@link Jdks}) when set (the build's second run of the distribution tests), else the
     * JVM running the tests.
     */
    private int jdk = Integer.getInteger(SERVER_JDK, 0);


    /**
     * @param feature the feature release of an installed JDK to run the server on (found by {@link Jdks}), or
     *                {@code 0} for the JVM running the tests
     * @return this
     */
    public S jdk(int feature) {
        this.jdk = feature;
        return self();
    }

    /** @return the feature release of the JDK the server runs on */
    public int javaFeature() {
        return jdk == 0 ? Runtime.version().feature() : jdk;
    }

    /** @return the {@code java} the server runs on */
    final String java() {
        Path home = jdk == 0 || jdk == Runtime.version().feature() ? Path.of(System.getProperty("java.home")) : Jdks.home(jdk);
        return home.resolve("bin").resolve("java").toString();
    }

    /**
     * @param port another port the server should listen on (connectors start one after the other)
     * @return this
     */
    public S awaitPort(int port) {
        process.waitForPort("127.0.0.1", port, Duration.ofSeconds(30));
        return self();
    }

    /** @return everything the server printed since the last start */
    public String console() {
        try {
            return Files.readString(process.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the server's base folder (CATALINA_BASE, jetty-base) */
    public Path base() {
        return base;
    }

    /** @return the server process, while running */
    public ManagedProcess process() {
        return process;
    }

    /** @return the PID of the running server */
    public long pid() {
        return process.pid();
    }

    /** Stops the server by PID (SIGTERM: its shutdown hook stops it cleanly). Safe to call more than once. */
    public void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
