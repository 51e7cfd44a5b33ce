package dev.autocert.acme;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Resource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions to one CA share their HTTP client and read the directory once, whatever caching headers it has. */
class CaSessionsTest {

    private HttpServer ca;
    private final AtomicInteger directoryReads = new AtomicInteger();
    private volatile String cacheControl;
    private URI directory;

    @BeforeEach
    void startCa() throws IOException {
        ca = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + ca.getAddress().getPort();
        ca.createContext("/dir", exchange -> {
            directoryReads.incrementAndGet();
            byte[] body = ("{\"newNonce\": \"" + base + "/nonce\", \"newAccount\": \"" + base + "/account\","
                    + " \"newOrder\": \"" + base + "/order\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (cacheControl != null) {
                exchange.getResponseHeaders().add("Cache-Control", cacheControl);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        ca.start();
        directory = URI.create(base + "/dir");
    }

    @AfterEach
    void stopCa() {
        ca.stop(0);
    }

    @Test
    void aDirectoryWithoutCachingHeadersIsReadOncePerSession() throws Exception {
        CaSessions sessions = new CaSessions(directory, null);
        try {
            Session session = sessions.open();
            for (int i = 0; i < 5; i++) {
                assertThat(session.resourceUrl(Resource.NEW_ORDER).toString()).endsWith("/order");
            }
            assertThat(directoryReads).hasValue(1);
            assertThat(session.getDirectoryExpires()).isAfter(ZonedDateTime.now().plus(CaSessions.DIRECTORY_KEPT).minusMinutes(1));
        } finally {
            sessions.close();
        }
    }

    @Test
    void maxAgeZeroAsLetsEncryptSendsItIsKeptToo() throws Exception {
        cacheControl = "public, max-age=0, no-cache";
        CaSessions sessions = new CaSessions(directory, null);
        try {
            Session session = sessions.open();
            session.resourceUrl(Resource.NEW_ORDER);
            session.resourceUrl(Resource.NEW_NONCE);
            assertThat(directoryReads).hasValue(1);
        } finally {
            sessions.close();
        }
    }

    @Test
    void aLongerLifetimeTheCaGivesIsKept() throws Exception {
        cacheControl = "max-age=86400";
        CaSessions sessions = new CaSessions(directory, null);
        try {
            Session session = sessions.open();
            session.resourceUrl(Resource.NEW_ORDER);
            assertThat(session.getDirectoryExpires()).isAfter(ZonedDateTime.now().plus(Duration.ofHours(23)));
        } finally {
            sessions.close();
        }
    }

    @Test
    void everySessionReadsItsOwnDirectoryOnOneHttpClient() throws Exception {
        CaSessions sessions = new CaSessions(directory, null);
        try {
            Session first = sessions.open();
            Session second = sessions.open();
            first.resourceUrl(Resource.NEW_ORDER);
            second.resourceUrl(Resource.NEW_ORDER);
            assertThat(directoryReads).hasValue(2);
            assertThat(second.getHttpClient()).isSameAs(first.getHttpClient());
        } finally {
            sessions.close();
        }
    }
}
