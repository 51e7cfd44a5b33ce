package dev.autocert.diagnose;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThatCode;

/** The self-check against a real HTTP server on 127.0.0.1, with the name resolved there. */
class PreflightTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String ANSWER = TOKEN + ".thumbprint";
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private int serve(int status, String location, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static Preflight local(int port) {
        return new Preflight(name -> List.of(InetAddress.getLoopbackAddress()), port);
    }

    @Test
    void ourOwnAnswerPasses() throws Exception {
        assertThat(local(serve(200, null, ANSWER)).check("p.test", TOKEN, ANSWER)).isEmpty();
    }

    @Test
    void anAddressIsFetchedAtItselfWithoutAnyLookup() throws Exception {
        int port = serve(200, null, ANSWER);
        Preflight noLookups = new Preflight(name -> {
            throw new AssertionError("resolved " + name);
        }, port);
        assertThat(noLookups.check("127.0.0.1", TOKEN, ANSWER)).isEmpty();
        stop();
        Optional<Diagnosis> closed = noLookups.check("127.0.0.1", TOKEN, ANSWER);
        assertThat(closed).map(Diagnosis::kind).contains(Diagnosis.Kind.CONNECTION_FAILED);
        assertThat(closed.get().evidence()).contains("http://127.0.0.1/.well-known/acme-challenge/" + TOKEN + " at 127.0.0.1:" + port);
    }

    @Test
    void anIpv6AddressIsWrittenInBracketsInTheHostHeader() throws Exception {
        assumeThatCode(() -> new ServerSocket(0, 1, InetAddress.getByName("::1")).close()).as("IPv6 loopback")
                .doesNotThrowAnyException();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 0);
        StringBuilder host = new StringBuilder();
        server.createContext("/", exchange -> {
            host.append(exchange.getRequestHeaders().getFirst("Host"));
            byte[] bytes = ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        assertThat(new Preflight(name -> List.of(), port).check("::1", TOKEN, ANSWER)).isEmpty();
        assertThat(host).hasToString("[::1]:" + port);
    }

    @Test
    void aRedirectToHttpsOnTheSameNameIsFineOthersAreNot() throws Exception {
        assertThat(local(serve(301, "https://p.test/.well-known/acme-challenge/" + TOKEN, "")).check("p.test", TOKEN, ANSWER)).isEmpty();
        stop();
        Optional<Diagnosis> login = local(serve(302, "/login", "")).check("p.test", TOKEN, ANSWER);
        assertThat(login).get().extracting(Diagnosis::kind).isEqualTo(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED);
        assertThat(login.get().evidence()).contains("redirects to /login");
    }

    @Test
    void someoneElsesPageOr404IsReported() throws Exception {
        Optional<Diagnosis> html = local(serve(200, null, "<!DOCTYPE html><html>app</html>")).check("p.test", TOKEN, ANSWER);
        assertThat(html.get().evidence()).contains("answered an HTML page");
        stop();
        Optional<Diagnosis> missing = local(serve(404, null, "")).check("p.test", TOKEN, ANSWER);
        assertThat(missing.get().kind()).isEqualTo(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED);
        assertThat(missing.get().evidence()).contains("answered HTTP 404");
    }

    @Test
    void nothingListeningAndUnresolvableNames() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Optional<Diagnosis> refused = local(closed).check("p.test", TOKEN, ANSWER);
        assertThat(refused.get().kind()).isEqualTo(Diagnosis.Kind.CONNECTION_FAILED);
        assertThat(refused.get().evidence()).contains("127.0.0.1:" + closed);
        Optional<Diagnosis> dns = new Preflight(name -> List.of(), 80).check("p.test", TOKEN, ANSWER);
        assertThat(dns.get().kind()).isEqualTo(Diagnosis.Kind.DNS_PROBLEM);
        assertThat(dns.get().evidence()).contains("p.test does not resolve");
    }

    @Test
    void ipv6IsTriedFirstAndTheNextAddressOnlyWhenTheConnectionFails() throws Exception {
        int port = serve(200, null, "someone else's answer");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            closed = s.getLocalPort(); // where nothing listens on ::1, also when the machine has no IPv6
        } catch (SocketException noIpv6) {
            closed = port;
        }
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        // listed IPv4 first, as the system resolver often does: the IPv6 address is still tried first, then IPv4
        Optional<Diagnosis> wrong = new Preflight(name -> List.of(v4, v6), port).check("p.test", TOKEN, ANSWER);
        assertThat(wrong.get().kind()).isEqualTo(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED);
        assertThat(wrong.get().evidence()).contains("127.0.0.1:" + port);
        stop();
        Optional<Diagnosis> none = new Preflight(name -> List.of(v4, v6), closed).check("p.test", TOKEN, ANSWER);
        assertThat(none.get().kind()).isEqualTo(Diagnosis.Kind.CONNECTION_FAILED);
        assertThat(none.get().evidence()).as("the first address the CA would try").contains("[::1]:" + closed);
    }
}
