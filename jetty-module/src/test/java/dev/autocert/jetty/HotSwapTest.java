package dev.autocert.jetty;

import dev.autocert.config.CertificateSpec;
import dev.autocert.testkit.TestCa;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.testkit.Trust;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.LiveCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificates go live with no dropped connection: 8 clients open new TLS connections (verified
 * against the issuing CA, SNI a.test or b.test) and request a page in a loop while 20 certificates are
 * installed through the same path an issuance takes; no handshake or request may fail, every new
 * certificate is served by the next handshake, a keep-alive connection opened before keeps working,
 * each name keeps getting its own certificate, and clients without SNI follow the first certificate.
 */
class HotSwapTest {

    private static final int SWAPS = 20;
    private static final int CLIENTS = 8;

    @TempDir
    Path storage;

    @Test
    void twentySwapsUnderLoadDropNothing() throws Exception {
        TestCa ca = TestCa.create();
        List<X509Certificate> roots = List.of(ca.caCertificate());
        SSLContext client = Trust.clientContext(roots);
        try (EmbeddedJetty jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage)) {
            LiveCertificates live = jetty.autocert.autocert().liveCertificates();
            CertificateSpec a = jetty.autocert.autocert().config().certificates().get(0);
            CertificateSpec b = jetty.autocert.autocert().config().certificates().get(1);
            live.install(issue(ca, a));
            live.install(issue(ca, b));
            assertThat(served(jetty, roots, "www.a.test").getSubjectX500Principal().getName()).isEqualTo("CN=a.test");
            assertThat(served(jetty, roots, "b.test").getSubjectX500Principal().getName()).isEqualTo("CN=b.test");

            SSLSocket keepAlive = open(jetty, client, "a.test");
            assertThat(TlsClient.get(keepAlive, "a.test")).isEqualTo(EmbeddedJetty.BODY);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                String name = i % 2 == 0 ? "a.test" : "b.test";
                pool.execute(() -> {
                    while (running.get()) {
                        try (SSLSocket s = open(jetty, client, name)) {
                            if (!EmbeddedJetty.BODY.equals(TlsClient.get(s, name))) {
                                throw new IOException("wrong body");
                            }
                            ok.incrementAndGet();
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }
                });
            }
            List<Long> reloads = new ArrayList<>();
            for (int i = 0; i < SWAPS; i++) {
                Thread.sleep(100);
                CertificateSpec spec = i % 2 == 0 ? a : b;
                CertifiedKey next = issue(ca, spec);
                long start = System.nanoTime();
                live.install(next); // what an issuance or renewal does
                reloads.add((System.nanoTime() - start) / 1_000_000);
                assertThat(served(jetty, roots, spec.primaryDomain())).as("swap %d", i).isEqualTo(next.leaf());
            }
            Thread.sleep(100);
            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            assertThat(failures).as("failed handshakes or requests").isEmpty();
            assertThat(ok.get()).isGreaterThan(SWAPS * CLIENTS);
            assertThat(TlsClient.get(keepAlive, "a.test")).as("keep-alive connection across 20 swaps").isEqualTo(EmbeddedJetty.BODY);
            keepAlive.close();
            TlsProbe.verifyChain(List.of(served(jetty, roots, "www.a.test")), roots, "www.a.test");
            X509Certificate lastA = served(jetty, roots, "a.test");
            TlsClient.Handshake noSni = TlsClient.handshake(jetty.httpsPort, null, List.of("http/1.1"), null);
            noSni.socket().close();
            assertThat(noSni.leaf()).as("no SNI: the first certificate, as renewed").isEqualTo(lastA);
            System.out.printf("[measure] %d swaps under %d clients: %d connections+requests, %d failed; install %d-%d ms, median %d ms%n",
                    SWAPS, CLIENTS, ok.get(), failures.size(), Collections.min(reloads), Collections.max(reloads),
                    reloads.stream().sorted().toList().get(reloads.size() / 2));
        }
    }

    private static CertifiedKey issue(TestCa ca, CertificateSpec spec) {
        TestCa.Leaf leaf = ca.issue(spec.domains().toArray(new String[0]));
        return new CertifiedKey(leaf.key(), leaf.chain());
    }

    private static SSLSocket open(EmbeddedJetty jetty, SSLContext context, String name) throws IOException {
        Socket raw = new Socket("127.0.0.1", jetty.httpsPort);
        raw.setSoTimeout(10_000);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, name, jetty.httpsPort, true);
        var p = TlsClient.parameters(s.getSSLParameters(), name, List.of("http/1.1"), null);
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must be trusted and match the name
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    /** A full handshake: a fresh client context, since a resumed session shows the certificate it started with. */
    private static X509Certificate served(EmbeddedJetty jetty, List<X509Certificate> roots, String name) throws IOException {
        try (SSLSocket s = open(jetty, Trust.clientContext(roots), name)) {
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }
}
