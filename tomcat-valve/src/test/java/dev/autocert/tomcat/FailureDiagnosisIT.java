package dev.autocert.tomcat;

import com.sun.net.httpserver.HttpServer;
import dev.autocert.config.Setting;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.LogCapture;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.PebbleExtension;
import dev.autocert.testkit.RateLimitingFront;
import dev.autocert.testkit.TestCa;
import org.apache.tomcat.util.IntrospectionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failures against a real CA end in a named diagnosis with the evidence and the setting to fix, and
 * Tomcat keeps serving. Each classic problem is created for real: terms not accepted (Pebble has
 * terms of service), storage not writable, nothing listening where the CA connects, DNS pointing at
 * another address, another program on the port, a login redirect on the challenge path, a TLS-terminating
 * proxy, a CA answering with a rate limit. A renewal asked for while an attempt runs joins it: one order, one
 * self-check warning per name.
 */
class FailureDiagnosisIT {

    /** Where Pebble's validator connects for HTTP-01; Tomcat listens elsewhere, so each test decides who answers. */
    private static final int CA_HTTP_PORT = FreePorts.take();

    /** Where Pebble's validator connects for TLS-ALPN-01; likewise not Tomcat's port. */
    private static final int CA_TLS_PORT = FreePorts.take();

    @RegisterExtension
    static final PebbleExtension PEBBLE = new PebbleExtension(b -> b.httpPort(CA_HTTP_PORT).tlsPort(CA_TLS_PORT));

    private static final String EAB_KID = "autocert-test-kid";

    /** 48 bytes, base64url: the MAC key the EAB Pebble knows for {@link #EAB_KID}. */
    private static final String EAB_HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

    /** Where the EAB Pebble validates TLS-ALPN-01: the successful case's HTTPS port. */
    private static final int EAB_TLS_PORT = FreePorts.take();

    /** A second CA that only accepts accounts bound to an external account. */
    @RegisterExtension
    static final PebbleExtension EAB_PEBBLE = new PebbleExtension(b -> b.externalAccount(EAB_KID, EAB_HMAC).tlsPort(EAB_TLS_PORT));

    @TempDir
    Path dir;

    /** Checks made while Tomcat still runs after its first failed attempt. */
    private interface WhileRunning {
        void check(CertificateStatus status) throws Exception;
    }

    private CertificateStatus firstFailure(Consumer<AutocertListener> settings) throws Exception {
        return firstFailure(PEBBLE.pebble(), settings, status -> { });
    }

    /**
     * Runs a Tomcat whose listener has the test's settings until its first failed attempt, and hands the
     * status to {@code whileRunning} before Tomcat stops.
     */
    private CertificateStatus firstFailure(Pebble pebble, Consumer<AutocertListener> settings, WhileRunning whileRunning)
            throws Exception {
        AutocertListener listener = listener(pebble, settings);
        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), listener).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.getAutocert().status().get(0).failures() > 0);
            CertificateStatus status = listener.getAutocert().status().get(0);
            assertThat(status.nextAttempt()).isAfter(Instant.now().plus(Duration.ofMinutes(30)));
            whileRunning.check(status);
            return status;
        }
    }

    /** A listener for d.test against {@code pebble}, retrying hourly, with the test's settings applied last. */
    private AutocertListener listener(Pebble pebble, Consumer<AutocertListener> settings) {
        AutocertListener listener = PebbleListener.of(pebble, "d.test", dir.resolve("store"), FreePorts.take());
        listener.set(Setting.RETRY_DELAY, "1h");
        settings.accept(listener);
        return listener;
    }

    @Test
    void anAccountWithoutTheExternalBindingTheCaRequiresNamesTheSettings() throws Exception {
        Diagnosis d = firstFailure(EAB_PEBBLE.pebble(), l -> { }, status -> { }).lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.ACCOUNT_REJECTED);
        assertThat(d.evidence()).contains("only accepts accounts bound to an external account");
        assertThat(d.setting()).isEqualTo("eabKid");
        assertThat(d.fix()).contains("eabKid and eabHmacKey");
    }

    @Test
    void aWrongExternalAccountKeyNamesTheKeySetting() throws Exception {
        Diagnosis d = firstFailure(EAB_PEBBLE.pebble(), l -> {
            l.set(Setting.EAB_KID, EAB_KID);
            l.set(Setting.EAB_HMAC_KEY, "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktd3Jvbmcta2V5LXdyb25n");
        }, status -> { }).lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.ACCOUNT_REJECTED);
        assertThat(d.evidence()).contains(EAB_KID);
        assertThat(d.setting()).isEqualTo("eabHmacKey");
    }

    @Test
    void theRightExternalAccountBindingGetsTheCertificate() throws Exception {
        AutocertListener listener = listener(EAB_PEBBLE.pebble(), l -> {
            l.set(Setting.EAB_KID, EAB_KID);
            l.set(Setting.EAB_HMAC_KEY, EAB_HMAC);
            l.set(Setting.CHALLENGES, "tls-alpn-01");
            l.set(Setting.HTTPS_PORT, String.valueOf(EAB_TLS_PORT));
        });
        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), listener).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.getAutocert().status().get(0).notAfter() != null);
            assertThat(listener.getAutocert().status().get(0).failures()).isZero();
        }
    }

    @Test
    void termsNotAcceptedNamesTheTermsAndTheSetting() throws Exception {
        CertificateStatus status = firstFailure(l -> l.set(Setting.ACCEPT_TERMS, "false"));
        Diagnosis d = status.lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.TERMS_NOT_ACCEPTED);
        assertThat(d.setting()).isEqualTo("acceptTerms");
        assertThat(d.evidence()).contains("terms of service at");
        assertThat(d.message()).contains("acceptTerms=\"true\"");
        assertThat(Files.exists(dir.resolve("store/accounts"))).isFalse(); // no account key written before consent
    }

    @Test
    void aRateLimitSaysUntilWhenAndTheCaIsNotAskedBeforeThen() throws Exception {
        try (RateLimitingFront front = RateLimitingFront.start(PEBBLE.pebble(), Duration.ofHours(2))) {
            // retryDelay 1s: our own back-off alone would ask again at once; the CA's Retry-After must win
            firstFailure(PEBBLE.pebble(), l -> {
                l.set(Setting.DIRECTORY, front.directoryUrl());
                l.set(Setting.RETRY_DELAY, "1s");
            }, status -> {
                Diagnosis d = status.lastError();
                assertThat(d.kind()).isEqualTo(Diagnosis.Kind.RATE_LIMITED);
                assertThat(d.evidence()).contains(RateLimitingFront.DETAIL)
                        .contains("the limit lifts at " + front.limitLifts())
                        .contains(RateLimitingFront.HELP);
                assertThat(d.fix()).contains("wait");
                assertThat(status.nextAttempt()).isAfterOrEqualTo(front.limitLifts());
                assertThat(status.nextReason()).contains("rate limit lifts");
                Thread.sleep(3000);
                assertThat(front.refusedOrders()).isEqualTo(1);
            });
            // a restart remembers the limit: the CA is not asked again before it lifts
            AutocertListener restarted = listener(PEBBLE.pebble(), l -> l.set(Setting.DIRECTORY, front.directoryUrl()));
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), restarted).start()) {
                Thread.sleep(3000);
                CertificateStatus status = restarted.getAutocert().status().get(0);
                assertThat(front.refusedOrders()).isEqualTo(1);
                assertThat(status.nextAttempt()).isAfterOrEqualTo(front.limitLifts());
                assertThat(status.nextReason()).isEqualTo("when the CA's rate limit lifts");
            }
        }
    }

    @Test
    void anUnwritableStoreNamesTheStorageSetting() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        CertificateStatus status = firstFailure(l -> {
            l.set(Setting.STORAGE, blocker.resolve("store").toString());
        });
        Diagnosis d = status.lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.STORAGE_FAILED);
        assertThat(d.setting()).isEqualTo("storage");
        assertThat(d.fix()).contains("writable");
    }

    @Test
    void nothingListeningWhereTheCaConnects() throws Exception {
        Diagnosis d = firstFailure(l -> { }).lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.CONNECTION_FAILED);
        assertThat(d.evidence()).contains("nothing accepted the connection").contains(":" + CA_HTTP_PORT);
        assertThat(d.fix()).contains("port 80");
    }

    @Test
    void dnsPointingAtAnotherAddress() throws Exception {
        PEBBLE.pebble().addARecord("elsewhere.test", "127.0.0.2");
        Diagnosis d = firstFailure(l -> l.set(Setting.DOMAINS, "elsewhere.test")).lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.DNS_POINTS_ELSEWHERE);
        assertThat(d.evidence()).contains("connected to 127.0.0.2, which is not an address of this server");
        assertThat(d.setting()).isEqualTo("domains");
    }

    @Test
    void anotherProgramOwnsThePort() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", CA_HTTP_PORT), 0);
        other.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        other.start();
        LogCapture issuerLog = new LogCapture("dev.autocert.acme.Issuer");
        try {
            // the self-check resolves the name like the CA (through the CA's DNS) and fetches our answer first
            Diagnosis d = firstFailure(l -> {
                l.set(Setting.DNS_RESOLVER, "127.0.0.1:" + PEBBLE.pebble().dnsPort());
                l.set(Setting.HTTP_CHALLENGE_PORT, String.valueOf(CA_HTTP_PORT));
            }).lastError();
            assertThat(d.kind()).isEqualTo(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED);
            assertThat(d.evidence()).contains("HTTP 404").contains("another web server");
            assertThat(issuerLog.messages()).anyMatch(m -> m.contains("preflight: http://d.test/.well-known/acme-challenge/")
                    || m.contains("preflight") && m.contains("answered HTTP 404"));
        } finally {
            issuerLog.close();
            other.stop(0);
        }
    }

    @Test
    void aLoginRedirectEatsTheChallengePath() throws Exception {
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", CA_HTTP_PORT), 0);
        app.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().startsWith("/login")) {
                byte[] page = "<!DOCTYPE html><html><body><form>Sign in</form></body></html>".getBytes();
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
            } else {
                exchange.getResponseHeaders().add("Location", "/login?next=" + exchange.getRequestURI().getPath());
                exchange.sendResponseHeaders(302, -1);
            }
            exchange.close();
        });
        app.start();
        try {
            Diagnosis d = firstFailure(l -> { }).lastError();
            assertThat(d.kind()).isEqualTo(Diagnosis.Kind.CHALLENGE_PATH_NOT_SERVED);
            assertThat(d.evidence()).contains("an HTML page came back: a login redirect");
            assertThat(d.fix()).contains("exempt /.well-known/acme-challenge/");
        } finally {
            app.stop(0);
        }
    }

    @Test
    void aProxyTerminatingTlsInFrontOfTheServer() throws Exception {
        // a TLS terminator with its own certificate and no acme-tls/1, like a CDN or load balancer
        SSLServerSocket proxy = (SSLServerSocket) TestCa.create().issue("d.test").serverContext().getServerSocketFactory()
                .createServerSocket(CA_TLS_PORT, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!proxy.isClosed()) {
                try (SSLSocket client = (SSLSocket) proxy.accept()) {
                    client.startHandshake();
                } catch (IOException e) {
                    // handshake refused by the validator, or the proxy closed
                }
            }
        });
        acceptor.start();
        try {
            Diagnosis d = firstFailure(l -> l.set(Setting.CHALLENGES, "tls-alpn-01")).lastError();
            assertThat(d.kind()).isEqualTo(Diagnosis.Kind.TLS_TERMINATED_IN_FRONT);
            assertThat(d.fix()).contains("use http-01 or dns-01");
            assertThat(d.setting()).isEqualTo("challenges");
        } finally {
            proxy.close();
            acceptor.join(5000);
        }
    }
    @Test
    void aRenewalAskedForDuringAnAttemptJoinsIt() throws Exception {
        // the self-check and the CA's validation both meet a slow server: the attempt is still running when renewNow comes
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", CA_HTTP_PORT), 0);
        slow.createContext("/", exchange -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        slow.setExecutor(Executors.newCachedThreadPool());
        slow.start();
        LogCapture autocertLog = new LogCapture();
        AutocertListener listener = listener(PEBBLE.pebble(), l -> {
            // by attribute name, as server.xml sets them
            IntrospectionUtils.setProperty(l, "dnsResolver", "127.0.0.1:" + PEBBLE.pebble().dnsPort());
            IntrospectionUtils.setProperty(l, "httpChallengePort", String.valueOf(CA_HTTP_PORT));
        });
        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), listener).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> autocertLog.messages().contains("d.test: answering http-01"));
            assertThat(listener.getAutocert().renewNow("d.test")).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.getAutocert().status().get(0).failures() > 0);
            Thread.sleep(2000); // time for a second attempt to order, self-check and fail, were one started
            assertThat(autocertLog.messages().stream().filter(m -> m.startsWith("d.test: the challenge path is answered by something else: preflight:")))
                    .as("self-check warnings").hasSize(1);
            assertThat(autocertLog.messages().stream().filter(m -> m.startsWith("Ordered a certificate for [d.test]"))).hasSize(1);
            assertThat(listener.getAutocert().status().get(0).failures()).isEqualTo(1);
        } finally {
            autocertLog.close();
            slow.stop(0);
        }
    }
}
