package dev.autocert.servlet;

import dev.autocert.testkit.AcceptanceTestSupport;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.JettyDistribution;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample WAR in the real jetty-home 12.1 (ee10): placeholder command, {@code ssl-reload} watching
 * the connector keystore, settings as {@code -Dautocert.*} system properties, no annotations module
 * (the web-fragment installs the filter). Pebble issues over HTTP-01, the webapp rewrites the keystore,
 * Jetty's watcher reloads it; the status page answers this machine and a role of the Server's LoginService
 * (through {@code request.login}, which on Jetty needs the webapp's {@code login-config}); undeploying leaves
 * no Autocert thread.
 */
class JettyWarIT extends AcceptanceTestSupport {

    private static final String STATUS = "/.well-known/autocert-status";

    private JettyDistribution jetty;

    @Override
    protected AutoCloseable server() {
        return jetty;
    }

    @Test
    void rootWarGetsItsCertificateLiveThroughJettysKeystoreWatcher() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        List<X509Certificate> roots = pebble.roots();
        // the admin's one-time connector configuration (README "WAR install", Jetty)
        String ini = String.join("\n",
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + httpPort,
                "jetty.ssl.host=127.0.0.1", "jetty.ssl.port=" + httpsPort,
                "jetty.sslContext.keyStorePath=etc/autocert-connector.p12",
                "jetty.sslContext.keyStorePassword=changeit",
                "jetty.sslContext.keyStoreType=PKCS12",
                "jetty.sslContext.reload.scanInterval=1",
                "jetty.deploy.scanInterval=1", "");
        jetty = new JettyDistribution(ItSupport.property("it.jetty.home"), work.resolve("base"));
        jetty.addModules("http,https,ssl-reload,ee10-deploy,demo-realm"); // no annotations: the web-fragment installs the filter
        // demo-realm: a HashLoginService bean on the Server, which the webapp's security handler uses as its realm
        Files.writeString(jetty.base().resolve("etc/jetty-demo-realm.properties"), "ops: ops-secret,autocert-status\ndev: dev-secret,user\n");
        jetty.appendToIni("autocert-connector", ini);
        assertThat(ItSupport.placeholder(Map.of("JETTY_BASE", jetty.base().toString(), "AUTOCERT_DOMAINS", "j.test"),
                "--keystore", "etc/autocert-connector.p12")).contains("Wrote placeholder keystore");
        // on Jetty, request.login needs the webapp's login-config, naming the Server's LoginService (demo-realm's)
        Path deployed = ItSupport.sampleWar(jetty.base().resolve("webapps/ROOT.war"), xml -> xml.replace("</web-app>",
                "<login-config><auth-method>BASIC</auth-method><realm-name>Test Realm</realm-name></login-config></web-app>"));

        jetty.start(List.of("-Dautocert.domains=j.test", "-Dautocert.directory=" + pebble.directoryUrl(),
                "-Dautocert.caTrust=" + pebble.caTrustPem(), "-Dautocert.acceptTerms=true",
                "-Dautocert.connectorKeystore=etc/autocert-connector.p12", "-Dautocert.statusPath=" + STATUS,
                "-Dautocert.statusRole=autocert-status"), Map.of(), httpPort).awaitPort(httpsPort);
        TlsProbe.awaitVerified(httpsPort, "j.test", roots, Duration.ofSeconds(60));

        TlsProbe.OpensslResult ssl = TlsProbe.openssl("127.0.0.1", httpsPort, "j.test", null, "1.2");
        assertThat(ssl.handshakeOk()).as(ssl.output()).isTrue();
        TlsProbe.verifyChain(ssl.chain(), roots, "j.test");
        assertThat(TlsProbe.httpsGet(httpsPort, "j.test", "/", roots).body()).contains("hello from the Autocert sample WAR");
        assertThat(jetty.console())
                .contains("Autocert manages 1 certificate(s) [j.test] in the webapp at '/'")
                .contains("domains (system property autocert.domains)")
                .contains("Jetty's ssl-reload module serves it")
                .contains("store " + jetty.base().resolve("etc/autocert"));
        assertThat(jetty.base().resolve("etc/autocert/certificates/j.test/fullchain.pem")).exists();

        // the status page: this machine gets it; from elsewhere (a proxy says so) the role's users, over HTTPS
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + STATUS)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"name\": \"j.test\"").contains("\"validatedBy\": [\"http-01\"]");
        assertThat(statusFromElsewhere(roots, null).status()).isEqualTo(401);
        assertThat(statusFromElsewhere(roots, "ops:wrong").status()).isEqualTo(401);
        assertThat(statusFromElsewhere(roots, "dev:dev-secret").status()).isEqualTo(403);
        assertThat(statusFromElsewhere(roots, "ops:ops-secret").body()).contains("\"name\": \"j.test\"");

        // undeploy: the webapp's threads go with it
        Files.delete(deployed);
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 404);
        assertThat(ItSupport.threads(jetty.pid(), "autocert-")).isEmpty();
    }

    /** {@code GET} the status page over HTTPS through a proxy on this machine that says so, with these credentials or none. */
    private TlsProbe.HttpsResponse statusFromElsewhere(List<X509Certificate> roots, String credentials) {
        Map<String, String> headers = credentials == null ? Map.of("X-Forwarded-For", "203.0.113.7") : Map.of("X-Forwarded-For",
                "203.0.113.7", "Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        return TlsProbe.httpsGet(httpsPort, "j.test", STATUS, roots, headers);
    }
}
