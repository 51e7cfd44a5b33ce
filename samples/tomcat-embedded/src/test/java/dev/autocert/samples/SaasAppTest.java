package dev.autocert.samples;

import dev.autocert.config.Setting;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tomcat.AutocertListener;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The on-demand sample against a local Pebble: a customer's domain gets its certificate at its first handshake. */
class SaasAppTest {

    @TempDir
    Path dir;

    @Test
    void aCustomersDomainGetsACertificateAtItsFirstHandshakeAndOthersDoNot() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(dir.resolve("pebble")).start()) {
            AutocertListener autocert = new AutocertListener();
            autocert.set(Setting.ACCEPT_TERMS, "true");
            autocert.set(Setting.DIRECTORY, pebble.directoryUrl());
            autocert.set(Setting.CA_TRUST, pebble.caTrustPem().toString());
            autocert.set(Setting.HTTP_CHALLENGE_PORT, String.valueOf(httpPort));
            Set<String> customers = ConcurrentHashMap.newKeySet();
            customers.add("shop.customer.test");
            Tomcat tomcat = SaasApp.create(autocert, customers, httpPort, httpsPort, "127.0.0.1", dir.resolve("tomcat"));
            tomcat.start();
            try {
                List<X509Certificate> roots = pebble.roots();
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "shop.customer.test", roots), roots,
                        "shop.customer.test");
                assertThat(TlsProbe.httpsGet(httpsPort, "shop.customer.test", "/", roots).body())
                        .contains("hello from embedded Tomcat over https");
                assertThat(CertifiedKey.names(TlsProbe.presented("127.0.0.1", httpsPort, "stranger.test")))
                        .doesNotContain("stranger.test");
                assertThat(pebble.ordersPlaced()).isEqualTo(1);
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }
}
