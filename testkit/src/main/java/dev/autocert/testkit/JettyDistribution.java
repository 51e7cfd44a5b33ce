package dev.autocert.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fresh {@code $JETTY_BASE} on the real jetty-home distribution (unpacked from its Maven Central
 * tarball, read-only, never written), set up the way an administrator does it: archives unpacked at
 * its root, {@code start.jar --add-modules=…}, lines in {@code start.d/*.ini}; then Jetty run as its
 * own process ({@code java -jar start.jar}, no scripts) and stopped by PID.
 */
public final class JettyDistribution extends ServerDistribution<JettyDistribution> {

    private final Path home;
    private int starts;

    /**
     * @param home the unpacked jetty-home
     * @param base the new jetty-base (created)
     * @throws IOException when the base cannot be created
     */
    public JettyDistribution(Path home, Path base) throws IOException {
        super(base);
        this.home = home;
        Files.createDirectories(base);
    }

    /** @return the distribution's version, e.g. {@code 12.1.12} */
    public String version() {
        String name = home.getFileName().toString();
        return name.substring(name.lastIndexOf('-') + 1);
    }

    /**
     * @param archive a {@code .tar.gz} to unpack at the root of the base (a module archive)
     * @return this
     */
    public JettyDistribution unpack(Path archive) {
        run(List.of("tar", "-xzf", archive.toString(), "-C", base().toString()));
        return this;
    }

    /**
     * @param modules comma-separated module names
     * @return what {@code start.jar --add-modules} printed
     */
    public String addModules(String modules) {
        return run(List.of(java(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base(), "--add-modules=" + modules));
    }

    /**
     * @param name  the ini file's name in {@code start.d/}, without {@code .ini}; created when missing
     * @param lines lines to append
     * @return this
     */
    public JettyDistribution appendToIni(String name, String... lines) throws IOException {
        Files.createDirectories(base().resolve("start.d"));
        Files.writeString(base().resolve("start.d").resolve(name + ".ini"), String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return this;
    }

    /**
     * @param index the body of {@code /index.html}
     * @return this, with a static webapp at {@code /} (a WAR folder with an empty Servlet 6 web.xml)
     */
    public JettyDistribution rootWebapp(String index) throws IOException {
        Path root = base().resolve("webapps/ROOT");
        Files.createDirectories(root.resolve("WEB-INF"));
        Files.writeString(root.resolve("index.html"), index);
        Files.writeString(root.resolve("WEB-INF/web.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>\n");
        return this;
    }

    /**
     * Starts Jetty and waits until {@code awaitPort} accepts connections.
     *
     * @param jvmOptions options before {@code -jar}, e.g. {@code -Dautocert.domains=…}
     * @param properties start properties, e.g. {@code jetty.http.port}
     * @param awaitPort  a port Jetty listens on once started
     * @return this
     */
    public JettyDistribution start(List<String> jvmOptions, Map<String, String> properties, int awaitPort) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base()));
        properties.forEach((k, v) -> cmd.add(k + "=" + v));
        launch("jetty-" + ++starts, cmd, base(), awaitPort); // one log per start
        return this;
    }








    private String run(List<String> cmd) {
        Commands.Result r = Commands.run(cmd, null, Duration.ofSeconds(60), base());
        if (!r.ok()) {
            throw new IllegalStateException(cmd + " failed:\n" + r.output());
        }
        return r.output();
    }

    @Override
    JettyDistribution self() {
        return this;
    }
}
