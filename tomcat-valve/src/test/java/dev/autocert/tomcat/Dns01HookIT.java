package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.testkit.Bind;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code dnsHook} path on embedded Tomcat: a shell script that publishes into a real BIND with
 * {@code nsupdate}. No {@code challenges} setting: the wildcard is validated over DNS-01 automatically,
 * the base name over HTTP-01 (the server has an HTTP connector). The hook is called once to add and once
 * to remove the same value, and the record is gone afterwards.
 */
class Dns01HookIT {

    private final Path work = Path.of("target", "it", "Dns01HookIT-" + System.nanoTime()).toAbsolutePath();
    private Bind bind;
    private Pebble pebble;
    private EmbeddedTomcat tomcat;

    @AfterEach
    void stopAll() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        if (pebble != null) {
            pebble.close();
        }
        if (bind != null) {
            bind.close();
        }
    }

    @Test
    void hookPublishesTheWildcardsRecordAndRemovesIt() throws Exception {
        int httpPort = FreePorts.take();
        int httpsPort = FreePorts.take();
        bind = Bind.builder().zone("hook.test").workDir(work.resolve("bind")).start();
        pebble = Pebble.builder().httpPort(httpPort).tlsPort(FreePorts.take()).dnsServer(bind.address())
                .workDir(work.resolve("pebble")).start();
        Path calls = work.resolve("hook-calls.log");
        AutocertListener listener = PebbleListener.of(pebble, "hook.test,*.hook.test", work.resolve("store"), httpsPort);
        listener.set(Setting.RETRY_DELAY, "2s");
        listener.set(Setting.DNS_HOOK, DnsHooks.nsupdate(work, calls, bind).toString());
        listener.set(Setting.DNS_HOOK_TIMEOUT, "20s");
        listener.set(Setting.DNS_RESOLVER, bind.address());
        tomcat = new EmbeddedTomcat(work.resolve("base"), httpPort, listener).start();

        List<X509Certificate> roots = pebble.roots();
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "app.hook.test", roots), roots, "app.hook.test"));
        List<X509Certificate> apex = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "hook.test", roots);
        TlsProbe.verifyChain(apex, roots, "hook.test");
        assertThat(TlsProbe.subjectAltNames(apex.get(0))).containsExactlyInAnyOrder("hook.test", "*.hook.test");

        await().atMost(Duration.ofSeconds(10)).until(() -> DnsHooks.calls(calls).size() == 2);
        List<String> log = DnsHooks.calls(calls);
        String[] add = log.get(0).split(" ");
        assertThat(add).hasSize(4);
        assertThat(add[0]).isEqualTo("add");
        assertThat(add[1]).isEqualTo("_acme-challenge.hook.test");
        assertThat(add[3]).isEqualTo("hook.test"); // AUTOCERT_DOMAIN: the identifier, without "*."
        assertThat(log.get(1)).isEqualTo("remove " + add[1] + " " + add[2] + " " + add[3]);
        assertThat(bind.txt("_acme-challenge.hook.test")).isEmpty();
        // one status, no failure: the wildcard went over DNS-01, the base name over HTTP-01, both at the first try
        assertThat(listener.getAutocert().status().get(0).failures()).isZero();
    }
}
