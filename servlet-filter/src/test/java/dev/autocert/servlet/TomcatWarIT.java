package dev.autocert.servlet;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample WAR in the real Tomcat 11 distribution, installed the way the README says: the
 * placeholder command once, one TLS connector in server.xml, {@code AUTOCERT_*} environment variables,
 * {@code ROOT.war} dropped into {@code webapps/} of a running Tomcat. Pebble issues over HTTP-01, the
 * webapp rewrites the connector keystore and reloads the connector through JMX; then the WAR is
 * redeployed five times and Tomcat's own leak detection ({@code findleaks}, its undeploy warnings)
 * must stay quiet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatWarIT {

    private static final String AT_ROOT = "Autocert manages 1 certificate(s) [a.test, www.a.test] in the webapp at '/';";

    private final int httpPort = FreePorts.take();
    private final int httpsPort = FreePorts.take();
    private final Path work = Path.of("target", "it", "tomcat-" + System.nanoTime()).toAbsolutePath();
    private final HttpClient http = HttpClient.newHttpClient();
    private Pebble pebble;
    private TomcatProcess tomcat;
    private Path war;
    private List<X509Certificate> roots;

    @BeforeAll
    void startTomcatWithThePlaceholder() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        roots = pebble.roots();
        war = ItSupport.sampleWar(work.resolve("ROOT.war"));
        tomcat = new TomcatProcess(ItSupport.property("it.tomcat.home"), work.resolve("base"), httpPort, httpsPort, FreePorts.take());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUTOCERT_DOMAINS", "a.test,www.a.test");
        env.put("AUTOCERT_DIRECTORY", pebble.directoryUrl());
        env.put("AUTOCERT_CA_TRUST", pebble.caTrustPem().toString());
        env.put("AUTOCERT_ACCEPT_TERMS", "true");
        env.put("AUTOCERT_EMAIL", "ops@a.test");
        env.put("AUTOCERT_CONNECTOR_KEYSTORE", "conf/autocert-connector.p12");
        // the admin's one-shot command, with the same environment and CATALINA_BASE as Tomcat
        Map<String, String> commandEnv = new LinkedHashMap<>(env);
        commandEnv.put("CATALINA_BASE", tomcat.base().toString());
        assertThat(ItSupport.placeholder(commandEnv)).contains("Wrote placeholder keystore " + tomcat.base().resolve("conf/autocert-connector.p12"));
        tomcat.start(env).awaitPort(httpsPort);
    }

    @AfterAll
    void stopAll() {
        if (tomcat != null) {
            tomcat.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    @Test
    @Order(1)
    void rootWarGetsItsCertificateLiveThroughTheConnectorsJmxReload() throws Exception {
        TlsProbe.OpensslResult before = TlsProbe.openssl("127.0.0.1", httpsPort, "a.test", null, null);
        assertThat(before.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=Autocert placeholder");

        Files.copy(war, tomcat.base().resolve("webapps/ROOT.war"));
        for (String name : List.of("a.test", "www.a.test")) {
            TlsProbe.awaitVerified(httpsPort, name, roots, Duration.ofSeconds(60));
        }
        TlsProbe.OpensslResult after = TlsProbe.openssl("127.0.0.1", httpsPort, "www.a.test", "http/1.1", "1.3");
        assertThat(after.handshakeOk()).as(after.output()).isTrue();
        TlsProbe.verifyChain(after.chain(), roots, "www.a.test");
        assertThat(TlsProbe.httpsGet(httpsPort, "a.test", "/", roots).body()).contains("hello from the Autocert sample WAR");
        assertThat(get("/.well-known/acme-challenge/unknownToken_0123456789").statusCode()).isEqualTo(404);

        String console = tomcat.console();
        assertThat(console).contains(AT_ROOT).contains("domains (environment variable AUTOCERT_DOMAINS)")
                .contains("reloaded Tomcat connector \"https-jsse-nio-127.0.0.1-" + httpsPort + "\" host _default_");
        Path stored = tomcat.base().resolve("conf/autocert/certificates/a.test");
        assertThat(stored.resolve("fullchain.pem")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.resolve("privkey.pem")))).isEqualTo("rw-------");
    }

    @Test
    @Order(2)
    void theSameWarOutsideTheRootNamesTheProblemAndKeepsServingTheApplication() throws Exception {
        Path app = tomcat.base().resolve("webapps/app.war");
        Files.copy(war, app);
        await().atMost(Duration.ofSeconds(30)).until(() -> tomcat.console().contains("HTTP-01 cannot reach this webapp: this webapp runs at the context path"));
        assertThat(tomcat.console()).contains("this webapp runs at the context path '/app'");
        assertThat(get("/app/").body()).contains("hello from the Autocert sample WAR");
        assertThat(ItSupport.count(tomcat.console(), "Obtaining certificate")).as("nothing requested from /app").isEqualTo(1);

        Files.delete(app);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/app/").statusCode() == 404);
    }

    @Test
    @Order(3)
    void redeployingTheWarFiveTimesLeavesNoThreadNorClassLoaderBehind() throws Exception {
        X509Certificate served = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.test", roots).get(0);
        Path deployed = tomcat.base().resolve("webapps/ROOT.war");
        for (int i = 1; i <= 5; i++) {
            int expected = i + 1;
            ItSupport.replace(war, deployed);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ItSupport.count(tomcat.console(), AT_ROOT) == expected);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> get("/").body().contains("hello from the Autocert sample WAR"));
        }
        assertThat(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.test", roots).get(0))
                .as("the stored certificate, served all along").isEqualTo(served);
        assertThat(ItSupport.count(tomcat.console(), "Obtaining certificate")).isEqualTo(1);

        List<String> autocertThreads = ItSupport.threads(tomcat.pid(), "autocert-");
        assertThat(autocertThreads.stream().map(name -> name.replaceAll("-\\d+$", "")).distinct())
                .as("only the running deployment's scheduler threads (autocert-<instance>-<n>): %s", autocertThreads)
                .hasSizeLessThanOrEqualTo(1);
        // JDK 17's HttpClient has no close(): its selector and worker threads (from the first deployment's
        // issuance) end once a GC has collected the client; until then they pin that deployment's loader
        ItSupport.gc(tomcat.pid());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> ItSupport.threads(tomcat.pid(), "HttpClient-").isEmpty());
        // a loader is collected once nothing reaches it; on a busy machine the last old deployment's threads may still
        // be ending (the scheduler's awaitTermination), so findleaks is asked until it reports none, for at most 20 s:
        // a real leak is reported every time
        String[] leaks = new String[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            ItSupport.gc(tomcat.pid());
            leaks[0] = tomcat.manager("findleaks?statusLine=true");
            return leaks[0].contains("OK - No memory leaks found");
        });
        assertThat(leaks[0]).as("Tomcat's findleaks after 6 deployments and 1 undeploy").contains("OK - No memory leaks found");
        assertThat(tomcat.console())
                .doesNotContain("appears to have started a thread")
                .doesNotContain("failed to stop it")
                .doesNotContain("memory leak")
                .doesNotContain("ThreadLocal with key")
                .doesNotContain("SEVERE");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
