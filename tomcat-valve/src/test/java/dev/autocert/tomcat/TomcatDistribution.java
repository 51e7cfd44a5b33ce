package dev.autocert.tomcat;

import dev.autocert.testkit.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Tomcat distribution (unpacked by the build from Maven Central) started as its own process
 * with its own CATALINA_BASE: the stock {@code conf/}, the drop-in JAR in {@code lib/}, and the stock
 * {@code server.xml} changed only in its ports and by the one {@code <Listener>} line under test.
 */
final class TomcatDistribution implements AutoCloseable {

    private final Path home = Path.of(System.getProperty("tomcat.home"));
    private final Path base;
    private final int httpPort;
    private ManagedProcess process;

    /**
     * @param base         the new CATALINA_BASE
     * @param httpPort     the HTTP connector's port (127.0.0.1)
     * @param shutdownPort the shutdown port
     * @param listenerLine the line inserted into {@code <Server>}
     */
    TomcatDistribution(Path base, int httpPort, int shutdownPort, String listenerLine) throws IOException {
        this.base = base;
        this.httpPort = httpPort;
        for (String dir : List.of("conf", "lib", "logs", "temp", "webapps/ROOT", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
            for (Path f : conf.filter(Files::isRegularFile).toList()) {
                Files.copy(f, base.resolve("conf").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path jar = Path.of(System.getProperty("autocert.jar"));
        Files.copy(jar, base.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(base.resolve("webapps/ROOT/index.html"), "hello from ROOT\n");
        String xml = Files.readString(home.resolve("conf/server.xml"));
        xml = xml.replace("<Server port=\"8005\"", "<Server port=\"" + shutdownPort + "\"")
                .replace("<Connector port=\"8080\"", "<Connector port=\"" + httpPort + "\" address=\"127.0.0.1\"")
                .replace("  <Listener className=\"org.apache.catalina.core.JreMemoryLeakPreventionListener\" />",
                        "  <Listener className=\"org.apache.catalina.core.JreMemoryLeakPreventionListener\" />\n  "
                                + listenerLine);
        if (!xml.contains(listenerLine) || !xml.contains("port=\"" + httpPort + "\"")) {
            throw new IllegalStateException("the stock server.xml of " + home + " changed shape; adapt the test");
        }
        Files.writeString(base.resolve("conf/server.xml"), xml);
    }

    /** Starts Tomcat and waits until its HTTP connector accepts connections. */
    TomcatDistribution start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java,
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start");
        process = ManagedProcess.start("tomcat", cmd, Map.of(), base.resolve("logs"));
        process.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(60));
        return this;
    }

    /**
     * @param port another port Tomcat should listen on (connectors start one after the other)
     * @return this
     */
    TomcatDistribution awaitPort(int port) {
        process.waitForPort("127.0.0.1", port, Duration.ofSeconds(30));
        return this;
    }

    /** @return everything Tomcat printed so far (JULI's console handler) */
    String console() {
        try {
            return Files.readString(process.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the CATALINA_BASE */
    Path base() {
        return base;
    }

    /** Stops Tomcat by PID (SIGTERM, Tomcat's shutdown hook stops it cleanly). */
    void stop() {
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
