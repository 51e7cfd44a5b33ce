package dev.autocert.servlet;

import dev.autocert.testkit.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real Tomcat distribution as its own process, with its own CATALINA_BASE: the stock
 * {@code conf/} except {@code server.xml} (the test resource {@code tomcat/server.xml}: HTTP, the
 * admin's TLS connector, a one-second deployer scan) and a {@code manager-script} user for
 * {@code findleaks}. Started like catalina.sh does (its {@code --add-opens}, so leak detection is
 * complete), environment given by the test. Minimal on purpose; a shared runner may replace it.
 */
final class TomcatProcess implements AutoCloseable {

    static final String MANAGER_USER = "it";
    static final String MANAGER_PASSWORD = "it-manager-secret";

    private final Path home;
    private final Path base;
    private final int httpPort;
    private ManagedProcess process;

    TomcatProcess(Path home, Path base, int httpPort, int httpsPort, int shutdownPort) throws IOException {
        this.home = home;
        this.base = base;
        this.httpPort = httpPort;
        for (String dir : List.of("conf/Catalina/localhost", "lib", "logs", "temp", "webapps", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
            for (Path f : conf.filter(Files::isRegularFile).toList()) {
                Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
            }
        }
        String serverXml;
        try (var in = TomcatProcess.class.getResourceAsStream("/tomcat/server.xml")) {
            serverXml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(base.resolve("conf/server.xml"), serverXml.replace("@SHUTDOWN_PORT@", Integer.toString(shutdownPort))
                .replace("@HTTP_PORT@", Integer.toString(httpPort)).replace("@HTTPS_PORT@", Integer.toString(httpsPort)));
        Files.writeString(base.resolve("conf/tomcat-users.xml"), "<tomcat-users xmlns=\"http://tomcat.apache.org/xml\" version=\"1.0\">\n"
                + "  <role rolename=\"manager-script\"/>\n  <user username=\"" + MANAGER_USER + "\" password=\"" + MANAGER_PASSWORD
                + "\" roles=\"manager-script\"/>\n</tomcat-users>\n");
        Files.writeString(base.resolve("conf/Catalina/localhost/manager.xml"),
                "<Context docBase=\"" + home.resolve("webapps/manager") + "\" privileged=\"true\" antiResourceLocking=\"false\"/>\n");
    }

    /** Starts Tomcat with {@code env} added to its environment and waits for its HTTP port. */
    TomcatProcess start(Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(ItSupport.java(),
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        process = ManagedProcess.start("tomcat", cmd, env, base.resolve("logs"));
        process.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(60));
        return this;
    }

    TomcatProcess awaitPort(int port) {
        process.waitForPort("127.0.0.1", port, Duration.ofSeconds(30));
        return this;
    }

    /** @return what Tomcat printed (JULI's console handler), Autocert's slf4j-jdk14 lines included */
    String console() {
        try {
            return Files.readString(process.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Calls the Manager's text interface, e.g. {@code findleaks?statusLine=true}. */
    String manager(String command) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString((MANAGER_USER + ":" + MANAGER_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/manager/text/" + command))
                .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(60)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).body();
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
