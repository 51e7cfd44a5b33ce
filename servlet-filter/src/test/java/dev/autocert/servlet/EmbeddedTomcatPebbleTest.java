package dev.autocert.servlet;

import dev.autocert.config.KeyType;
import dev.autocert.store.FileStore;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole WAR story in an embedded Tomcat 11 with a real Pebble: the connector starts on the
 * placeholder keystore, the webapp at ROOT gets a certificate over HTTP-01 through the filter, rewrites
 * the connector keystore and reloads the connector through JMX; a webapp elsewhere explains why it
 * cannot use HTTP-01 and still hands the stored certificate over.
 */
class EmbeddedTomcatPebbleTest {

    @TempDir
    Path dir;
    private EmbeddedTomcat tomcat;
    private Pebble pebble;
    private final LogCapture logs = new LogCapture();

    @AfterEach
    void tearDown() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        if (pebble != null) {
            pebble.close();
        }
        logs.close();
    }

    @Test
    void rootWebappGetsACertificateOverHttp01AndTheConnectorServesItAfterAJmxReload() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(dir.resolve("pebble")).start();
        Path base = dir.resolve("tomcat");
        Path keystore = base.resolve("conf/autocert-connector.p12");
        PlaceholderKeystore.write(keystore, "changeit", List.of("a.test", "www.a.test"));
        tomcat = new EmbeddedTomcat(base, httpPort).https(httpsPort, keystore, "changeit");
        Map<String, String> p = TestWebapp.settings(pebble, "a.test,www.a.test", dir.resolve("store"));
        p.put("autocert.connectorKeystore", "conf/autocert-connector.p12"); // relative to catalina.base
        Context ctx = tomcat.deploy("", dir.resolve("root"), p);
        tomcat.start();

        List<X509Certificate> roots = pebble.roots();
        for (String name : List.of("a.test", "www.a.test")) {
            TlsProbe.awaitVerified(httpsPort, name, roots, Duration.ofSeconds(60));
        }
        assertThat(logs.text()).contains("written to " + keystore).contains("reloaded Tomcat connector");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore))).isEqualTo("rw-------"); // the set's own toString has no fixed order
        X509Certificate issued = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.test", roots).get(0);
        assertThat(Security.getProviders()).as("no JVM-wide provider from a webapp")
                .noneMatch(provider -> provider.getClass().getName().startsWith("org.bouncycastle"));

        ctx.stop();
        assertThat(EmbeddedTomcat.threadsNamed("autocert-")).isEmpty();

        // restart with the CA gone and the placeholder back in the connector keystore (e.g. restored from
        // a backup): the stored certificate is handed over while the webapp starts, no CA contact
        tomcat.close();
        pebble.close();
        pebble = null;
        PlaceholderKeystore.write(keystore, "changeit", List.of("a.test"));
        int httpsAgain = FreePorts.take();
        tomcat = new EmbeddedTomcat(base, FreePorts.take()).https(httpsAgain, keystore, "changeit");
        tomcat.deploy("", dir.resolve("root"), p);
        tomcat.start();
        assertThat(TlsProbe.javaHandshake("127.0.0.1", httpsAgain, "a.test", roots).get(0)).isEqualTo(issued);
    }

    @Test
    void aWebappOutsideTheRootNamesTheProblemRequestsNothingAndStillHandsTheStoredCertificateOver() throws Exception {
        Path store = dir.resolve("store");
        CertifiedKey stored = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
        new FileStore(store, "changeit").saveCertificate("a.test", stored);
        Path keystore = dir.resolve("connector.p12");
        tomcat = new EmbeddedTomcat(dir.resolve("tomcat"), FreePorts.take());
        Map<String, String> p = new LinkedHashMap<>();
        p.put("autocert.domains", "a.test");
        p.put("autocert.directory", "http://127.0.0.1:" + FreePorts.take() + "/dir");
        p.put("autocert.acceptTerms", "true");
        p.put("autocert.storage", store.toString());
        p.put("autocert.connectorKeystore", keystore.toString());
        Context ctx = tomcat.deploy("/app", dir.resolve("app"), p);
        tomcat.start();

        assertThat(ctx.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(logs.text())
                .contains("HTTP-01 cannot reach this webapp: this webapp runs at the context path '/app'")
                .contains("deploy the WAR as the root context")
                .contains("stored certificates are still handed to the connector (see docs/troubleshooting.md#war-not-at-root)")
                .doesNotContain("Obtaining certificate")
                // this Tomcat has no TLS connector reading that file: named too
                .contains("no TLS connector reads the connector keystore")
                .contains("(see docs/troubleshooting.md#war-no-connector)");
        assertThat(EmbeddedTomcat.threadsNamed("autocert-")).as("no issuance thread").isEmpty();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        assertThat(ks.getCertificate("autocert")).isEqualTo(stored.leaf());
    }
}
