package dev.autocert.servlet;

import dev.autocert.testkit.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real jetty-home as its own process with a fresh jetty-base (jetty-home itself unpacks read-only
 * and is never written): {@code --add-modules=http,https,ssl-reload,ee10-deploy} as the README says,
 * plus an ini file with the admin's connector settings. No {@code annotations} module, so the JAR's
 * web-fragment is what installs the filter.
 */
final class JettyProcess implements AutoCloseable {

    private final Path home;
    private final Path base;
    private final int httpPort;
    private ManagedProcess process;

    JettyProcess(Path home, Path base, int httpPort, String connectorIni) throws IOException, InterruptedException {
        this.home = home;
        this.base = base;
        this.httpPort = httpPort;
        Files.createDirectories(base);
        ManagedProcess setup = ManagedProcess.start("jetty-setup", List.of(ItSupport.java(), "-jar",
                home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                "--add-modules=http,https,ssl-reload,ee10-deploy"), Map.of(), base);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (setup.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        setup.stop();
        if (!Files.isRegularFile(base.resolve("start.d/ssl-reload.ini"))) {
            throw new IllegalStateException("jetty-base setup failed:\n" + setup.logTail(40));
        }
        Files.writeString(base.resolve("start.d/autocert-connector.ini"), connectorIni);
    }

    /** Starts Jetty with {@code jvmOptions} (e.g. {@code -Dautocert.domains=...}) and waits for its HTTP port. */
    JettyProcess start(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ItSupport.java());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base));
        process = ManagedProcess.start("jetty", cmd, Map.of(), base);
        process.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(60));
        return this;
    }

    JettyProcess awaitPort(int port) {
        process.waitForPort("127.0.0.1", port, Duration.ofSeconds(30));
        return this;
    }

    String console() {
        try {
            return Files.readString(process.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path base() {
        return base;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }
}
