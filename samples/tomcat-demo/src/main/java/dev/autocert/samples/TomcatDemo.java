package dev.autocert.samples;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.testkit.TomcatDistribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The README's demo: a local ACME CA (Pebble), a real Tomcat distribution with the drop-in JAR in
 * {@code lib/} and one {@code <Listener>} line in its stock {@code server.xml}; waits until Tomcat
 * serves a certificate the CA issued and prints the chain a TLS client sees.
 */
public final class TomcatDemo {

    private TomcatDemo() {
    }

    /**
     * @param args {@code --keep} keeps Tomcat and Pebble running until Enter is pressed
     * @throws Exception when the demo cannot run; the message says why
     */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("demo.work", "target/demo"));
        deleteRecursively(work);
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        String line = null;
        try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(httpsPort).workDir(work.resolve("pebble")).start()) {
            line = "<Listener className=\"dev.autocert.tomcat.AutocertListener\" domains=\"demo.test,www.demo.test\""
                    + " acceptTerms=\"true\" email=\"ops@demo.test\" directory=\"" + pebble.directoryUrl() + "\""
                    + " caTrust=\"" + pebble.caTrustPem() + "\" httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\"/>";
            System.out.println("Pebble " + pebble.releaseVersion() + " at " + pebble.directoryUrl());
            System.out.println("server.xml gets one line:\n  " + line);
            try (TomcatDistribution tomcat = new TomcatDistribution(Path.of(System.getProperty("tomcat.home")),
                    work.resolve("catalina-base"), httpPort, FreePorts.take())
                    .insertIntoServer(line).dropIn(Path.of(System.getProperty("autocert.jar")))) {
                Instant start = Instant.now();
                tomcat.start();
                List<X509Certificate> roots = pebble.roots();
                List<X509Certificate> chain = awaitServed(httpsPort, "demo.test", roots, Duration.ofSeconds(90), tomcat);
                double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                System.out.printf("%nTomcat started and served a CA-issued certificate after %.2f s%n", seconds);
                TlsProbe.OpensslResult ssl = TlsProbe.openssl("127.0.0.1", httpsPort, "demo.test", "h2,http/1.1", null);
                System.out.println("openssl s_client -connect 127.0.0.1:" + httpsPort + " -servername demo.test -alpn h2,http/1.1");
                System.out.println("  protocol " + ssl.protocol() + ", ALPN " + ssl.alpn());
                for (int i = 0; i < ssl.chain().size(); i++) {
                    X509Certificate c = ssl.chain().get(i);
                    System.out.printf("  %d subject: %s%n    issuer: %s%n    names: %s%n    valid: %s .. %s%n", i,
                            c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                            TlsProbe.subjectAltNames(c), c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
                }
                TlsProbe.verifyChain(chain, roots, "demo.test");
                System.out.println("  chain verified against Pebble's root: OK");
                System.out.println("Stored in " + tomcat.base().resolve("conf/autocert/certificates/demo.test"));
                if (List.of(args).contains("--keep")) {
                    System.out.println("Tomcat: https://127.0.0.1:" + httpsPort + " (SNI demo.test). Press Enter to stop.");
                    System.in.read();
                }
            }
        }
    }

    private static List<X509Certificate> awaitServed(int port, String name, List<X509Certificate> roots, Duration timeout,
                                                     TomcatDistribution tomcat) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", port, name, roots);
                TlsProbe.verifyChain(chain, roots, name);
                return chain;
            } catch (RuntimeException | AssertionError e) {
                if (Instant.now().isAfter(deadline)) {
                    System.err.println(tomcat.console());
                    throw new IllegalStateException("No CA-issued certificate served within " + timeout.toSeconds()
                            + " s; Tomcat's log is above", e);
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
