package dev.autocert.jetty;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The product's promise on the real jetty-home distribution: the module archive unpacked into a
 * fresh jetty-base, {@code --add-modules=autocert}, a few lines in {@code start.d/autocert.ini}, and
 * Jetty gets two certificates (one with two names) from Pebble — once when Pebble can reach only the
 * TLS port (TLS-ALPN-01), once when it can reach only the HTTP port (HTTP-01) — serves them next to
 * an ee10/ee11 webapp with h2 untouched, never shows them to an acme-tls/1 client, and serves them
 * again after a restart with the CA gone; the JSON status page answers this machine and a role of the
 * Server's LoginService.
 */
class JettyModuleIT extends AcceptanceTestSupport {

    private static final List<String> NAMES = List.of("a.test", "www.a.test", "b.test");

    private final Path home = Path.of(System.getProperty("jetty.home"));
    private final Path module = Path.of(System.getProperty("autocert.module"));
    private JettyDistribution jetty;

    @Override
    protected AutoCloseable server() {
        return jetty;
    }

    @Test
    void tlsAlpn01OnlyThenRestartWithoutTheCa() throws Exception {
        // Pebble reaches only the TLS port: its HTTP-01 port is one nothing listens on
        pebble = Pebble.builder().httpPort(FreePorts.take()).tlsPort(httpsPort).workDir(work.resolve("pebble")).start();
        jetty = new JettyDistribution(home, work.resolve("base")).unpack(module);
        String ee = jetty.version().startsWith("12.0") ? "ee10" : "ee11";
        String added = jetty.addModules("autocert,http2," + ee + "-deploy");
        assertThat(added).contains("autocert");
        String template = Files.readString(jetty.base().resolve("start.d/autocert.ini"));
        assertThat(template).contains("# jetty.autocert.domains=").contains("# jetty.autocert.acceptTerms=");
        jetty.rootWebapp("hello from " + ee + "\n").appendToIni("autocert", settings("tls-alpn-01"));

        long started = System.nanoTime();
        start();
        List<X509Certificate> roots = pebble.roots();
        awaitServed(roots);
        System.out.printf("[measure] Jetty %s start -> 2 certificates served over TLS-ALPN-01: %.2f s%n", jetty.version(),
                (System.nanoTime() - started) / 1e9);
        assertThat(jetty.console()).contains("Autocert manages 2 certificate(s)").contains("validated over tls-alpn-01")
                .doesNotContain("validated over http-01");

        for (String version : List.of("1.2", "1.3")) {
            // normal handshakes: issued chain, h2 still negotiated
            TlsProbe.OpensslResult normal = TlsProbe.openssl("127.0.0.1", httpsPort, "b.test", "h2,http/1.1", version);
            assertThat(normal.handshakeOk()).as(normal.output()).isTrue();
            assertThat(normal.alpn()).isEqualTo("h2");
            TlsProbe.verifyChain(normal.chain(), roots, "b.test");
        }
        // acme-tls/1 with nothing pending: no certificate at all, certainly not the real one; no_application_protocol
        for (String name : Arrays.asList("a.test", "unknown.test", null)) {
            assertThat(TlsProbe.acmeTlsRefusalProblems("127.0.0.1", httpsPort, name)).isEmpty();
        }
        TlsProbe.HttpsResponse page = TlsProbe.httpsGet(httpsPort, "www.a.test", "/", roots);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("hello from " + ee);

        Path store = jetty.base().resolve("etc/autocert/certificates");
        for (String name : List.of("a.test", "b.test")) {
            assertThat(store.resolve(name).resolve("fullchain.pem")).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(name).resolve("privkey.pem"))))
                    .isEqualTo("rw-------");
        }
        assertNoAutocertWarnings(jetty.console());
        X509Certificate servedBefore = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.test", roots).get(0);

        // the CA goes away; a restart serves the stored certificates at once
        pebble.close();
        pebble = null;
        jetty.stop();
        long restarted = System.nanoTime();
        start();
        assertThat(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.test", roots).get(0)).isEqualTo(servedBefore);
        System.out.printf("[measure] Jetty restart without CA -> stored certificate served: %.2f s%n", (System.nanoTime() - restarted) / 1e9);
        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "b.test", roots), roots, "b.test");
        // no SNI: the first managed certificate
        TlsProbe.OpensslResult noSni = TlsProbe.openssl("127.0.0.1", httpsPort, null, null, null);
        assertThat(noSni.chain().get(0)).isEqualTo(servedBefore);
        assertThat(jetty.console()).contains("Serving stored certificate for [a.test, www.a.test]")
                .doesNotContain("Obtaining certificate");
    }

    @Test
    void http01Only() throws Exception {
        // Pebble reaches only the HTTP port: its TLS-ALPN-01 port is one nothing listens on
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        jetty = new JettyDistribution(home, work.resolve("base")).unpack(module);
        jetty.addModules("autocert,ee10-deploy,demo-realm"); // demo-realm: a HashLoginService bean on the Server
        Files.writeString(jetty.base().resolve("etc/jetty-demo-realm.properties"), "ops: ops-secret,autocert-status\ndev: dev-secret,user\n");
        jetty.rootWebapp("hello from ee10\n").appendToIni("autocert", settings(null))
                .appendToIni("autocert", "jetty.autocert.statusPath=/.well-known/autocert-status", "jetty.autocert.statusRole=autocert-status");

        long started = System.nanoTime();
        start();
        List<X509Certificate> roots = pebble.roots();
        awaitServed(roots);
        System.out.printf("[measure] Jetty %s start -> 2 certificates served over HTTP-01: %.2f s%n", jetty.version(),
                (System.nanoTime() - started) / 1e9);
        assertThat(jetty.console()).contains("validated over http-01").contains("preflight passed").doesNotContain("validated over tls-alpn-01");

        for (String version : List.of("1.2", "1.3")) {
            TlsProbe.OpensslResult normal = TlsProbe.openssl("127.0.0.1", httpsPort, "www.a.test", null, version);
            assertThat(normal.handshakeOk()).as(normal.output()).isTrue();
            TlsProbe.verifyChain(normal.chain(), roots, "www.a.test");
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(app.body()).contains("hello from ee10");
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/.well-known/acme-challenge/unknownToken_0123456789")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(TlsProbe.httpsGet(httpsPort, "b.test", "/", roots).body()).contains("hello from ee10");

        // the status page: this machine gets it; from elsewhere (a proxy says so) the role's users, over HTTPS
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/.well-known/autocert-status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"name\": \"a.test\"").contains("\"validatedBy\": [\"http-01\"]")
                .contains("\"servedBy\": [\"https@127.0.0.1:" + httpsPort + "\"]");
        assertThat(StatusPageTest.fromElsewhere(httpsPort, roots, null).status()).isEqualTo(401);
        assertThat(StatusPageTest.fromElsewhere(httpsPort, roots, "dev:dev-secret").status()).isEqualTo(403);
        assertThat(StatusPageTest.fromElsewhere(httpsPort, roots, "ops:ops-secret").body()).contains("\"name\": \"b.test\"");
        assertThat(jetty.console()).contains("for role 'autocert-status' of the LoginService").doesNotContain("ops-secret");
        assertNoAutocertWarnings(jetty.console());
    }

    private String[] settings(String challenges) {
        return new String[] {
            "jetty.autocert.domains=a.test,www.a.test;b.test",
            "jetty.autocert.acceptTerms=true",
            "jetty.autocert.email=ops@a.test",
            "jetty.autocert.directory=" + pebble.directoryUrl(),
            "jetty.autocert.caTrust=" + pebble.caTrustPem(),
            challenges == null ? "" : "jetty.autocert.challenges=" + challenges,
            // the HTTP-01 self-check resolves through the CA's DNS and fetches on the CA's port
            "jetty.autocert.dnsResolver=127.0.0.1:" + pebble.dnsPort(),
            "jetty.autocert.httpChallengePort=" + pebble.httpPort(),
        };
    }

    private void awaitServed(List<X509Certificate> roots) {
        for (String name : NAMES) {
            TlsProbe.awaitVerified(httpsPort, name, roots, Duration.ofSeconds(60));
        }
    }

    /** Jetty's own "weak cipher suite" notices are not ours; any warning from dev.autocert.* is. */
    private static void assertNoAutocertWarnings(String log) {
        assertThat(log.lines().filter(l -> l.matches(".*:(WARN |ERROR):da\\w*\\..*"))).isEmpty();
    }

    private void start() {
        jetty.start(List.of(), Map.of("jetty.http.host", "127.0.0.1", "jetty.http.port", String.valueOf(httpPort),
                "jetty.ssl.host", "127.0.0.1", "jetty.ssl.port", String.valueOf(httpsPort)), httpsPort).awaitPort(httpPort);
        // on the JDK of the run (the build runs this class once more with the server on Java 25)
        assertThat(jetty.console()).containsPattern("; jvm " + jetty.javaFeature() + "\\.");
    }
}
