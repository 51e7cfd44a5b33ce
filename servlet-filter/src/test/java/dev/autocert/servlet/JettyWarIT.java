package dev.autocert.servlet;

import dev.autocert.testkit.JettyDistribution;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample WAR in the real jetty-home 12.1 (ee10): placeholder command, {@code ssl-reload} watching
 * the connector keystore, settings as {@code -Dautocert.*} system properties, no annotations module
 * (the web-fragment installs the filter). Pebble issues over HTTP-01, the webapp rewrites the keystore,
 * Jetty's watcher reloads it; undeploying leaves no Autocert thread.
 */
class JettyWarIT {

    private final int httpPort = FreePorts.take();
    private final int httpsPort = FreePorts.take();
    private final Path work = Path.of("target", "it", "jetty-" + System.nanoTime()).toAbsolutePath();
    private Pebble pebble;
    private JettyDistribution jetty;

    @AfterEach
    void stopAll() {
        if (jetty != null) {
            jetty.close();
        }
        if (pebble != null) {
            pebble.close();
        }
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
        jetty.addModules("http,https,ssl-reload,ee10-deploy"); // no annotations: the web-fragment installs the filter
        jetty.appendToIni("autocert-connector", ini);
        assertThat(ItSupport.placeholder(Map.of("JETTY_BASE", jetty.base().toString(), "AUTOCERT_DOMAINS", "j.test"),
                "--keystore", "etc/autocert-connector.p12")).contains("Wrote placeholder keystore");
        Path deployed = ItSupport.sampleWar(jetty.base().resolve("webapps/ROOT.war"));

        jetty.start(List.of("-Dautocert.domains=j.test", "-Dautocert.directory=" + pebble.directoryUrl(),
                "-Dautocert.caTrust=" + pebble.caTrustPem(), "-Dautocert.acceptTerms=true",
                "-Dautocert.connectorKeystore=etc/autocert-connector.p12"), Map.of(), httpPort).awaitPort(httpsPort);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "j.test", roots), roots, "j.test"));

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

        // undeploy: the webapp's threads go with it
        Files.delete(deployed);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 404);
        assertThat(ItSupport.threads(jetty.pid(), "autocert-")).isEmpty();
    }
}
