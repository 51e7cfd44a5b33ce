package dev.autocert.jetty;

import dev.autocert.testkit.AcceptanceTestSupport;
import dev.autocert.testkit.AskEndpoint;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.JettyDistribution;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On-demand TLS on the real jetty-home distribution ({@code --add-modules=autocert}, no {@code domains}): the first
 * handshake for a name the ask endpoint approves gets a Pebble certificate, a refused name's handshake fails
 * ({@code onDemandRefused=fail}) and is never ordered, twenty concurrent first handshakes make one order, and a restart
 * with the ask endpoint down serves the stored names at once.
 */
class JettyOnDemandIT extends AcceptanceTestSupport {

    private final Path home = Path.of(System.getProperty("jetty.home"));
    private final Path module = Path.of(System.getProperty("autocert.module"));
    private JettyDistribution jetty;
    private AskEndpoint ask;

    @Override
    protected AutoCloseable server() {
        return jetty;
    }

    @AfterEach
    void stopAsk() {
        if (ask != null) {
            ask.close();
        }
    }

    @Test
    void certificatesAtTheFirstHandshakeOnlyForApprovedNames() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        ask = new AskEndpoint(".ok.test");
        jetty = new JettyDistribution(home, work.resolve("base")).unpack(module);
        String ee = jetty.version().startsWith("12.0") ? "ee10" : "ee11";
        assertThat(jetty.addModules("autocert," + ee + "-deploy")).contains("autocert");
        jetty.rootWebapp("hello\n").appendToIni("autocert",
                "jetty.autocert.onDemand=true",
                "jetty.autocert.onDemandAsk=" + ask.url(),
                "jetty.autocert.onDemandRefused=fail",
                "jetty.autocert.acceptTerms=true",
                "jetty.autocert.directory=" + pebble.directoryUrl(),
                "jetty.autocert.caTrust=" + pebble.caTrustPem(),
                "jetty.autocert.dnsResolver=127.0.0.1:" + pebble.dnsPort(),
                "jetty.autocert.httpChallengePort=" + pebble.httpPort(),
                "jetty.autocert.retryDelay=1s");
        start();
        List<X509Certificate> roots = pebble.roots();
        assertThat(jetty.console()).contains("Autocert manages 0 certificate(s) and on demand");

        long started = System.nanoTime();
        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.ok.test", roots), roots, "a.ok.test");
        System.out.printf("[measure] Jetty on-demand: first handshake for a new name served a Pebble certificate after %.2f s%n",
                (System.nanoTime() - started) / 1e9);
        assertThat(TlsProbe.httpsGet(httpsPort, "a.ok.test", "/", roots).body()).contains("hello");
        assertThat(pebble.ordersPlaced()).isEqualTo(1);

        // refused: no certificate at all (onDemandRefused=fail), no order, one ask
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> TlsProbe.presented("127.0.0.1", httpsPort, "b.evil.test")).isInstanceOf(UncheckedIOException.class);
        }
        assertThat(ask.callsFor("b.evil.test")).isEqualTo(1);
        assertThat(pebble.ordersPlaced()).isEqualTo(1);

        TlsProbe.verifiedAtOnce("127.0.0.1", httpsPort, "c.ok.test", roots, 20);
        assertThat(pebble.ordersPlaced()).isEqualTo(2);
        assertThat(ask.callsFor("c.ok.test")).isEqualTo(1);
        X509Certificate servedBefore = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "c.ok.test", roots).get(0);

        ask.close();
        ask = null;
        jetty.stop();
        start();
        assertThat(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "c.ok.test", roots).get(0)).isEqualTo(servedBefore);
        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.ok.test", roots), roots, "a.ok.test");
        assertThatThrownBy(() -> TlsProbe.presented("127.0.0.1", httpsPort, "d.ok.test")).isInstanceOf(UncheckedIOException.class);
        assertThat(jetty.console()).contains("does not answer (asked for d.ok.test)");
        assertThat(pebble.ordersPlaced()).isEqualTo(2);
    }

    private void start() {
        jetty.start(List.of(), Map.of("jetty.http.host", "127.0.0.1", "jetty.http.port", String.valueOf(httpPort),
                "jetty.ssl.host", "127.0.0.1", "jetty.ssl.port", String.valueOf(httpsPort)), httpsPort).awaitPort(httpPort);
    }
}
