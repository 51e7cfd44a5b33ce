package dev.autocert.testkit;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ask endpoint of an on-demand test, as a SaaS application would run it: {@code GET /allow?domain=<name>} answers
 * 200 for names under the approved suffix and 403 for the rest, and counts every call per name. Binds 127.0.0.1 on an
 * ephemeral port.
 */
public final class AskEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /**
     * @param approvedSuffix names ending in it are approved, e.g. {@code .ok.test}
     * @throws IOException when no port can be bound
     */
    public AskEndpoint(String approvedSuffix) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/allow", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String name = query == null || !query.startsWith("domain=") ? ""
                    : URLDecoder.decode(query.substring("domain=".length()), StandardCharsets.UTF_8);
            calls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(name.endsWith(approvedSuffix) ? 200 : 403, -1);
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
    }

    /** @return the URL to give {@code onDemandAsk} */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/allow";
    }

    /** @return how often {@code name} was asked about */
    public int callsFor(String name) {
        AtomicInteger n = calls.get(name);
        return n == null ? 0 : n.get();
    }

    /** @return every name asked about, with its count */
    public Map<String, Integer> calls() {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        calls.forEach((name, n) -> out.put(name, n.get()));
        return out;
    }

    /** Stops answering: connections are refused from now on, as when the application is down. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
