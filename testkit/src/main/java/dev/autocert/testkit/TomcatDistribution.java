package dev.autocert.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Tomcat distribution (unpacked from its Maven Central tarball) run as its own process with
 * its own CATALINA_BASE: the stock {@code conf/}, extra JARs in {@code lib/}, a ROOT webapp with an
 * {@code index.html}, and the stock {@code server.xml} changed only in its ports, its HTTP connector
 * bound to 127.0.0.1, and the lines a test inserts into {@code <Server>}.
 */
public final class TomcatDistribution extends ServerDistribution<TomcatDistribution> {

    private static final String ANCHOR = "  <Listener className=\"org.apache.catalina.core.JreMemoryLeakPreventionListener\" />";

    private static final String GLOBAL_RESOURCES_END = "</GlobalNamingResources>";
    private static final String ENGINE = "<Engine name=\"Catalina\" defaultHost=\"localhost\">";

    private final Path home;
    private final int httpPort;
    private final List<String> jvmOptions = new ArrayList<>();

    /**
     * Lays out a new CATALINA_BASE.
     *
     * @param home         CATALINA_HOME, the unpacked distribution
     * @param base         the new CATALINA_BASE (created)
     * @param httpPort     the stock HTTP connector's port, bound to 127.0.0.1
     * @param shutdownPort the shutdown port
     * @throws IOException when the base cannot be written
     */
    public TomcatDistribution(Path home, Path base, int httpPort, int shutdownPort) throws IOException {
        super(base);
        this.home = home;
        this.httpPort = httpPort;
        for (String dir : List.of("conf", "lib", "logs", "temp", "webapps/ROOT", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
            for (Path f : conf.filter(Files::isRegularFile).toList()) {
                Files.copy(f, base.resolve("conf").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(base.resolve("webapps/ROOT/index.html"), "hello from ROOT\n");
        String xml = Files.readString(home.resolve("conf/server.xml"));
        String edited = xml.replace("<Server port=\"8005\"", "<Server port=\"" + shutdownPort + "\"")
                .replace("<Connector port=\"8080\"", "<Connector port=\"" + httpPort + "\" address=\"127.0.0.1\"");
        if (edited.equals(xml) || !xml.contains(ANCHOR)) {
            throw new IllegalStateException("the stock server.xml of " + home + " changed shape; adapt TomcatDistribution");
        }
        Files.writeString(base.resolve("conf/server.xml"), edited);
    }

    /**
     * @param line an element to add to {@code <Server>}, e.g. the Autocert {@code <Listener>}
     * @return this
     * @throws IOException when server.xml cannot be rewritten
     */
    public TomcatDistribution insertIntoServer(String line) throws IOException {
        Path xml = base().resolve("conf/server.xml");
        Files.writeString(xml, Files.readString(xml).replace(ANCHOR, ANCHOR + "\n  " + line));
        return this;
    }

    /**
     * @param resource a {@code <Resource>} to add to {@code <GlobalNamingResources>}, e.g. a {@code DataSource}
     * @return this
     * @throws IOException when server.xml cannot be rewritten
     */
    public TomcatDistribution addGlobalResource(String resource) throws IOException {
        Path xml = base().resolve("conf/server.xml");
        String text = Files.readString(xml);
        if (!text.contains(GLOBAL_RESOURCES_END)) {
            throw new IllegalStateException("the stock server.xml of " + home + " has no " + GLOBAL_RESOURCES_END);
        }
        Files.writeString(xml, text.replace(GLOBAL_RESOURCES_END, "  " + resource + "\n  " + GLOBAL_RESOURCES_END));
        return this;
    }

    /**
     * @param line an element to add to the {@code <Service>} before its {@code <Engine>}, e.g. a {@code <Connector>}
     * @return this
     * @throws IOException when server.xml cannot be rewritten
     */
    public TomcatDistribution insertIntoService(String line) throws IOException {
        Path xml = base().resolve("conf/server.xml");
        String before = Files.readString(xml);
        String after = before.replace(ENGINE, line + "\n    " + ENGINE);
        if (after.equals(before)) {
            throw new IllegalStateException("no " + ENGINE + " in " + xml + "; adapt TomcatDistribution");
        }
        Files.writeString(xml, after);
        return this;
    }

    /**
     * @param jar a JAR to drop into {@code $CATALINA_BASE/lib}
     * @return this
     * @throws IOException when it cannot be copied
     */
    public TomcatDistribution dropIn(Path jar) throws IOException {
        Files.copy(jar, base().resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return this;
    }

    /**
     * @param option a JVM option for the next start, e.g. {@code -Dautocert.x=y}
     * @return this
     */
    public TomcatDistribution jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    /**
     * Starts Tomcat (Bootstrap, no shell scripts) and waits until its HTTP connector accepts connections.
     *
     * @return this
     */
    public TomcatDistribution start() {
        List<String> cmd = new ArrayList<>(List.of(java(),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base(),
                "-Djava.io.tmpdir=" + base().resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base().resolve("conf/logging.properties"),
                // as catalina.sh: Tomcat's FFM OpenSSL engine (Java 22+) calls native code
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        launch("tomcat", cmd, base().resolve("logs"), httpPort);
        return this;
    }

    @Override
    TomcatDistribution self() {
        return this;
    }
}
