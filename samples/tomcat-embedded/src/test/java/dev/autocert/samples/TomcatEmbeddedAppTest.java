package dev.autocert.samples;

import dev.autocert.config.Setting;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tomcat.AutocertListener;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample as its users run it, against a local Pebble: a CA-issued certificate served and stored. */
class TomcatEmbeddedAppTest {

    @TempDir
    Path dir;

    @Test
    void servesACaIssuedCertificate() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(dir.resolve("pebble")).start()) {
            AutocertListener autocert = new AutocertListener();
            autocert.set(Setting.DOMAINS, "embedded.test,www.embedded.test");
            autocert.set(Setting.ACCEPT_TERMS, "true");
            autocert.set(Setting.DIRECTORY, pebble.directoryUrl());
            autocert.set(Setting.CA_TRUST, pebble.caTrustPem().toString());
            Tomcat tomcat = TomcatEmbeddedApp.create(autocert, httpPort, httpsPort, "127.0.0.1", dir.resolve("tomcat"));
            tomcat.start();
            try {
                List<X509Certificate> roots = pebble.roots();
                TlsProbe.awaitVerified(httpsPort, "www.embedded.test", roots, Duration.ofSeconds(60));
                assertThat(TlsProbe.httpsGet(httpsPort, "embedded.test", "/", roots).body()).contains("hello from embedded Tomcat over https");
                try (var stored = Files.walk(dir.resolve("tomcat/conf/autocert"))) {
                    assertThat(stored.map(p -> p.getFileName().toString())).contains("fullchain.pem", "privkey.pem");
                }
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }
}
