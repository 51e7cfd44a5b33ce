package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.testkit.Bind;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DNS-01 failures against a real BIND and Pebble end in a named diagnosis with the setting to fix, the
 * site keeps serving (HTTP and HTTPS), and nothing stays published: a wrong TSIG secret, an unreachable
 * rfc2136Server, a hook that exits 1, a record that never becomes visible, and a server stopped while it
 * waits for propagation.
 */
class Dns01FailureIT {

    private static final Path WORK = Path.of("target", "it", "Dns01FailureIT-" + System.nanoTime()).toAbsolutePath();
    private static Bind bind;
    private static Pebble pebble;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        bind = Bind.builder().zone("wild.test").workDir(WORK.resolve("bind")).start();
        pebble = Pebble.builder().httpPort(FreePorts.take()).tlsPort(FreePorts.take()).dnsServer(bind.address())
                .workDir(WORK.resolve("pebble")).start();
    }

    @AfterAll
    static void stop() {
        if (pebble != null) {
            pebble.close();
        }
        if (bind != null) {
            bind.close();
        }
    }

    private final int httpsPort = FreePorts.take();

    /** @param base each test has its own name below wild.test, so a failed test leaves nothing for the next */
    private AutocertListener listener(String base, Consumer<AutocertListener> settings) {
        AutocertListener listener = PebbleListener.of(pebble, "*." + base, dir.resolve("store"), httpsPort);
        listener.set(Setting.RETRY_DELAY, "1h");
        settings.accept(listener);
        return listener;
    }

    /** Starts Tomcat, waits for the first failed attempt, checks the site still serves, returns the diagnosis. */
    private Diagnosis firstFailure(String base, Consumer<AutocertListener> settings) throws Exception {
        AutocertListener listener = listener(base, settings);
        int httpPort = FreePorts.take();
        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), httpPort, listener).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.getAutocert().status().get(0).failures() > 0);
            CertificateStatus status = listener.getAutocert().status().get(0);
            assertThat(status.nextAttempt()).isAfter(Instant.now().plus(Duration.ofMinutes(30)));
            // the site keeps serving: the app over HTTP, the temporary certificate over HTTPS
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("hello from the app");
            TlsProbe.OpensslResult tls = TlsProbe.openssl("127.0.0.1", httpsPort, "www." + base, null, null);
            assertThat(tls.handshakeOk()).as(tls.output()).isTrue();
            assertThat(bind.txt("_acme-challenge." + base)).isEmpty();
            return status.lastError();
        }
    }

    @Test
    void wrongTsigSecretNamesRfc2136TsigSecret() throws Exception {
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        Diagnosis d = firstFailure("tsig.wild.test", l -> {
            l.set(Setting.RFC2136_SERVER, bind.address());
            l.set(Setting.RFC2136_TSIG_KEY_NAME, bind.keyName());
            l.set(Setting.RFC2136_TSIG_SECRET, Base64.getEncoder().encodeToString(wrong));
        });
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.DNS_UPDATE_FAILED);
        assertThat(d.setting()).isEqualTo("rfc2136TsigSecret");
        assertThat(d.evidence()).contains("rfc2136Server " + bind.address()).contains("BADSIG")
                .contains("_acme-challenge.tsig.wild.test").contains("zone wild.test");
        assertThat(d.fix()).contains("rfc2136TsigSecret").contains(bind.keyName());
        assertThat(d.message()).doesNotContain(Base64.getEncoder().encodeToString(wrong));
    }

    @Test
    void unreachableServerNamesRfc2136Server() throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closed = s.getLocalPort();
        }
        int port = closed;
        Diagnosis d = firstFailure("unreachable.wild.test", l -> {
            l.set(Setting.RFC2136_SERVER, "127.0.0.1:" + port);
            l.set(Setting.RFC2136_TSIG_KEY_FILE, bind.keyFile().toString());
        });
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.DNS_UPDATE_FAILED);
        assertThat(d.setting()).isEqualTo("rfc2136Server");
        assertThat(d.evidence()).contains("rfc2136Server 127.0.0.1:" + port + " cannot be reached");
    }

    @Test
    void hookExitingNonZeroQuotesItsStderr() throws Exception {
        Path hook = DnsHooks.failing(dir, "provider says: invalid API token");
        Diagnosis d = firstFailure("hook.wild.test", l -> l.set(Setting.DNS_HOOK, hook.toString()));
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.DNS_HOOK_FAILED);
        assertThat(d.setting()).isEqualTo("dnsHook");
        assertThat(d.evidence()).contains("exited with 1").contains("provider says: invalid API token")
                .contains(hook + " add _acme-challenge.hook.wild.test ");
    }

    @Test
    void recordNeverVisibleNamesDnsPropagationTimeoutAndIsRemoved() throws Exception {
        Path calls = dir.resolve("calls.log");
        Path hook = DnsHooks.logOnly(dir, calls); // exits 0 but publishes nothing
        Diagnosis d = firstFailure("visible.wild.test", l -> {
            l.set(Setting.DNS_HOOK, hook.toString());
            l.set(Setting.DNS_RESOLVER, bind.address());
            l.set(Setting.DNS_PROPAGATION_TIMEOUT, "2s");
        });
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.TXT_NOT_VISIBLE);
        assertThat(d.setting()).isEqualTo("dnsPropagationTimeout");
        assertThat(d.evidence()).contains("after 2 s").contains("dnsResolver " + bind.address() + ": no TXT record");
        assertThat(d.fix()).contains("raise dnsPropagationTimeout (now 2 s)");
        // removed after the failure, with the value it was added with
        List<String> log = DnsHooks.calls(calls);
        assertThat(log).hasSize(2);
        assertThat(log.get(1)).isEqualTo(log.get(0).replaceFirst("^add ", "remove "));
    }

    @Test
    void stoppingTheServerWhileWaitingDeletesTheRecord() throws Exception {
        Path calls = dir.resolve("calls.log");
        int closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closed = s.getLocalPort();
        }
        int port = closed;
        AutocertListener listener = listener("stop.wild.test", l -> {
            l.set(Setting.DNS_HOOK, uncheck(() -> DnsHooks.nsupdate(dir, calls, bind)).toString());
            l.set(Setting.DNS_RESOLVER, "127.0.0.1:" + port); // never answers: propagation waits
            l.set(Setting.DNS_PROPAGATION_TIMEOUT, "5m");
        });
        EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), listener).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !bind.txt("_acme-challenge.stop.wild.test").isEmpty());
        } finally {
            tomcat.close();
        }
        assertThat(bind.txt("_acme-challenge.stop.wild.test")).isEmpty();
        List<String> log = DnsHooks.calls(calls);
        assertThat(log).hasSize(2);
        assertThat(log.get(1)).isEqualTo(log.get(0).replaceFirst("^add ", "remove "));
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T uncheck(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
