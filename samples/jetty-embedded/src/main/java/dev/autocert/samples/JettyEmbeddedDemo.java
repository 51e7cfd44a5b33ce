package dev.autocert.samples;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.eclipse.jetty.server.Server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@link JettyEmbeddedApp} against a local ACME CA (Pebble, started by the test kit): waits until the
 * application serves a certificate the CA issued, then prints what a TLS client sees.
 * {@code --keep} leaves both running until Enter is pressed.
 */
public final class JettyEmbeddedDemo {

    private JettyEmbeddedDemo() {
    }

    /**
     * @param args {@code --keep} to keep the server and Pebble running
     * @throws Exception when the demo cannot run; the message says why
     */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("demo.work", "target/demo"));
        deleteRecursively(work);
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(work.resolve("pebble")).start()) {
            Map<String, String> settings = Map.of(
                    "domains", "demo.test,www.demo.test",
                    "acceptTerms", "true",
                    "email", "ops@demo.test",
                    "directory", pebble.directoryUrl(),
                    "caTrust", pebble.caTrustPem().toString());
            System.out.println("Pebble " + pebble.releaseVersion() + " at " + pebble.directoryUrl());
            Server server = JettyEmbeddedApp.create(settings, httpPort, httpsPort, "127.0.0.1", work.resolve("autocert"));
            Instant start = Instant.now();
            server.start();
            try {
                List<X509Certificate> roots = pebble.roots();
                awaitServed(httpsPort, "demo.test", roots, Duration.ofSeconds(90));
                System.out.printf("%nJetty started and served a CA-issued certificate after %.2f s%n",
                        Duration.between(start, Instant.now()).toMillis() / 1000.0);
                TlsProbe.OpensslResult ssl = TlsProbe.openssl("127.0.0.1", httpsPort, "www.demo.test", "h2,http/1.1", null);
                System.out.println("openssl s_client -connect 127.0.0.1:" + httpsPort + " -servername www.demo.test -alpn h2,http/1.1");
                System.out.println("  protocol " + ssl.protocol() + ", ALPN " + ssl.alpn());
                for (X509Certificate c : ssl.chain()) {
                    System.out.printf("  subject %s, issuer %s, names %s%n", c.getSubjectX500Principal().getName(),
                            c.getIssuerX500Principal().getName(), TlsProbe.subjectAltNames(c));
                }
                TlsProbe.verifyChain(ssl.chain(), roots, "www.demo.test");
                System.out.println("  chain verified against Pebble's root: OK");
                System.out.println("  " + TlsProbe.httpsGet(httpsPort, "demo.test", "/", roots).body().trim());
                if (List.of(args).contains("--keep")) {
                    System.out.println("https://127.0.0.1:" + httpsPort + " (SNI demo.test). Press Enter to stop.");
                    System.in.read();
                }
            } finally {
                server.stop();
            }
        }
    }

    private static void awaitServed(int port, String name, List<X509Certificate> roots, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", port, name, roots), roots, name);
                return;
            } catch (RuntimeException | AssertionError e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("No CA-issued certificate within " + timeout.toSeconds() + " s", e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
