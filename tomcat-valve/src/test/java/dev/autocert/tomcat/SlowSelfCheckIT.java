package dev.autocert.tomcat;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.apache.tomcat.util.IntrospectionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The self-check is advisory, so a validated order does not wait for it (issue #18). Here the self-check's resolver
 * never answers, as a firewalled resolver or a NAT without hairpinning makes it hang until its timeouts, while Pebble
 * validates at once: the certificate is issued and served before the self-check gives up, and its warning still
 * lands in the log afterwards.
 */
class SlowSelfCheckIT {

    @TempDir
    Path dir;

    @Test
    void aValidatedOrderIsIssuedWhileTheSelfCheckStillWaitsForItsResolver() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(dir.resolve("pebble")).start();
             DatagramSocket silentResolver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             LogCapture issuerLog = new LogCapture("dev.autocert.acme.Issuer")) {
            AutocertListener listener = PebbleListener.of(pebble, "slow.test", dir.resolve("store"), httpsPort);
            IntrospectionUtils.setProperty(listener, "dnsResolver", "127.0.0.1:" + silentResolver.getLocalPort());
            List<X509Certificate> roots = pebble.roots();
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> issuerLog.messages().stream()
                        .anyMatch(m -> m.startsWith("Certificate for [slow.test] issued")));
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "slow.test", roots), roots, "slow.test");

                String warning = "preflight: slow.test does not resolve from this server";
                await().atMost(Duration.ofSeconds(60)).until(() -> issuerLog.text().contains(warning));
                List<String> messages = issuerLog.messages();
                int issued = indexOf(messages, "Certificate for [slow.test] issued");
                int warned = indexOf(messages, warning);
                assertThat(issued).as("issued before the self-check gave up: %s", messages).isLessThan(warned);
                assertThat(messages.get(warned)).startsWith("slow.test: ").endsWith("asking the CA anyway");
            }
        }
    }

    private static int indexOf(List<String> messages, String part) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
