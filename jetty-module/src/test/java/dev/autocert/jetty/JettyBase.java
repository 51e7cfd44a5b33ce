package dev.autocert.jetty;

import dev.autocert.testkit.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fresh {@code $JETTY_BASE} on the real jetty-home distribution, set up the way the README tells an
 * administrator: the module archive unpacked at its root, {@code start.jar --add-modules=...}, lines
 * appended to {@code start.d/*.ini}; then Jetty run as its own process (plain {@code java -jar start.jar},
 * no scripts), both connectors bound to 127.0.0.1, stopped by PID.
 */
final class JettyBase implements AutoCloseable {

    private final Path home;
    private final Path base;
    private ManagedProcess process;
    private int starts;

    /**
     * @param home   the unpacked jetty-home (read-only)
     * @param base   the new jetty-base (created)
     * @param module the module archive to unpack into it
     */
    JettyBase(Path home, Path base, Path module) throws IOException, InterruptedException {
        this.home = home;
        this.base = base;
        Files.createDirectories(base);
        run(List.of("tar", "-xzf", module.toString(), "-C", base.toString()));
    }

    /** @return the version of the distribution, e.g. {@code 12.1.12} */
    String version() {
        String name = home.getFileName().toString();
        return name.substring(name.lastIndexOf('-') + 1);
    }

    /** Runs {@code start.jar --add-modules=...} and returns what it printed. */
    String addModules(String modules) throws IOException, InterruptedException {
        return run(List.of(java(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base, "--add-modules=" + modules));
    }

    /** Appends {@code lines} to {@code start.d/<module>.ini}. */
    JettyBase appendToIni(String module, String... lines) throws IOException {
        Files.writeString(base.resolve("start.d").resolve(module + ".ini"), String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return this;
    }

    /** Deploys a static webapp at {@code /} (a WAR directory with an empty Servlet 6 web.xml). */
    JettyBase rootWebapp(String index) throws IOException {
        Path root = base.resolve("webapps/ROOT");
        Files.createDirectories(root.resolve("WEB-INF"));
        Files.writeString(root.resolve("index.html"), index);
        Files.writeString(root.resolve("WEB-INF/web.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>\n");
        return this;
    }

    /** Starts Jetty and waits until both ports accept connections. */
    JettyBase start(int httpPort, int httpsPort) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base,
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + httpPort,
                "jetty.ssl.host=127.0.0.1", "jetty.ssl.port=" + httpsPort));
        process = ManagedProcess.start("jetty-" + ++starts, cmd, Map.of(), base); // one log per start
        process.waitForPort("127.0.0.1", httpsPort, Duration.ofSeconds(60));
        process.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(30));
        return this;
    }

    /** @return everything Jetty printed since the last start */
    String log() {
        try {
            return Files.readString(process.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path base() {
        return base;
    }

    /** Stops Jetty by PID (SIGTERM: its shutdown hook stops the server). */
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

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " failed:\n" + out);
        }
        return out;
    }
}
