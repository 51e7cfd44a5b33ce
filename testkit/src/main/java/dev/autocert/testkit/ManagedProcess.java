package dev.autocert.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An external process started for a test: output goes to {@code <folder>/<name>.log}, {@link #stop()} ends it and
 * its descendants, and a JVM shutdown hook stops whatever is still running when the JVM exits.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final long GRACE_SECONDS = 10;
    private static final Duration GRACE = Duration.ofSeconds(GRACE_SECONDS);
    private static final Set<ManagedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ManagedProcess p : List.copyOf(RUNNING)) {
                p.stop();
            }
        }, "autocert-testkit-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} in {@code folder} (created if needed) with {@code env} added to this JVM's
     * environment; stdout and stderr go to {@code <folder>/<name>.log}, stdin is closed.
     */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path folder) {
        try {
            Files.createDirectories(folder);
            Path log = folder.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(devNull()));
            pb.environment().putAll(env);
            ManagedProcess p = new ManagedProcess(name, pb.start(), log);
            RUNNING.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    private static File devNull() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** The short name given at start, used in messages and for the log file. */
    public String name() {
        return name;
    }

    /** The file that receives the process's stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Polls until a TCP connection to {@code host:port} succeeds. Fails with the log's tail if the process exits
     * or {@code timeout} passes first.
     */
    public ManagedProcess waitForPort(String host, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before " + host + ":" + port + " accepted connections\n" + logTail(40));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 250);
                return this;
            } catch (IOException notYet) {
                // keep polling
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not open " + host + ":" + port + " within "
                        + timeout + "\n" + logTail(40));
            }
            Commands.sleep(50);
        }
    }

    /** The last {@code lines} lines of the log file (empty if it cannot be read). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /**
     * Ends the process and its descendants: a polite termination first, after 10 seconds a
     * forced one. Safe to call more than once.
     */
    public void stop() {
        List<ProcessHandle> family = new ArrayList<>();
        process.descendants().forEach(family::add);
        ProcessHandle.of(process.pid()).ifPresent(family::add);
        family.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : family) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (Exception timeoutOrInterrupt) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : family) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by isAlive()
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }


    @Override
    public String toString() {
        return name + "[pid " + pid() + "]";
    }
}
