package dev.autocert.tomcat;

import dev.autocert.testkit.AskEndpoint;
import dev.autocert.testkit.ClientLoop;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On-demand TLS on the real Tomcat distribution: one listener line with {@code onDemand} and an ask endpoint (a tiny
 * HTTP server in the test approving {@code *.ok.test}) and no {@code domains}. The first handshake for an approved
 * name waits for its Pebble certificate; refused names, even a thousand random ones, never reach Pebble; fifty
 * concurrent first handshakes make one order; {@code onDemandMax} holds; after a restart with the ask endpoint down the
 * stored names are served at once while new names are refused, and {@code onDemandRate} holds for allowed ones.
 */
class TomcatOnDemandIT extends DistributionTestSupport {

    private AskEndpoint ask;

    @AfterEach
    void stopAsk() {
        if (ask != null) {
            ask.close();
        }
    }

    private String line(String onDemand) {
        return listenerLine("onDemand=\"true\" " + onDemand + " acceptTerms=\"true\" httpsPort=\"" + httpsPort + "\""
                + " httpsAddress=\"127.0.0.1\" httpChallengePort=\"" + httpPort + "\" retryDelay=\"1s\""
                + " statusPath=\"/.well-known/autocert-status\"");
    }

    @Test
    void certificatesAtTheFirstHandshakeOnlyForApprovedNames() throws Exception {
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).workDir(work.resolve("pebble")).start();
        ask = new AskEndpoint(".ok.test");
        newTomcat("tomcat.home").insertIntoServer(line("onDemandAsk=\"" + ask.url() + "\" onDemandMax=\"3\""));
        tomcat.start().awaitPort(httpsPort);
        List<X509Certificate> roots = pebble.roots();
        assertThat(tomcat.console()).contains("Autocert manages 0 certificate(s) and on demand");

        // an approved name: its first handshake waits for the certificate and gets it
        long started = System.nanoTime();
        List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.ok.test", roots);
        double firstHandshake = (System.nanoTime() - started) / 1e9;
        TlsProbe.verifyChain(chain, roots, "a.ok.test");
        System.out.printf("[measure] Tomcat on-demand: first handshake for a new name served a Pebble certificate after %.2f s%n",
                firstHandshake);
        assertThat(pebble.ordersPlaced()).isEqualTo(1);
        assertThat(ask.callsFor("a.ok.test")).isEqualTo(1);

        // a refused name: the default certificate, no order
        X509Certificate refused = TlsProbe.presented("127.0.0.1", httpsPort, "b.evil.test");
        assertThat(CertifiedKey.names(refused)).doesNotContain("b.evil.test");
        assertThatThrownBy(() -> TlsProbe.javaHandshake("127.0.0.1", httpsPort, "b.evil.test", roots))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(ask.callsFor("b.evil.test")).isEqualTo(1);
        assertThat(pebble.ordersPlaced()).isEqualTo(1);

        // 1,000 random refused names while a customer's name keeps being served: no order, one ask per name
        ClientLoop customer = ClientLoop.start(() -> {
            TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.ok.test", roots), roots, "a.ok.test");
            return true;
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> flood = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                flood.add(pool.submit(() -> {
                    for (int i = thread; i < 1000; i += 8) {
                        TlsProbe.presented("127.0.0.1", httpsPort, "r" + i + ".evil.test");
                    }
                }));
            }
            for (Future<?> f : flood) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            customer.close();
        }
        assertThat(pebble.ordersPlaced()).isEqualTo(1);
        assertThat(ask.calls().entrySet().stream().filter(e -> e.getKey().endsWith(".evil.test")))
                .hasSize(1001).allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1));
        assertThat(customer.failed()).as("the customer's handshakes during the flood").isZero();
        assertThat(customer.matched()).isPositive();

        // 50 concurrent first handshakes for one new name: one order, all served
        TlsProbe.verifiedAtOnce("127.0.0.1", httpsPort, "c.ok.test", roots, 50);
        assertThat(pebble.ordersPlaced()).isEqualTo(2);
        assertThat(ask.callsFor("c.ok.test")).isEqualTo(1);

        // onDemandMax=3: a third name is obtained, a fourth approved one is not
        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "d.ok.test", roots), roots, "d.ok.test");
        assertThat(CertifiedKey.names(TlsProbe.presented("127.0.0.1", httpsPort, "e.ok.test"))).doesNotContain("e.ok.test");
        assertThat(pebble.ordersPlaced()).isEqualTo(3);
        assertThat(tomcat.console()).contains("onDemandMax=3");

        // stored, shown in the status like listed ones
        assertThat(tomcat.base().resolve("conf/autocert/certificates/c.ok.test/on-demand")).exists();
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/.well-known/autocert-status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.body()).contains("\"name\": \"a.ok.test\"").contains("\"name\": \"c.ok.test\"")
                .contains("\"name\": \"d.ok.test\"").doesNotContain("evil");
        X509Certificate servedBefore = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "c.ok.test", roots).get(0);

        // restart with the ask endpoint down: stored names served at once, new ones refused; allowed ones within the rate
        ask.close();
        ask = null;
        tomcat.stop();
        String config = Files.readString(tomcat.base().resolve("conf/server.xml"))
                .replace("onDemandMax=\"3\"", "onDemandAllow=\"f.ok.test,g.ok.test\" onDemandRate=\"1\"");
        Files.writeString(tomcat.base().resolve("conf/server.xml"), config);
        tomcat.start().awaitPort(httpsPort);
        assertThat(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "c.ok.test", roots).get(0)).isEqualTo(servedBefore);
        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "a.ok.test", roots), roots, "a.ok.test");
        assertThat(CertifiedKey.names(TlsProbe.presented("127.0.0.1", httpsPort, "h.ok.test"))).doesNotContain("h.ok.test");
        assertThat(tomcat.console()).contains("does not answer (asked for h.ok.test)");
        TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "f.ok.test", roots), roots, "f.ok.test");
        assertThat(CertifiedKey.names(TlsProbe.presented("127.0.0.1", httpsPort, "g.ok.test"))).doesNotContain("g.ok.test");
        assertThat(pebble.ordersPlaced()).isEqualTo(4);
        assertThat(tomcat.console()).contains("onDemandRate=1");
    }
}
