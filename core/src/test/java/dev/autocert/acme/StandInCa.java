package dev.autocert.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for acme4j's edge, not a CA: it answers the directory (with the caching header a test sets), nonces and
 * the account creation, and counts the directory reads and the accounts created. Validation is Pebble's job in the
 * acceptance tests.
 */
final class StandInCa implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger directoryReads = new AtomicInteger();
    private final AtomicInteger accountsCreated = new AtomicInteger();
    private volatile String cacheControl;

    StandInCa() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/dir", exchange -> {
            directoryReads.incrementAndGet();
            if (cacheControl != null) {
                exchange.getResponseHeaders().add("Cache-Control", cacheControl);
            }
            send(exchange, 200, "{\"newNonce\": \"" + base + "/nonce\", \"newAccount\": \"" + base + "/account\","
                    + " \"newOrder\": \"" + base + "/order\"}");
        });
        server.createContext("/nonce", exchange -> send(exchange, 200, null));
        server.createContext("/account", exchange -> {
            accountsCreated.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", base + "/account/1");
            send(exchange, 201, "{\"status\": \"valid\"}");
        });
        server.start();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().add("Replay-Nonce", UUID.randomUUID().toString().replace("-", ""));
        if (json == null) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** @return the directory URL */
    URI directory() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dir");
    }

    /** @param value the {@code Cache-Control} header of the directory from now on, {@code null} for none */
    void cacheControl(String value) {
        cacheControl = value;
    }

    /** @return how often the directory was read */
    int directoryReads() {
        return directoryReads.get();
    }

    /** @return how many accounts were created */
    int accountsCreated() {
        return accountsCreated.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
