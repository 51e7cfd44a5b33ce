package dev.autocert.tomcat;

import dev.autocert.config.Adapter;
import dev.autocert.config.AutocertConfig;
import dev.autocert.store.FileStore;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tomcat as an API, without the listener: embedding code installs Autocert into its own {@code Server} on a store
 * it chose, starts Tomcat, then starts issuing; the certificate is issued by Pebble, served, and kept in that store.
 */
class TomcatInstallIT {

    @TempDir
    Path dir;

    @Test
    void embeddingCodeInstallsAutocertOnItsOwnStore() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(dir.resolve("pebble")).start()) {
            AutocertConfig config = AutocertConfig.parse(Map.of("domains", "api.test", "acceptTerms", "true",
                    "directory", pebble.directoryUrl(), "caTrust", pebble.caTrustPem().toString(),
                    "httpsPort", String.valueOf(httpsPort), "httpsAddress", "127.0.0.1"), dir.resolve("unused"), Adapter.TOMCAT);
            FileStore store = new FileStore(dir.resolve("chosen-store"), "changeit");
            List<X509Certificate> roots = pebble.roots();
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, null)) {
                TomcatInstall installed = TomcatInstall.install(tomcat.tomcat.getServer(), config, store);
                tomcat.start();
                installed.startIssuing();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "api.test", roots), roots, "api.test"));
                assertThat(installed.autocert().store()).isSameAs(store);
                assertThat(Files.exists(store.keystoreFile("api.test"))).isTrue();
            }
        }
    }
}
