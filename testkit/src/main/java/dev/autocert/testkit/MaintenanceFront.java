package dev.autocert.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CA's directory URL in front of a {@link Pebble}, down for maintenance on demand: while {@link #refusing} it answers
 * every request 503 with an ACME {@code serverInternal} problem; once healthy it serves Pebble's own directory document,
 * whose resources are Pebble's URLs, so nonces, accounts and orders stay real. A client that could not read the
 * directory asks here again at its next attempt: each refused request is counted, with its time. Binds 127.0.0.1.
 */
public final class MaintenanceFront implements AutoCloseable {

    /** Whether requests are refused; starts {@code true}. */
    public final AtomicBoolean refusing = new AtomicBoolean(true);
    /** How many requests were refused so far. */
    public final AtomicInteger refused = new AtomicInteger();
    private final List<Instant> refusedAt = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Pebble pebble;

    /**
     * @param pebble the CA behind the front
     * @throws IOException when no port can be bound
     */
    public MaintenanceFront(Pebble pebble) throws IOException {
        this.pebble = pebble;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** @return the directory URL to give {@code directory} */
    public String directoryUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/dir";
    }

    /** @return when each refused request arrived, in order */
    public List<Instant> refusedAt() {
        return List.copyOf(refusedAt);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean directory = exchange.getRequestURI().getPath().equals("/dir");
            if (refusing.get() || !directory) {
                refused.incrementAndGet();
                refusedAt.add(Instant.now());
                byte[] body = "{\"type\": \"urn:ietf:params:acme:error:serverInternal\", \"detail\": \"down for maintenance\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            byte[] body = pebble.directoryJson().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
