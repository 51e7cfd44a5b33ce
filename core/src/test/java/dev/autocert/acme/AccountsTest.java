package dev.autocert.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.autocert.config.AutocertConfig;
import dev.autocert.store.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.connector.Resource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent orders each get a login on a session of their own, and a session comes back for the next order. The CA
 * is a stand-in that answers the directory, nonces and the account creation (acme4j's edge, not a validation).
 */
class AccountsTest {

    @TempDir
    Path dir;

    private HttpServer ca;
    private final AtomicInteger directoryReads = new AtomicInteger();
    private final AtomicInteger accountsCreated = new AtomicInteger();
    private Accounts accounts;

    @BeforeEach
    void startCa() throws Exception {
        ca = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + ca.getAddress().getPort();
        ca.createContext("/dir", exchange -> {
            directoryReads.incrementAndGet();
            send(exchange, 200, "{\"newNonce\": \"" + base + "/nonce\", \"newAccount\": \"" + base + "/account\","
                    + " \"newOrder\": \"" + base + "/order\"}");
        });
        ca.createContext("/nonce", exchange -> send(exchange, 200, null));
        ca.createContext("/account", exchange -> {
            accountsCreated.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", base + "/account/1");
            send(exchange, 201, "{\"status\": \"valid\"}");
        });
        ca.start();
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "a.test", "directory", base + "/dir",
                "acceptTerms", "true", "email", "ops@example.test"), dir);
        accounts = new Accounts(config, config.authorities().get(0), new MemoryStore());
    }

    @AfterEach
    void stopCa() {
        accounts.close();
        ca.stop(0);
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

    @Test
    void twoOrdersAtOnceHaveTwoSessionsAndTheNextOrderReusesOne() throws Exception {
        Login first;
        Login second;
        try (Accounts.Lent a = accounts.lend(); Accounts.Lent b = accounts.lend()) {
            first = a.login();
            second = b.login();
            assertThat(first).isSameAs(accounts.login()); // a single order needs no session beyond the account's own
            assertThat(second.getSession()).isNotSameAs(first.getSession());
            assertThat(second.getAccountLocation()).isEqualTo(first.getAccountLocation());
            assertThat(second.getKeyPair()).isSameAs(first.getKeyPair());
            second.getSession().resourceUrl(Resource.NEW_ORDER);
        }
        int reads = directoryReads.get();
        try (Accounts.Lent again = accounts.lend()) {
            assertThat(again.login()).isIn(first, second);
            again.login().getSession().resourceUrl(Resource.NEW_ORDER);
        }
        assertThat(directoryReads).as("a lent session keeps the directory it read").hasValue(reads);
        assertThat(accountsCreated).hasValue(1);
    }

    @Test
    void afterCloseTheNextOrderLogsInOnANewSession() throws Exception {
        Login before;
        try (Accounts.Lent lent = accounts.lend()) {
            before = lent.login();
        }
        accounts.close();
        try (Accounts.Lent lent = accounts.lend()) {
            assertThat(lent.login()).isNotSameAs(before);
            assertThat(lent.login().getSession()).isNotSameAs(before.getSession());
        }
    }
}
