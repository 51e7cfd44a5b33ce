package dev.autocert.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsProbeTest {

    private static final TestCa CA = TestCa.create();
    private static SSLServerSocket server;
    private static Thread acceptor;

    @BeforeAll
    static void startServer() throws IOException {
        server = (SSLServerSocket) CA.leaf().serverContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        SSLParameters params = server.getSSLParameters();
        params.setApplicationProtocols(new String[] {"http/1.1", "acme-tls/1"});
        server.setSSLParameters(params);
        acceptor = new Thread(TlsProbeTest::serve, "tls-probe-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
        acceptor.join(5_000);
    }

    private static void serve() {
        while (!server.isClosed()) {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(5_000);
                s.startHandshake();
                if (readRequestHead(s.getInputStream())) {
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                            + "Connection: close\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // a probe that only handshakes, or the socket closing at the end
            }
        }
    }

    private static boolean readRequestHead(InputStream in) throws IOException {
        int state = 0;
        for (int b; (b = in.read()) >= 0; ) {
            state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
            if (state == 4) {
                return true;
            }
        }
        return false;
    }

    private static int port() {
        return server.getLocalPort();
    }

    @Test
    void opensslSeesTheChainAndAlpnOnTls13() {
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", port(), "localhost", "acme-tls/1", "1.3");
        assertTrue(r.handshakeOk(), r.output());
        assertEquals("TLSv1.3", r.protocol());
        assertEquals("acme-tls/1", r.alpn());
        assertEquals(CA.leaf().chain(), r.chain());
        TlsProbe.verifyChain(r.chain(), List.of(CA.caCertificate()), "localhost");
    }

    @Test
    void opensslWithoutAlpnOnTls12() {
        TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", port(), "localhost", null, "1.2");
        assertTrue(r.handshakeOk(), r.output());
        assertEquals("TLSv1.2", r.protocol());
        assertNull(r.alpn(), r.output());
        assertEquals(CA.leaf().chain(), r.chain());
    }

    @Test
    void opensslReportsAFailedHandshake() throws IOException {
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread t = new Thread(() -> {
                try (var s = plain.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // test ends
                }
            });
            t.start();
            TlsProbe.OpensslResult r = TlsProbe.openssl("127.0.0.1", plain.getLocalPort(), "localhost", null, null);
            assertFalse(r.handshakeOk(), r.output());
            assertNull(r.protocol());
            assertTrue(r.chain().isEmpty());
        }
    }

    @Test
    void javaHandshakeSeesTheChain() {
        List<X509Certificate> chain = TlsProbe.javaHandshake("127.0.0.1", port(), "localhost",
                List.of(CA.caCertificate()));
        assertEquals(CA.leaf().chain(), chain);
    }

    @Test
    void javaHandshakeRejectsAWrongNameAndUnknownRoots() {
        assertThrows(UncheckedIOException.class, () -> TlsProbe.javaHandshake("127.0.0.1", port(), "other.test",
                List.of(CA.caCertificate())));
        assertThrows(UncheckedIOException.class, () -> TlsProbe.javaHandshake("127.0.0.1", port(), "localhost",
                List.of(TestCa.create().caCertificate())));
    }

    @Test
    void httpsGetReadsStatusAndBody() {
        TlsProbe.HttpsResponse r = TlsProbe.httpsGet(port(), "localhost", "/hello", List.of(CA.caCertificate()));
        assertEquals(200, r.status());
        assertEquals("hello", r.body());
        assertEquals("text/plain", r.headers().get("content-type"));
        assertEquals(CA.leaf().certificate(), r.chain().get(0));
    }

    @Test
    void verifyChainChecksTheName() {
        TlsProbe.verifyChain(CA.leaf().chain(), List.of(CA.caCertificate()), "localhost");
        AssertionError e = assertThrows(AssertionError.class,
                () -> TlsProbe.verifyChain(CA.leaf().chain(), List.of(CA.caCertificate()), "other.test"));
        assertTrue(e.getMessage().contains("other.test"), e.getMessage());
    }
}
