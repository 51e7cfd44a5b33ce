package dev.autocert.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ACME directory in front of a {@link Pebble} that rate-limits new orders the way Let's Encrypt does:
 * HTTP 429, a {@code urn:ietf:params:acme:error:rateLimited} problem document, a {@code Retry-After} date
 * and a {@code Link rel="help"} to the limit's documentation. Pebble has no rate limits of its own.
 *
 * <p>Only the directory and {@code newOrder} are served here; the directory's other resources are Pebble's
 * own, so nonces, accounts and signatures stay real. Plain HTTP on 127.0.0.1, a free port.
 */
public final class RateLimitingFront implements AutoCloseable {

    /** The detail of every refusal, as a CA would phrase it. */
    public static final String DETAIL = "too many new orders (5) from this account in the last 3 hours";

    /** Where the refusal's {@code Link rel="help"} points. */
    public static final String HELP = "https://letsencrypt.org/docs/rate-limits/";

    private static final Pattern NEW_ORDER = Pattern.compile("(\"newOrder\"\\s*:\\s*\")[^\"]*(\")");

    private final HttpServer server;
    private final String directory;
    private final Instant limitLifts;
    private final AtomicInteger refused = new AtomicInteger();

    private RateLimitingFront(Pebble pebble, Duration retryAfter) throws IOException {
        this.limitLifts = Instant.now().plus(retryAfter).truncatedTo(ChronoUnit.SECONDS);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Matcher m = NEW_ORDER.matcher(pebble.directoryJson());
        if (!m.find()) {
            throw new IllegalStateException("Pebble's directory has no newOrder");
        }
        this.directory = m.replaceFirst("$1" + Matcher.quoteReplacement(base + "/new-order") + "$2");
        server.createContext("/directory", this::directory);
        server.createContext("/new-order", this::refuse);
        server.start();
    }

    /**
     * @param pebble     the CA behind the front
     * @param retryAfter how long from now the limit lasts (the {@code Retry-After} date, to the second)
     * @return the running front
     */
    public static RateLimitingFront start(Pebble pebble, Duration retryAfter) {
        try {
            return new RateLimitingFront(pebble, retryAfter);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the rate-limiting front", e);
        }
    }

    /** @return the directory URL to give the client under test */
    public String directoryUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/directory";
    }

    /** @return when the limit lifts: the instant every refusal's {@code Retry-After} names */
    public Instant limitLifts() {
        return limitLifts;
    }

    /** @return how many orders were refused so far */
    public int refusedOrders() {
        return refused.get();
    }

    private void directory(HttpExchange exchange) throws IOException {
        send(exchange, 200, "application/json", directory);
    }

    private void refuse(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        refused.incrementAndGet();
        exchange.getResponseHeaders().add("Retry-After",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(limitLifts.atOffset(ZoneOffset.UTC)));
        exchange.getResponseHeaders().add("Link", "<" + HELP + ">;rel=\"help\"");
        send(exchange, 429, "application/problem+json", "{\"type\": \"urn:ietf:params:acme:error:rateLimited\", "
                + "\"detail\": " + Pebble.json(DETAIL) + ", \"status\": 429}");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops the front (Pebble keeps running). */
    @Override
    public void close() {
        server.stop(0);
    }
}
